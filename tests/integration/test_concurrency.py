"""Runs that meet: two `uppfoljning run` at once; a Dagster materialisation (as the UI or the
daemon starts one) with a manual run and the schedule firing beside it; a BI reader holding
the published copy all along. One run goes, the other refuses with a message; the reader
never meets an error or a mix of versions."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import duckdb
from crashkit import Reader, check_version, mart_digest, run_env

from orchestration.defs.schedules import build_nightly_schedule
from orchestration.settings import PROJECT_ROOT


def _start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", *args], env=env, cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)


def _started_run(home: Path, timeout: float = 240) -> dg.DagsterRun:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with dg.DagsterInstance.from_config(str(home)) as instance:
            runs = instance.get_runs(filters=dg.RunsFilter(
                statuses=[dg.DagsterRunStatus.STARTED]))
            if runs:
                return runs[0]
        time.sleep(0.2)
    raise AssertionError("no run started")


def test_runs_meeting_refuse_with_a_message_and_readers_never_notice(
        nightly, pipeline_env: dict, tmp_path: Path) -> None:
    warehouse, home = tmp_path / "warehouse", tmp_path / "home"
    shutil.copytree(pipeline_env["warehouse"], warehouse, symlinks=True)
    env = run_env(pipeline_env["raw"], warehouse, home)
    # the instance's storage is created once, before two processes meet (as the daemon unit
    # does with `dagster instance migrate`): created at the same moment it can break
    dg.DagsterInstance.from_config(str(home)).dispose()
    published = warehouse / "published"
    release = tmp_path / "release"
    first = check_version(published)
    reader = Reader(published)
    reader.start()
    # a BI tool holding the published copy open the whole time
    held = duckdb.connect(str(published / "governance.duckdb"), read_only=True)
    try:
        # 1. two `uppfoljning run` at the same moment
        both = [_start(env, "orchestration.cli", "run") for _ in range(2)]
        outputs = [p.communicate(timeout=600)[0] for p in both]
        codes = sorted(p.returncode for p in both)
        assert codes == [0, 2], outputs
        refused = outputs[[p.returncode for p in both].index(2)]
        assert "skriver redan" in refused or "pågår redan" in refused
        second = check_version(published)
        assert second not in (None, first)

        # 2. a materialisation through Dagster (the UI's or the daemon's kind of run), with a
        # manual run and the schedule's tick while it runs
        # held before its switch until the manual run and the tick have met it (the file
        # `release` lets it go on), so it is in progress for exactly as long as they take
        held_run = {**env, "UPPFOLJNING_FAULT_AT": "publish.before_switch",
                    "UPPFOLJNING_FAULT_HOLD": str(release)}
        materialise = _start(held_run, "dagster", "asset", "materialize", "-m",
                             "orchestration.definitions", "--select", "published/mart")
        busy = _started_run(home)
        manual = subprocess.run([sys.executable, "-m", "orchestration.cli", "run"], env=env,
                                cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
        with dg.DagsterInstance.from_config(str(home)) as instance:
            with dg.build_schedule_context(  # closed: it opens an instance of its own
                    instance=instance, scheduled_execution_time=datetime.now(UTC)) as context:
                tick = build_nightly_schedule("0 2 * * *")(context)
            still = instance.get_run_by_id(busy.run_id).status
        release.touch()
        out = materialise.communicate(timeout=600)[0]
        assert manual.returncode == 2 and "pågår redan" in manual.stdout, manual.stdout
        assert isinstance(tick, dg.RunRequest)  # the queue holds it; nothing was failed
        assert still in (dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.SUCCESS)
        assert materialise.returncode == 0, out[-3000:]
        with dg.DagsterInstance.from_config(str(home)) as instance:
            assert instance.get_run_by_id(busy.run_id).status == dg.DagsterRunStatus.SUCCESS
        # the held connection still reads its snapshot
        assert held.execute("select version from publication").fetchall()[0][0] == first
    finally:
        release.touch()  # a held run never waits for a test that failed
        reader.stop()
        held.close()
    assert reader.errors == [] and reader.reads > 20
    assert reader.seen[0] == first and len(reader.seen) == 3
    # never a half-written warehouse: the mart is whole and as the session run built it
    assert mart_digest(warehouse / "governance.duckdb") == mart_digest(
        pipeline_env["warehouse"] / "governance.duckdb")
