"""`uppfoljning run` executes in its own process, outside the daemon's queue: it must not
start while another run writes the warehouse (DuckDB allows one writer), and a run whose
worker process is gone (SIGKILL, power cut) must not block anything. Real processes, a real
Dagster instance."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import pytest

from orchestration import run as nightly
from orchestration import workers
from orchestration.defs.schedules import build_nightly_schedule
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


@pytest.fixture()
def child():
    """A real process standing in for a run worker."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def _started_run(instance: dg.DagsterInstance, tags: dict[str, str]) -> dg.DagsterRun:
    return instance.add_run(dg.DagsterRun(job_name="nightly", status=dg.DagsterRunStatus.STARTED,
                                          tags=tags))


def _kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def test_a_run_whose_worker_lives_stops_a_second_writer(
        home: Path, tmp_path: Path, child: subprocess.Popen,
        capsys: pytest.CaptureFixture[str]) -> None:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        busy = _started_run(instance, workers.worker_tags(child.pid))
        assert [r.run_id for r in nightly.runs_in_progress(instance)] == [busy.run_id]

        assert nightly.main() == 2
        said = capsys.readouterr().out
        assert "pågår redan" in said and busy.run_id in said and "lever" in said
        # nothing was started: no sample written, no warehouse opened
        assert not (tmp_path / "raw").exists() and not (tmp_path / "warehouse").exists()
        assert instance.get_run_by_id(busy.run_id).status == dg.DagsterRunStatus.STARTED


def test_a_killed_worker_is_recognised_and_its_run_failed_with_the_reason(
        home: Path, child: subprocess.Popen, capsys: pytest.CaptureFixture[str]) -> None:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        stale = _started_run(instance, workers.worker_tags(child.pid))
        _kill(child)
        assert nightly.runs_in_progress(instance) == []  # no --force, no wait
        run = instance.get_run_by_id(stale.run_id)
        assert run.status == dg.DagsterRunStatus.FAILURE
        assert run.tags[workers.STALE_TAG] == "true"
        failure = [e.dagster_event.message for e in instance.all_logs(
            stale.run_id, of_type=dg.DagsterEventType.PIPELINE_FAILURE)]
        assert len(failure) == 1 and workers.STALE_REASON in failure[0]
        assert workers.STALE_REASON in capsys.readouterr().out


def test_a_reused_pid_is_not_taken_for_the_worker(home: Path) -> None:
    """This very process is alive, but it is not the process that started the run: the start
    time recorded in the tag differs, so the run is stale."""
    with dg.DagsterInstance.from_config(str(home)) as instance:
        tags = workers.worker_tags(os.getpid())
        boot, ticks = tags[workers.STARTED_TAG].split(":")
        tags[workers.STARTED_TAG] = f"{boot}:{int(ticks) - 1}"
        reused = _started_run(instance, tags)
        assert nightly.runs_in_progress(instance) == []
        assert instance.get_run_by_id(reused.run_id).status == dg.DagsterRunStatus.FAILURE


def test_a_daemon_worker_is_known_by_its_start_event(home: Path, child: subprocess.Popen) -> None:
    """A daemon-launched run reports its worker's pid in an engine event; the recorder turns it
    into tags while the worker lives, and the guard sees its death."""
    with dg.DagsterInstance.from_config(str(home)) as instance:
        run = _started_run(instance, {})
        instance.report_engine_event(f"Started process for run (pid: {child.pid}).", run)
        assert workers.record_daemon_worker(instance, instance.get_run_by_id(run.run_id))
        tagged = instance.get_run_by_id(run.run_id)
        assert tagged.tags[workers.PID_TAG] == str(child.pid)
        assert [r.run_id for r in nightly.runs_in_progress(instance)] == [run.run_id]
        _kill(child)
        assert nightly.runs_in_progress(instance) == []


def test_the_schedule_fails_a_stale_run_before_asking_for_the_night(
        home: Path, child: subprocess.Popen) -> None:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        alive = _started_run(instance, workers.worker_tags(os.getpid()))
        stale = _started_run(instance, workers.worker_tags(child.pid))
        _kill(child)
        with dg.build_schedule_context(  # closed: it opens an instance of its own
                instance=instance,
                scheduled_execution_time=datetime(2026, 12, 1, 2, tzinfo=UTC)) as context:
            request = build_nightly_schedule("0 2 * * *")(context)
        assert isinstance(request, dg.RunRequest)
        assert instance.get_run_by_id(stale.run_id).status == dg.DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(alive.run_id).status == dg.DagsterRunStatus.STARTED


def test_runs_without_a_known_worker_are_left_to_run_monitoring(home: Path) -> None:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        unknown = _started_run(instance, {})
        assert [r.run_id for r in nightly.runs_in_progress(instance)] == [unknown.run_id]


def test_finished_runs_do_not_count(home: Path) -> None:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        for status in (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE,
                       dg.DagsterRunStatus.CANCELED):
            instance.add_run(dg.DagsterRun(job_name="nightly", status=status))
        assert nightly.runs_in_progress(instance) == []


def test_process_start_time_is_read_from_proc() -> None:
    began = workers.process_start_epoch(os.getpid())
    assert began is not None and began <= time.time()
    assert workers.process_start_ticks(2 ** 22 + 12345) is None  # beyond pid_max: no process
