"""`uppfoljning run` executes in its own process, outside the daemon's queue: it must not
start while another run writes the warehouse (DuckDB allows one writer)."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest

from orchestration import run as nightly
from orchestration.settings import PROJECT_ROOT


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("RAW_DIR", str(tmp_path / "raw"))
    monkeypatch.setenv("WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    return home


def test_a_run_in_progress_stops_a_second_writer(home: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        busy = instance.add_run(dg.DagsterRun(job_name="nightly",
                                              status=dg.DagsterRunStatus.STARTED))
        assert [r.run_id for r in nightly.runs_in_progress(instance)] == [busy.run_id]

        assert nightly.main() == 2
        said = capsys.readouterr().out
        assert "pågår redan" in said and busy.run_id in said and "--force" in said
        # nothing was started: no sample written, no warehouse opened
        assert not (tmp_path / "raw").exists() and not (tmp_path / "warehouse").exists()

        instance.report_run_failed(busy)
        assert nightly.runs_in_progress(instance) == []


def test_finished_runs_do_not_count(home: Path) -> None:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        for status in (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE,
                       dg.DagsterRunStatus.CANCELED):
            instance.add_run(dg.DagsterRun(job_name="nightly", status=status))
        assert nightly.runs_in_progress(instance) == []
