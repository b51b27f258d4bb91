"""A transient failure: another process holds the warehouse file (a second writer, or a tool
that opened the working file instead of the published copy). The step waits and tries again
(a Dagster step retry) and succeeds once the file is free; held too long, the run fails with
DuckDB's own message and nothing is written."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import pytest

from orchestration.defs.dbt.assets import governance_mart
from orchestration.defs.publish.assets import published_mart
from orchestration.defs.registry.assets import registry
from orchestration.defs.resources import LOCK_WAIT_ENV, Warehouse, resources

pytestmark = pytest.mark.integration

HOLD = """
import sys, time, duckdb
conn = duckdb.connect(sys.argv[1])  # a writer's lock on the file
print("held", flush=True)
time.sleep(600)
"""


@contextmanager
def held(db: Path, until_retry: dg.DagsterInstance | None = None) -> Iterator[None]:
    """Another process holds the file: until the step has failed once on it and is up for a
    retry in `until_retry`'s runs (so the retry finds it free, however slowly the first
    attempt started), or for the whole block."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE,
                            text=True)
    done = threading.Event()

    def release_after_first_retry(instance: dg.DagsterInstance) -> None:
        while not done.wait(0.2):
            if any(e.dagster_event is not None
                   and e.dagster_event.event_type_value == "STEP_UP_FOR_RETRY"
                   for run in instance.get_runs() for e in instance.all_logs(run.run_id)):
                proc.kill()
                return

    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        if until_retry is not None:
            threading.Thread(target=release_after_first_retry, args=(until_retry,),
                             daemon=True).start()
        yield
    finally:
        done.set()
        proc.kill()
        proc.wait(timeout=10)


def _retries(result: dg.ExecuteInProcessResult) -> int:
    return sum(e.event_type_value == "STEP_UP_FOR_RETRY" for e in result.all_events)


def _warehouse(tmp_path: Path, raw: Path, built: Path | None = None) -> Warehouse:
    """An empty warehouse folder, or one holding a copy of a built warehouse file."""
    folder = tmp_path / "warehouse"
    folder.mkdir()
    if built is not None:
        shutil.copy(built / "governance.duckdb", folder / "governance.duckdb")
    return Warehouse(raw_dir=str(raw), warehouse_dir=str(folder))


def test_a_held_warehouse_is_waited_for(tmp_path: Path, sample_raw: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LOCK_WAIT_ENV, "1")
    warehouse = _warehouse(tmp_path, sample_raw)
    with dg.instance_for_test() as instance, held(warehouse.settings().duckdb_path, instance):
        result = dg.materialize([registry], resources={"warehouse": warehouse},
                                instance=instance, raise_on_error=False)
    assert result.success
    assert _retries(result) >= 1


def test_a_warehouse_held_too_long_fails_the_run(tmp_path: Path, sample_raw: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LOCK_WAIT_ENV, "0.5")
    warehouse = _warehouse(tmp_path, sample_raw)
    with held(warehouse.settings().duckdb_path):
        result = dg.materialize([registry], resources={"warehouse": warehouse},
                                raise_on_error=False)
        assert not result.success
        assert _retries(result) == 3
        [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
        assert "Could not set lock on file" in str(failure.event_specific_data.error)


def test_dbt_waits_for_a_held_warehouse(nightly, pipeline_env: dict, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LOCK_WAIT_ENV, "1")
    warehouse = _warehouse(tmp_path, pipeline_env["raw"], pipeline_env["warehouse"])
    with dg.instance_for_test() as instance, held(warehouse.settings().duckdb_path, instance):
        result = dg.materialize(
            [governance_mart], raise_on_error=False, selection=dg.AssetSelection.groups("marts"),
            resources={"warehouse": warehouse, "dbt": resources().resources["dbt"]},
            instance=instance)
    assert result.success
    assert _retries(result) >= 1


def test_publication_waits_for_a_held_warehouse(nightly, pipeline_env: dict, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LOCK_WAIT_ENV, "1")
    warehouse = _warehouse(tmp_path, pipeline_env["raw"], pipeline_env["warehouse"])
    with dg.instance_for_test() as instance, held(warehouse.settings().duckdb_path, instance):
        result = dg.materialize([published_mart], resources={"warehouse": warehouse},
                                instance=instance, raise_on_error=False)
    assert result.success
    assert _retries(result) >= 1
    published = warehouse.settings().published_dir
    assert (published / "governance.duckdb").exists()
    assert not list(published.glob(".*"))  # the failed attempt left no staging behind
