"""A transient failure: another process holds the warehouse file (a second writer, or a tool
that opened the working file instead of the published copy). The step waits and tries again
(a Dagster step retry) and succeeds once the file is free; held too long, the run fails with
DuckDB's own message and nothing is written."""

from __future__ import annotations

import shutil
import subprocess
import sys
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
time.sleep(float(sys.argv[2]))
"""


@contextmanager
def held(db: Path, seconds: float) -> Iterator[subprocess.Popen]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(db), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        yield proc
    finally:
        proc.kill()
        proc.wait(timeout=10)


def _retries(result: dg.ExecuteInProcessResult) -> int:
    return sum(e.event_type_value == "STEP_UP_FOR_RETRY" for e in result.all_events)


def test_a_held_warehouse_is_waited_for(tmp_path: Path, sample_raw: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LOCK_WAIT_ENV, "2")
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    db = warehouse / "governance.duckdb"
    resources_ = {"warehouse": Warehouse(raw_dir=str(sample_raw), warehouse_dir=str(warehouse))}
    with held(db, 3):
        result = dg.materialize([registry], resources=resources_, raise_on_error=False)
    assert result.success
    assert _retries(result) >= 1


def test_a_warehouse_held_too_long_fails_the_run(tmp_path: Path, sample_raw: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LOCK_WAIT_ENV, "0.5")
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    db = warehouse / "governance.duckdb"
    resources_ = {"warehouse": Warehouse(raw_dir=str(sample_raw), warehouse_dir=str(warehouse))}
    with held(db, 60):
        result = dg.materialize([registry], resources=resources_, raise_on_error=False)
        assert not result.success
        assert _retries(result) == 3
        [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
        assert "Could not set lock on file" in str(failure.event_specific_data.error)


def test_dbt_waits_for_a_held_warehouse(nightly, pipeline_env: dict, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LOCK_WAIT_ENV, "4")
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    db = warehouse / "governance.duckdb"
    shutil.copy(pipeline_env["warehouse"] / "governance.duckdb", db)
    resources_ = {"warehouse": Warehouse(raw_dir=str(pipeline_env["raw"]),
                                         warehouse_dir=str(warehouse)),
                  "dbt": resources().resources["dbt"]}
    with held(db, 5):
        result = dg.materialize([governance_mart], resources=resources_, raise_on_error=False,
                                selection=dg.AssetSelection.groups("marts"))
    assert result.success
    assert _retries(result) >= 1


def test_publication_waits_for_a_held_warehouse(nightly, pipeline_env: dict, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LOCK_WAIT_ENV, "3")
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    db = warehouse / "governance.duckdb"
    shutil.copy(pipeline_env["warehouse"] / "governance.duckdb", db)
    resources_ = {"warehouse": Warehouse(raw_dir=str(pipeline_env["raw"]),
                                         warehouse_dir=str(warehouse))}
    with held(db, 4):
        result = dg.materialize([published_mart], resources=resources_, raise_on_error=False)
    assert result.success
    assert _retries(result) >= 1
    published = warehouse / "published"
    assert (published / "governance.duckdb").exists()
    assert not list(published.glob(".governance-*"))  # the failed attempt left nothing behind
