"""Operations, for real: a dagster-daemon process ticks the schedule and the raw/ sensor and
launches runs; and a BI reader holding the published DuckDB file open never blocks (nor is
broken by) a publication."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import psutil
import pytest
from dagster._core.scheduler.instigation import TickStatus

from orchestration.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration

DAEMON_TIMEOUT_S = 150
DROPPED = "payroll/lon_2023-05.csv"


def _processes_of(home: Path) -> list[psutil.Process]:
    """Every process started for this test: they all carry its temporary DAGSTER_HOME."""
    found = []
    for proc in psutil.process_iter(["pid"]):
        try:
            if proc.pid != os.getpid() and proc.environ().get("DAGSTER_HOME") == str(home):
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def _stop_everything(daemon: subprocess.Popen, home: Path) -> list[int]:
    """Kill the daemon's process group (dagster leaves children running after SIGTERM), then
    any process of this test that escaped it; return the pids that still survive."""
    tracked = set(_processes_of(home))
    with contextlib.suppress(psutil.NoSuchProcess):
        tracked |= set(psutil.Process(daemon.pid).children(recursive=True))
    try:
        os.killpg(daemon.pid, signal.SIGTERM)
        daemon.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(daemon.pid, signal.SIGKILL)
    daemon.wait(timeout=10)
    for proc in tracked | set(_processes_of(home)):
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    _, alive = psutil.wait_procs(list(tracked | set(_processes_of(home))), timeout=10)
    return [p.pid for p in alive]


def _ticks(instance: dg.DagsterInstance, name: str) -> list:
    for state in instance.all_instigator_state():
        if state.instigator_name == name:
            return list(instance.get_ticks(state.instigator_origin_id, state.selector_id))
    return []


def _runs(instance: dg.DagsterInstance, tag: str, name: str) -> list[dg.DagsterRun]:
    return list(instance.get_runs(filters=dg.RunsFilter(tags={tag: name})))


@pytest.fixture()
def daemon_env(tmp_path: Path, sample_raw: Path, nightly, pipeline_env: dict) -> dict[str, Path]:
    raw, warehouse, home = tmp_path / "raw", tmp_path / "warehouse", tmp_path / "dagster_home"
    shutil.copytree(sample_raw, raw)
    (raw / DROPPED).unlink()  # dropped in once the sensor has had its first look
    # a warehouse built and published by a night, as on a server: a drop then runs only its
    # source and what is downstream (the session's nightly run built it; copied, not shared)
    assert (pipeline_env["warehouse"] / "published" / "VERSION.json").exists(), (
        f"the session's nightly run did not publish: failed steps {nightly.failed_steps}")
    shutil.copytree(pipeline_env["warehouse"], warehouse)
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    return {"raw": raw, "warehouse": warehouse, "home": home, "tmp": tmp_path}


def test_daemon_ticks_schedule_and_sensor_and_launches_runs(
        daemon_env: dict[str, Path], sample_raw: Path) -> None:
    home = daemon_env["home"]
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("UPPFOLJNING_") and k not in ("AS_OF_DATE",)}
    env.update(
        DAGSTER_HOME=str(home), RAW_DIR=str(daemon_env["raw"]),
        WAREHOUSE_DIR=str(daemon_env["warehouse"]), PAYROLL_HASH_KEY="test-key-not-secret",
        UPPFOLJNING_NIGHTLY_CRON="* * * * *",  # the next minute, not 02:00
        UPPFOLJNING_SENSOR_INTERVAL="5", UPPFOLJNING_SENSOR_SETTLE_SECONDS="1",
        # the ticks are under test, not the PDFs (tests/browser): drawn, the schedule's first
        # run holds the one run slot for minutes and the sensor's run waits behind it
        UPPFOLJNING_REPORT_PDF="0",
        GX_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1", DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    log = (daemon_env["tmp"] / "daemon.log").open("wb")
    # Create the SQLite storage before any Dagster process starts: processes creating it at the
    # same moment can leave it with two schema heads, unusable (the daemon unit runs
    # `dagster instance migrate` first for the same reason).
    instance = dg.DagsterInstance.from_config(str(home))
    started = time.monotonic()
    daemon = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster-daemon"), "run",
         "-m", "orchestration.definitions"],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)  # its own process group, so the whole tree can be killed
    survivors: list[int] = []
    try:
        with instance:
            deadline = started + DAEMON_TIMEOUT_S

            def wait_for(what: str, condition) -> object:
                while time.monotonic() < deadline:
                    assert daemon.poll() is None, f"the daemon exited; see {log.name}"
                    value = condition()
                    if value:
                        return value
                    time.sleep(1)
                pytest.fail(f"timed out waiting for {what}; see {log.name}")

            # the sensor's first tick notes what lies in raw/ and starts nothing; the file is
            # dropped once that tick has ended (a tick is recorded when it starts, and a file
            # dropped during its scan would be part of what it notes)
            wait_for("the sensor's first tick", lambda: [
                t for t in _ticks(instance, "raw_files_sensor")
                if t.status != TickStatus.STARTED])
            assert not _runs(instance, "dagster/sensor_name", "raw_files_sensor")

            shutil.copyfile(sample_raw / DROPPED, daemon_env["raw"] / DROPPED)
            dropped = time.time()
            [sensor_run] = wait_for(
                "a run from the sensor",
                lambda: _runs(instance, "dagster/sensor_name", "raw_files_sensor"))
            record = instance.get_run_record_by_id(sensor_run.run_id)
            print(f"\nfile drop -> sensor run request: "
                  f"{record.create_timestamp.timestamp() - dropped:.1f} s")
            selected = {k.to_user_string() for k in sensor_run.asset_selection or []}
            assert {"landing/payroll", "marts/fct_payroll_monthly", "published/mart"} <= selected
            assert "landing/ledger" not in selected
            assert sensor_run.tags["dagster/max_retries"] == "2"

            schedule_runs = wait_for(
                "a run from the schedule",
                lambda: _runs(instance, "dagster/schedule_name", "nightly_schedule"))
            assert schedule_runs[-1].job_name == "nightly"
            assert not schedule_runs[-1].asset_selection  # the whole job
            assert schedule_runs[-1].tags["dagster/max_retries"] == "2"
            wait_for("the schedule's tick to record its run", lambda: any(
                schedule_runs[-1].run_id in t.run_ids
                for t in _ticks(instance, "nightly_schedule")))

            # the queue (one run at a time) hands runs to run workers
            wait_for("a launched run", lambda: any(
                r.status != dg.DagsterRunStatus.QUEUED
                for r in instance.get_runs(filters=dg.RunsFilter(job_name="nightly"))))
            # measured when time allows: the sensor's run may wait behind the schedule's
            deadline = min(deadline, time.monotonic() + 45)
            with contextlib.suppress(pytest.fail.Exception):
                wait_for("the sensor's run to finish", lambda: instance.get_run_by_id(
                    sensor_run.run_id).is_finished)
            record = instance.get_run_record_by_id(sensor_run.run_id)
            if record.dagster_run.is_finished:
                assert record.dagster_run.status == dg.DagsterRunStatus.SUCCESS
                print(f"file drop -> run finished (mart published): "
                      f"{record.end_time - dropped:.1f} s")
            print(f"daemon test: {time.monotonic() - started:.0f} s")
    finally:
        survivors = _stop_everything(daemon, home)
        log.close()
    assert survivors == [], f"processes survived the daemon's process group kill: {survivors}"


READER = textwrap.dedent("""
    import json, sys, time
    from pathlib import Path
    import duckdb

    path, stop = sys.argv[1], Path(sys.argv[2])
    held = duckdb.connect(path, read_only=True)  # a BI tool keeps its connection open
    queries, errors, held_versions = 0, [], set()
    print("ready", flush=True)
    while not stop.exists():
        try:
            held.execute("select count(*) from marts.dim_initiatives").fetchall()
            held_versions.add(held.execute("select version from publication").fetchall()[0][0])
            queries += 1
        except Exception as exc:
            errors.append(repr(exc))
        time.sleep(0.005)
    held.close()
    # DuckDB shares one database per path within a process: only once every connection of
    # the process is closed does a new one open the replaced file (a BI tool's "refresh")
    with duckdb.connect(path, read_only=True) as again:
        after = again.execute("select version from publication").fetchall()[0][0]
    print(json.dumps({"queries": queries, "errors": errors,
                      "held_versions": sorted(held_versions), "after_reconnect": after}))
""")


@pytest.fixture()
def reader(nightly, pipeline_env: dict, tmp_path: Path) -> Iterator[tuple[subprocess.Popen,
                                                                           Path]]:
    published = pipeline_env["warehouse"] / "published" / "governance.duckdb"
    assert published.exists(), (
        f"the session's nightly run did not publish: failed steps {nightly.failed_steps}")
    stop = tmp_path / "stop"
    proc = subprocess.Popen([sys.executable, "-c", READER, str(published), str(stop)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        yield proc, stop
    finally:
        stop.touch()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def test_a_bi_reader_never_blocks_a_publication(reader, pipeline_env: dict) -> None:
    import json

    from orchestration.publish import publish
    from orchestration.settings import get_settings

    proc, stop = reader
    settings = get_settings()
    versions = []
    for _ in range(2):
        time.sleep(1.1)  # versions are stamped to the second
        started = time.monotonic()
        result = publish(settings)
        print(f"\npublish with a reader holding the file: {time.monotonic() - started:.2f} s")
        with duckdb.connect(str(settings.published_duckdb_path), read_only=True) as conn:
            seen = conn.execute("select version from publication").fetchall()[0][0]
            rows = conn.execute("select count(*) from marts.dim_initiatives").fetchall()[0][0]
        assert seen == result.version and rows == result.tables["dim_initiatives"]
        versions.append(seen)
        time.sleep(0.5)  # let the reader refresh against the new file
    assert versions[0] != versions[1]

    stop.touch()
    out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["errors"] == []
    assert summary["queries"] > 0
    # the open connection kept one consistent snapshot throughout both publications
    assert len(summary["held_versions"]) == 1
    assert summary["held_versions"][0] not in versions
    assert summary["after_reconnect"] == versions[-1]


def test_a_publication_failing_half_way_changes_nothing(
        nightly, pipeline_env: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Exports are staged with the copy: a failure after some tables were exported leaves
    every published file (copy, Parquet, CSV, report, VERSION.json) as it was."""
    import hashlib
    from dataclasses import replace

    from orchestration import publish as publication
    from orchestration.settings import get_settings

    # a copy of the warehouse whose first mart table has changed since it was published
    warehouse = tmp_path / "warehouse"
    shutil.copytree(pipeline_env["warehouse"], warehouse,
                    ignore=shutil.ignore_patterns(".dbt_target", "quarantine"))
    settings = replace(get_settings(), warehouse_dir=warehouse)
    with duckdb.connect(str(settings.duckdb_path)) as conn:
        assert conn.execute("select min(table_name) from information_schema.tables "
                            "where table_schema = 'marts'").fetchall()[0][0] == "dim_accounts"
        conn.execute("update marts.dim_accounts set account_name = account_name || ' (ändrad)'")
    published = settings.published_dir

    def snapshot() -> dict[str, str]:
        return {str(p.relative_to(published)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(published.rglob("*")) if p.is_file()}

    before = snapshot()
    assert {"parquet/fct_findings.parquet", "csv/fct_findings.csv", "VERSION.json",
            "governance.duckdb", "valideringsrapport.html"} <= set(before)
    written = publication.write_csv
    calls = []

    def failing_third(conn, select, target):  # a disk error, say, on the third table
        calls.append(target.name)
        if len(calls) == 3:
            raise OSError("No space left on device")
        written(conn, select, target)

    monkeypatch.setattr(publication, "write_csv", failing_third)
    time.sleep(1.1)  # a new version stamp
    with pytest.raises(OSError, match="No space left"):
        publication.publish(settings)
    assert len(calls) == 3
    assert snapshot() == before  # hidden staging is gone too: the snapshot lists every file
