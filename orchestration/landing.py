"""Loading raw files into the landing schema, the same way for every source: a content hash so
a re-delivered file changes nothing, a file key so a corrected file replaces its predecessor,
and quarantine so one bad file never stops the others or loses what was loaded before."""

from __future__ import annotations

import hashlib
import logging
import shutil
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration.faults import fault_point
from orchestration.readers.errors import SourceFileError

log = logging.getLogger(__name__)
REASON_SUFFIX = ".reason.txt"  # beside a quarantined file's copy: why it was set aside

FILES_DDL = """
create table if not exists landing.files (
    source varchar not null,
    file_name varchar not null,
    file_sha256 varchar not null,
    file_key varchar,
    status varchar not null,          -- loaded | quarantined | superseded
    row_count bigint,
    reason varchar,
    seen_at timestamp not null,
    file_stamp varchar                -- size, modification time and reader settings
)
"""


@dataclass(frozen=True)
class Delivery:
    """What one load takes: usually one file; the registry's YAML files travel together."""

    name: str  # relative to raw/<source>/
    paths: tuple[Path, ...]

    def stamp(self, salt: str = "") -> str:
        """Size and modification time (and the reader's settings): cheap to read, so an
        unchanged file need not be hashed again every night."""
        stats = [p.stat() for p in self.paths]
        settings = hashlib.sha256(salt.encode("utf-8")).hexdigest()[:12]
        return (f"{sum(s.st_size for s in stats)}:{max(s.st_mtime_ns for s in stats)}:"
                f"{len(stats)}:{settings}")

    def sha256(self, salt: str = "") -> str:
        digest = hashlib.sha256(salt.encode("utf-8"))
        for path in self.paths:
            if len(self.paths) > 1:  # a bundle: which file holds what matters too
                digest.update(path.name.encode("utf-8"))
            with path.open("rb") as f:
                while chunk := f.read(8 * 1024 * 1024):
                    digest.update(chunk)
        return digest.hexdigest()


@dataclass
class Loaded:
    """A reader's result: the key a corrected delivery replaces, and its landing tables.
    A table is an Arrow table or the path of a Parquet file."""

    file_key: str
    tables: Mapping[str, pa.Table | Path]
    # per table, what to select from the incoming rows instead of "*" (e.g. to drop a column)
    projections: Mapping[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    name: str
    status: str  # loaded | unchanged | quarantined
    rows: int = 0
    reason: str | None = None
    replaced: list[str] = field(default_factory=list)


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = duckdb.connect(str(path))
    conn.execute("create schema if not exists landing")
    conn.execute(FILES_DDL)
    conn.execute("alter table landing.files add column if not exists file_stamp varchar")
    return conn


def deliveries(folder: Path, suffixes: Iterable[str],
               exclude: str = ".meta.json") -> list[Delivery]:
    """Every file under folder with one of the suffixes (any case), one delivery each, in name
    order; sidecar files (`exclude`) are not deliveries."""
    wanted = tuple(s.lower() for s in suffixes)
    found = sorted(p for p in folder.rglob("*") if p.is_file()
                   and p.name.lower().endswith(wanted) and not p.name.endswith(exclude))
    return [Delivery(str(p.relative_to(folder)), (p,)) for p in found]


def ingest(
    conn: duckdb.DuckDBPyConnection,
    source: str,
    items: Iterable[Delivery],
    read: Callable[[Delivery], Loaded],
    tables: Iterable[str],
    quarantine_dir: Path,
    salt: str = "",
) -> list[Outcome]:
    """Load every new or changed delivery of one source; each in its own transaction.

    `tables` lists every landing table the source writes, so that a replacement removes the
    predecessor's rows everywhere, also from tables the new file has no rows for.
    `salt` changes the fingerprint when the reader's settings change (e.g. SIE dimensions),
    so files are read again under the new settings.
    """
    table_names = list(tables)
    outcomes = []
    for item in items:
        stamp = item.stamp(salt)
        if _first_column(conn, "select status from landing.files where source = ? and "
                         "file_name = ? and file_stamp = ? limit 1",
                         [source, item.name, stamp]):
            outcomes.append(Outcome(item.name, "unchanged", reason="same size and time"))
            continue
        sha = item.sha256(salt)
        seen = _first_column(
            # a superseded file stays superseded: reloading it would undo its correction
            conn, "select status from landing.files where source = ? and file_sha256 = ? "
            "order by seen_at desc limit 1",
            [source, sha],
        )
        if seen:
            outcomes.append(Outcome(item.name, "unchanged", reason=seen[0]))
            continue
        try:
            loaded = read(item)
        except SourceFileError as exc:
            outcomes.append(_quarantine(conn, source, item, sha, stamp, str(exc),
                                        quarantine_dir))
            continue
        except Exception as exc:  # a reader bug must not stop the other files either
            log.error("unexpected error reading %s/%s\n%s", source, item.name,
                      traceback.format_exc())
            reason = f"{item.name}: unexpected error: {type(exc).__name__}: {exc}"
            outcomes.append(_quarantine(conn, source, item, sha, stamp, reason, quarantine_dir))
            continue
        outcomes.append(_load(conn, source, item, sha, stamp, loaded, table_names))
        _release(quarantine_dir, source, item)
    return outcomes


def _load(conn: duckdb.DuckDBPyConnection, source: str, item: Delivery, sha: str, stamp: str,
          loaded: Loaded, table_names: list[str]) -> Outcome:
    unknown = set(loaded.tables) - set(table_names)
    if unknown:
        raise ValueError(f"{source} reader returned undeclared tables {sorted(unknown)}")
    now = datetime.now(UTC).replace(tzinfo=None)
    conn.execute("begin transaction")
    try:
        predecessors = _first_column(
            conn, "select file_name from landing.files where source = ? and status = 'loaded' "
            "and (file_key = ? or file_name = ?)",
            [source, loaded.file_key, item.name],
        )
        rows = 0
        for name in table_names:
            exists = has_table(conn, name)
            if exists and predecessors:
                conn.execute(f"delete from landing.{name} where source_file in "
                             f"(select unnest(?::varchar[]))", [predecessors])
            data = loaded.tables.get(name)
            if data is None:
                continue
            if isinstance(data, Path):
                conn.execute(f"create or replace temp view _incoming as "
                             f"select * from read_parquet('{sql_text(str(data))}')")
            else:
                conn.register("_incoming", data)
            columns = _first_column(conn, "select column_name from (describe _incoming)")
            provenance = ("" if "source_file" in columns
                          else f", '{sql_text(item.name)}' as source_file")
            select = loaded.projections.get(name, "*") + provenance
            if not exists:
                conn.execute(f"create table landing.{name} as "
                             f"select {select} from _incoming limit 0")
            rows += conn.execute(f"insert into landing.{name} by name select {select} "
                                 "from _incoming").fetchall()[0][0]
            fault_point("landing.insert")  # crash tests: killed inside the transaction
            if isinstance(data, Path):
                conn.execute("drop view _incoming")
            else:
                conn.unregister("_incoming")
        if predecessors:
            conn.execute(
                "update landing.files set status = 'superseded' where source = ? "
                "and status = 'loaded' and file_name in (select unnest(?::varchar[]))",
                [source, predecessors],
            )
        conn.execute(
            "insert into landing.files (source, file_name, file_sha256, file_key, status, "
            "row_count, reason, seen_at, file_stamp) "
            "values (?, ?, ?, ?, 'loaded', ?, null, ?, ?)",
            [source, item.name, sha, loaded.file_key, rows, now, stamp],
        )
        conn.execute("commit")
    except Exception:
        conn.execute("rollback")
        raise
    replaced = [p for p in predecessors if p != item.name]
    return Outcome(item.name, "loaded", rows=rows, replaced=replaced)


def _release(quarantine_dir: Path, source: str, item: Delivery) -> None:
    """A delivery that loads under a name once quarantined was corrected: its copy and reason
    leave the quarantine (so `uppfoljning status` stops listing it); landing.files keeps the
    quarantine row as history."""
    folder = quarantine_dir / source
    reason = folder / f"{item.name.replace('/', '__')}{REASON_SUFFIX}"
    if not reason.exists():
        return
    reason.unlink()
    for path in item.paths:
        (folder / path.name).unlink(missing_ok=True)


def _quarantine(conn: duckdb.DuckDBPyConnection, source: str, item: Delivery, sha: str,
                stamp: str, reason: str, quarantine_dir: Path) -> Outcome:
    """Set the delivery aside with its reason; the rows of earlier good files stay."""
    log.warning("quarantined %s/%s: %s", source, item.name, reason)
    target = quarantine_dir / source
    target.mkdir(parents=True, exist_ok=True)
    for path in item.paths:
        shutil.copy2(path, target / path.name)
    stem = item.name.replace("/", "__")
    (target / f"{stem}{REASON_SUFFIX}").write_text(reason + "\n", encoding="utf-8")
    conn.execute(
        "insert into landing.files (source, file_name, file_sha256, file_key, status, "
        "row_count, reason, seen_at, file_stamp) values (?, ?, ?, null, 'quarantined', 0, ?, ?, ?)",
        [source, item.name, sha, reason, datetime.now(UTC).replace(tzinfo=None), stamp],
    )
    return Outcome(item.name, "quarantined", reason=reason)


def has_table(conn: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(_first_column(
        conn, "select count(*) from information_schema.tables where table_schema = 'landing' "
        "and table_name = ?", [name])[0])


def _first_column(conn: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list:
    # fetchall, never fetchone: DuckDB 2 refuses further work on a connection while a result
    # is left unfinished, and the relational API counts as further work
    return [r[0] for r in conn.execute(sql, params or []).fetchall()]


def sql_text(text: str) -> str:
    return text.replace("'", "''")


def summarise(outcomes: list[Outcome]) -> dict:
    """Dagster metadata for one ingest: counts and the reasons of quarantined files."""
    by_status: dict[str, int] = {}
    for o in outcomes:
        by_status[o.status] = by_status.get(o.status, 0) + 1
    return {
        "files_loaded": by_status.get("loaded", 0),
        "files_unchanged": by_status.get("unchanged", 0),
        "files_quarantined": by_status.get("quarantined", 0),
        "rows_loaded": sum(o.rows for o in outcomes),
        "quarantined": "\n".join(f"{o.name}: {o.reason}" for o in outcomes
                                 if o.status == "quarantined") or "-",
        "replaced": ", ".join(r for o in outcomes for r in o.replaced) or "-",
    }


def count_rows(conn: duckdb.DuckDBPyConnection, name: str) -> int:
    if not has_table(conn, name):
        return 0
    return int(_first_column(conn, f"select count(*) from landing.{name}")[0])
