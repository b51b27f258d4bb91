"""Helpers for the crash tests: run `uppfoljning run` as a real process (killable, in a
session of its own so a SIGKILL takes its dbt child too), a digest of the mart, and a BI
reader that checks the published version while publications happen."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb

from orchestration.settings import PROJECT_ROOT

KILLED = -signal.SIGKILL  # a run's return code when a fault point killed it


def assert_killed(result: subprocess.CompletedProcess) -> None:
    """The run ended by its fault point's SIGKILL, not by finishing or failing."""
    assert result.returncode == KILLED, (result.returncode, result.stdout[-2000:],
                                         result.stderr[-2000:])
# columns that say when a run happened, not what it computed
TIME_TYPES = ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIME")


def run_env(raw: Path, warehouse: Path, home: Path, **extra: str) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith("UPPFOLJNING_FAULT")}
    env.update(RAW_DIR=str(raw), WAREHOUSE_DIR=str(warehouse), DAGSTER_HOME=str(home),
               PAYROLL_HASH_KEY="test-key-not-secret", UPPFOLJNING_LOCK_WAIT_SECONDS="1",
               **extra)
    env.pop("AS_OF_DATE", None)
    return env


def uppfoljning(env: dict[str, str], *args: str, fault: str | None = None,
                timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`uppfoljning <args>` (default: run) in a new session; with `fault`, the process kills
    itself with SIGKILL at that point (orchestration/faults.py)."""
    env = dict(env)
    if fault:
        env["UPPFOLJNING_FAULT_AT"] = fault
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        return subprocess.run([sys.executable, "-m", "orchestration.cli", *(args or ("run",))],
                              env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
                              timeout=timeout, start_new_session=True)
    finally:
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        CHILD_CPU.append((fault or "-", after.ru_utime + after.ru_stime
                          - before.ru_utime - before.ru_stime))


# (fault point, CPU seconds) of every run started here: the tests print them, since wall
# time on a shared machine says little
CHILD_CPU: list[tuple[str, float]] = []


def cpu_report() -> str:
    total = sum(c for _, c in CHILD_CPU)
    return (f"runs' CPU {total:.1f} s: "
            + ", ".join(f"{f} {c:.1f}" for f, c in CHILD_CPU))


def mart_digest(database: Path) -> dict[str, tuple[int, int]]:
    """Per mart table: row count and an order-independent sum of row hashes over every
    column except run timestamps."""
    digest = {}
    with duckdb.connect(str(database), read_only=True) as conn:
        tables = [r[0] for r in conn.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' "
            "and table_type = 'BASE TABLE' order by 1").fetchall()]
        for table in tables:
            columns = [name for name, kind in conn.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'marts' and table_name = ? order by ordinal_position",
                [table]).fetchall() if kind not in TIME_TYPES]
            cols = ", ".join(f'"{c}"' for c in columns)
            digest[table] = tuple(conn.execute(
                f"select count(*), coalesce(sum(hash(struct_pack({cols}))::hugeint), 0)::varchar "
                f"from marts.{table}").fetchall()[0])
    return digest


def _file_identity(path: Path) -> tuple[int, int, int, int]:
    st = path.stat()
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def check_version(published: Path, known: dict | None = None) -> str | None:
    """What a careful BI reader sees: `current` resolved once, then its VERSION.json against
    every file it lists and against the DuckDB copy's own record. None if nothing is
    published yet; raises AssertionError on a mix or a missing file.

    `known` (a dict the caller keeps) remembers the record of each DuckDB file already opened,
    by device, inode, size and modification time: the same file unchanged holds the same
    record, so a reader polling in a loop opens each new file once (opening one costs about
    35 ms of CPU, which at every poll took most of a core from the runs under test). A file
    replaced, rewritten or touched has another identity and is opened again."""
    current = published / "current"
    if not current.exists():
        assert not (published / "VERSION.json").exists() or current.is_symlink()
        return None
    folder = current.resolve()
    manifest = json.loads((folder / "VERSION.json").read_text(encoding="utf-8"))
    # every listed file, looked up from the folder opened once: a Path object per file made
    # up most of a poll's CPU (a version lists some 270 files), and the walk from / the rest
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for name, size in manifest["files"].items():
            assert os.stat(name, dir_fd=fd).st_size == size, f"{name} in {folder.name}"
    finally:
        os.close(fd)
    database = folder / "governance.duckdb"
    identity = _file_identity(database)
    held = known.get(identity) if known is not None else None
    if held is None:
        with duckdb.connect(str(database), read_only=True) as conn:
            held = conn.execute("select version from publication").fetchall()[0][0]
        if known is not None:
            known[identity] = held
    assert held == manifest["version"] == folder.name
    # the stable path BI tools were given opens too, at every instant
    assert (published / "governance.duckdb").stat().st_size > 0
    return manifest["version"]


class Reader(threading.Thread):
    """Checks the published version again and again until stopped; keeps what it saw."""

    def __init__(self, published: Path) -> None:
        super().__init__(daemon=True)
        self.published = published
        self.seen: list[str] = []
        self.errors: list[str] = []
        self.reads = 0
        self.opened: dict = {}  # the DuckDB files this reader has opened, by identity
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                version = check_version(self.published, self.opened)
            except Exception as exc:  # any error a reader meets is a failure of the test
                self.errors.append(f"{type(exc).__name__}: {exc}")
            else:
                self.reads += 1
                if version is None and self.seen:
                    self.errors.append("nothing published after a version was")
                if version and (not self.seen or self.seen[-1] != version):
                    self.seen.append(version)
            time.sleep(0.01)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(10)
