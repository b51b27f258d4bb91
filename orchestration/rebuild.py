"""A damaged or missing working warehouse is rebuilt from raw/, the source of truth.

The working file `warehouse/governance.duckdb` holds nothing that raw/ cannot give back except
history: when each finding was first seen (`marts.fct_findings`) and which files were
superseded or quarantined (`landing.files`). That history is saved after every publication
into `warehouse/history.duckdb` (replaced atomically, private to the pipeline's user), and a
rebuild seeds the new file with it before loading raw/ again. A rebuild therefore keeps the
first-seen dates as of the last publication, and a superseded file stays superseded.

Detection: before a run, the file is opened read-only and every table is read to the end. A
truncated or overwritten file fails there (DuckDB checks every block's checksum); it is moved
aside as `governance.duckdb.skadad-<time>` (the newest such copy is kept for inspection) and
the run builds a new one. `uppfoljning rebuild` does the same on demand, for a healthy file
too (after a reader change, say)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.settings import Settings

HISTORY_NAME = "history.duckdb"
DAMAGED_SUFFIX = ".skadad-"
REBUILT_SUFFIX = ".fore-ombyggnad-"
KEPT_STATUSES = ("superseded", "quarantined")


def history_path(settings: Settings) -> Path:
    return settings.warehouse_dir / HISTORY_NAME


def probe(path: Path) -> str | None:
    """None when the file opens and every table reads to the end; else DuckDB's complaint.
    A file held by another process (the lock) is not damage: the caller waits for it."""
    if not path.exists():
        return None
    try:
        with duckdb.connect(str(path), read_only=True) as conn:
            tables = conn.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_type = 'BASE TABLE' and table_catalog = current_database()"
            ).fetchall()
            for schema, table in tables:
                # hashing every row reads every block, whose checksums DuckDB verifies,
                # streaming: no table is held in memory
                conn.execute(f'select bit_xor(hash(t)) from "{schema}"."{table}" as t'
                             ).fetchall()
    except duckdb.Error as exc:
        if "Could not set lock" in str(exc):
            return None
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
    return None


def save_history(settings: Settings) -> None:
    """After a publication: the history a rebuild must not lose, into history.duckdb."""
    target = history_path(settings)
    staging = target.with_name(f".{HISTORY_NAME}-{os.getpid()}")
    staging.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(staging)) as conn:
            conn.execute(f"attach '{settings.duckdb_path}' as src (read_only)")
            present = {r[0] for r in conn.execute(
                "select table_schema || '.' || table_name from information_schema.tables "
                "where table_catalog = 'src'").fetchall()}
            if "landing.files" in present:
                conn.execute("create table files as select * from src.landing.files "
                             "where status in (select unnest(?::varchar[]))",
                             [list(KEPT_STATUSES)])
            if "marts.fct_findings" in present:
                conn.execute("create table findings as select * from src.marts.fct_findings")
            conn.execute("detach src")
        staging.chmod(0o600)  # personal data: the pipeline's user only, whatever the umask
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)


def move_aside(settings: Settings, suffix: str) -> Path:
    """Move the working file (and its WAL) aside; older copies of the same kind go."""
    path = settings.duckdb_path
    for old in path.parent.glob(f"{path.name}{suffix}*"):
        old.unlink(missing_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}{suffix}{stamp}")
    os.replace(path, aside)
    wal = path.with_name(path.name + ".wal")
    if wal.exists():
        os.replace(wal, aside.with_name(aside.name + ".wal"))
    return aside


def seed_from_history(settings: Settings) -> bool:
    """Start a new working file with the saved history; False when there is none."""
    from orchestration import landing

    history = history_path(settings)
    if not history.exists() or probe(history) is not None:
        return False
    with landing.connect(settings.duckdb_path) as conn:
        conn.execute(f"attach '{history}' as history (read_only)")
        saved = {r[0] for r in conn.execute(
            "select table_name from information_schema.tables "
            "where table_catalog = 'history'").fetchall()}
        if "files" in saved:
            conn.execute("insert into landing.files by name select * from history.files")
        if "findings" in saved:
            conn.execute("create schema if not exists marts")
            conn.execute("create table marts.fct_findings as select * from history.findings")
        conn.execute("detach history")
    return True


def prepare_warehouse(settings: Settings, force_rebuild: bool = False) -> list[str]:
    """Before a run: what was found and done, as Swedish sentences for the console."""
    said: list[str] = []
    path = settings.duckdb_path
    published = (settings.published_dir / "VERSION.json").exists()
    if force_rebuild and path.exists():
        aside = move_aside(settings, REBUILT_SUFFIX)
        said.append(f"Ombyggnad: arbetsdatabasen flyttades till {aside.name} och byggs om "
                    f"från {settings.raw_dir}.")
    elif (problem := probe(path)) is not None:
        aside = move_aside(settings, DAMAGED_SUFFIX)
        said.append(f"Arbetsdatabasen {path} är skadad ({problem}). Den flyttades till "
                    f"{aside.name} och byggs nu om från {settings.raw_dir}, som är "
                    "källan till allt i den. Den publicerade versionen ligger kvar tills "
                    "ombyggnaden publicerar en ny.")
    elif not path.exists() and published:
        said.append(f"Arbetsdatabasen {path} saknas: den byggs om från {settings.raw_dir}.")
    if not path.exists() and seed_from_history(settings):
        said.append("Historiken (när varje avvikelse sågs först, ersatta och karantänsatta "
                    f"filer) återställdes från {HISTORY_NAME}.")
    return said
