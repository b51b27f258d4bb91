"""Publishing the mart for BI: a complete version folder, then one atomic switch.

Every publication writes a new folder `published/versions/<version>/` (the read-only DuckDB
copy, parquet/, csv/, the reports and VERSION.json listing every file with its size) under a
hidden name, renames it into place once everything in it is written and flushed, and then
switches the symlink `published/current` to it with one rename. A rename is atomic, so at
every instant `current` names one complete version: a reader never sees a mix of files from
two versions, and a publication killed at any point (power cut, SIGKILL, full disk) leaves
the previous version published and whole. The paths BI tools were given stay valid: the
stable names `published/governance.duckdb`, `parquet/`, `csv/`, `VERSION.json` and the
report are symlinks through `current` (relative, so a copied tree keeps working). Readers that
hold the old copy open keep their snapshot (the folder is pruned only after
PUBLISHED_VERSIONS_KEPT newer ones, and an open file outlives its unlink); nothing waits on a
reader. A reader that reads several files and must get one version resolves `published/current`
once and reads inside that folder (docs/bi-guide.md).

CSV is written for Swedish Excel: semicolon separator, decimal comma, UTF-8 with a byte-order
mark (so Excel detects the encoding), ISO dates. Excel in a Swedish locale uses the comma as
decimal mark and therefore the semicolon as list separator, so these files open in columns
with numbers as numbers on a double-click."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.diskspace import disk_full_message, is_disk_full
from orchestration.faults import fault_point
from orchestration.publish_privacy import prepare, published_select
from orchestration.rebuild import save_history
from orchestration.settings import Settings

MART_SCHEMA = "marts"
BOM = "\ufeff".encode()
REPORT_NAME = "valideringsrapport.html"
DATABASE_NAME = "governance.duckdb"
MANIFEST_NAME = "VERSION.json"
VERSIONS_DIR = "versions"
CURRENT = "current"
STAGING_PREFIX = ".staging-"
FOLLOWUP_DIR = "rapporter"  # the follow-up reports (orchestration/followup_report)
# the names BI tools were given before version folders; each is a link through `current`
STABLE_NAMES = (DATABASE_NAME, "parquet", "csv", MANIFEST_NAME, REPORT_NAME, FOLLOWUP_DIR)
PUBLIC_FILE, PUBLIC_DIR = 0o644, 0o755
KEEP_ENV = "UPPFOLJNING_PUBLISHED_VERSIONS"
PUBLISHED_VERSIONS_KEPT = 3  # the current one and two before it (a reader may still hold one)


class DiskFullError(OSError):
    """Publication ran out of space; the published version is untouched."""


@dataclass
class Published:
    version: str
    database: Path
    parquet_dir: Path
    csv_dir: Path
    tables: dict[str, int]


def mart_tables(conn: duckdb.DuckDBPyConnection, catalog: str | None = None) -> list[str]:
    where = "table_schema = ? and table_type = 'BASE TABLE'"
    params: list[str] = [MART_SCHEMA]
    if catalog:
        where += " and table_catalog = ?"
        params.append(catalog)
    return [r[0] for r in conn.execute(
        f"select table_name from information_schema.tables where {where} order by table_name",
        params).fetchall()]


def _select(conn: duckdb.DuckDBPyConnection, table: str) -> str:
    """What BI may see of a table: payroll amounts about fewer than three people, and those
    they could be derived from, are withheld (orchestration/publish_privacy.py)."""
    return published_select(conn, table)


def _csv_select(conn: duckdb.DuckDBPyConnection, source: str) -> str:
    parts = []
    for name, kind, *_ in conn.execute(f"describe {source}").fetchall():
        if kind.startswith(("DECIMAL", "DOUBLE", "FLOAT")):
            parts.append(f"replace(cast({name} as varchar), '.', ',') as {name}")
        else:
            parts.append(name)
    return f"select {', '.join(parts)} from {source}"


def publish(settings: Settings, run_id: str = "") -> Published:
    """Build the version folder under a hidden name, move it into versions/, switch
    `current` to it, prune old versions. Any failure before the switch leaves the published
    version as it was and removes the unfinished folder."""
    out = settings.published_dir
    versions = out / VERSIONS_DIR
    versions.mkdir(parents=True, exist_ok=True)
    remove_unfinished(versions)
    version = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    staging = versions / f"{STAGING_PREFIX}{version}-{os.getpid()}"
    staging.mkdir()
    try:
        tables = write_version(settings, staging, version, run_id)
        open_for_readers(staging)
        fsync_tree(staging)
        fault_point("publish.before_switch")
        os.rename(staging, versions / version)
        switch_current(out, version)
    except Exception as exc:
        if is_disk_full(exc):
            shutil.rmtree(staging, ignore_errors=True)  # frees the space it took
            # the system's own words last, for whoever searches for them
            raise DiskFullError(f"{disk_full_message(out, f'publiceringen {version}')} "
                                f"({exc})") from exc
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    prune_versions(out)
    save_history(settings)  # what a rebuild from raw/ must not lose (orchestration/rebuild.py)
    return Published(version, settings.published_duckdb_path, out / "parquet", out / "csv",
                     tables)


def write_version(settings: Settings, folder: Path, version: str, run_id: str) -> dict[str, int]:
    """Write everything one version holds into `folder`: the DuckDB copy, the exports, the
    reports (write_reports) and, last, VERSION.json listing every file."""
    (folder / "parquet").mkdir()
    (folder / "csv").mkdir()
    tables: dict[str, int] = {}
    # the new copy is its own file; the working file is only read
    # storage v1.0: BI drivers built on DuckDB 1.x (ODBC, Metabase, Superset) can open it
    with duckdb.connect(str(folder / DATABASE_NAME),
                        config={"storage_compatibility_version": "v1.0.0"}) as conn:
        conn.execute(f"attach '{settings.duckdb_path}' as src (read_only)")
        conn.execute(f"create schema {MART_SCHEMA}")
        prepare(conn)  # which payroll amounts are withheld, decided once for every table
        for table in mart_tables(conn, catalog="src"):
            conn.execute(f"create table {MART_SCHEMA}.{table} as {_select(conn, table)}")
            tables[table] = conn.execute(
                f"select count(*) from {MART_SCHEMA}.{table}").fetchall()[0][0]
            source = f"{MART_SCHEMA}.{table}"
            conn.execute(f"copy (select * from {source}) to "
                         f"'{folder / 'parquet' / f'{table}.parquet'}' "
                         "(format parquet, compression zstd)")
            write_csv(conn, _csv_select(conn, source), folder / "csv" / f"{table}.csv")
            fault_point("publish.table")
        conn.execute("create table publication as select ? as version, "
                     "? as as_of_date, ? as run_id, now() as published_at",
                     [version, settings.as_of_date.isoformat(), run_id])
        conn.execute("detach src")
        write_reports(conn, folder, settings)
    files = {p.relative_to(folder).as_posix(): p.stat().st_size
             for p in sorted(folder.rglob("*")) if p.is_file()}
    (folder / MANIFEST_NAME).write_text(json.dumps({
        "version": version, "as_of_date": settings.as_of_date.isoformat(), "run_id": run_id,
        "tables": tables, "files": files}, indent=2) + "\n", encoding="utf-8")
    return tables


def write_reports(conn: duckdb.DuckDBPyConnection, folder: Path, settings: Settings) -> None:
    """The one hook for reports: everything a person reads beside the data is written into
    the version folder here, from the copy being published (`conn`), before the switch."""
    _write_report(conn, folder / REPORT_NAME, settings)
    _write_followup_reports(conn, folder, settings)


def switch_current(out: Path, version: str) -> None:
    """Point `current` at versions/<version> with one rename, then make sure every stable
    name is a link through `current` (a no-op after the first publication)."""
    _replace_with_link(out, CURRENT, f"{VERSIONS_DIR}/{version}", at_switch=True)
    for name in STABLE_NAMES:
        _replace_with_link(out, name, f"{CURRENT}/{name}")
    _fsync_dir(out)


def _replace_with_link(out: Path, name: str, wanted: str, at_switch: bool = False) -> None:
    target = out / name
    if target.is_symlink() and os.readlink(target) == wanted:
        return
    link = out / f".{name}-{os.getpid()}.link"
    link.unlink(missing_ok=True)
    os.symlink(wanted, link)
    if at_switch:
        fault_point("publish.switch")
    if target.is_dir() and not target.is_symlink():
        # a real folder where a link belongs: the layout from before version folders, or a
        # copy of the tree that followed the links. Moved aside, then replaced by the link.
        aside = out / VERSIONS_DIR / f"{STAGING_PREFIX}aside-{name}-{os.getpid()}"
        os.rename(target, aside)
        os.replace(link, target)
        shutil.rmtree(aside, ignore_errors=True)
    else:
        os.replace(link, target)  # a link or a plain file is replaced in one step


def current_version(out: Path) -> str | None:
    link = out / CURRENT
    return Path(os.readlink(link)).name if link.is_symlink() else None


def prune_versions(out: Path, keep: int | None = None) -> list[str]:
    """Delete all but the newest `keep` versions (never the current one)."""
    keep = keep or int(os.environ.get(KEEP_ENV, "").strip() or PUBLISHED_VERSIONS_KEPT)
    versions = out / VERSIONS_DIR
    current = current_version(out)
    names = sorted(p.name for p in versions.iterdir()
                   if p.is_dir() and not p.name.startswith("."))
    removed = [n for n in names[:-keep] if n != current]
    for name in removed:
        shutil.rmtree(versions / name, ignore_errors=True)
    return removed


def remove_unfinished(versions: Path) -> None:
    """Folders of publications that were killed before their switch: never published."""
    current = current_version(versions.parent)
    for folder in versions.iterdir():
        if not folder.name.startswith(".") and current is not None and folder.name > current:
            shutil.rmtree(folder, ignore_errors=True)  # renamed, then killed before the switch
    for link in versions.parent.glob(".*.link"):
        link.unlink(missing_ok=True)  # a switch's new link, left by a killed publication
    for leftover in versions.glob(f"{STAGING_PREFIX}*"):
        pid = leftover.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and Path(f"/proc/{pid}").exists():
            continue  # another process's publication in progress (should not happen)
        shutil.rmtree(leftover, ignore_errors=True)


def open_for_readers(folder: Path) -> None:
    """BI readers may read published/ whatever the pipeline's umask (077: the working files
    beside it are private)."""
    for path in (folder.parent.parent, folder.parent, folder, *folder.rglob("*")):
        path.chmod(PUBLIC_DIR if path.is_dir() else PUBLIC_FILE)
    # readers pass through the warehouse folder to published/, without listing it
    warehouse = folder.parent.parent.parent
    warehouse.chmod(warehouse.stat().st_mode & 0o700 | 0o011)


def fsync_tree(folder: Path) -> None:
    """Flush every file and folder: after a power cut the renamed folder is complete."""
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_file():
            with path.open("rb") as f:
                os.fsync(f.fileno())
        else:
            _fsync_dir(path)
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_csv(conn: duckdb.DuckDBPyConnection, select: str, target: Path) -> None:
    body = target.with_name(f".{target.name}.body")
    conn.execute(f"copy ({select}) to '{body}' (format csv, header, delimiter ';', "
                 "dateformat '%Y-%m-%d')")
    with target.open("wb") as f, body.open("rb") as src:
        f.write(BOM)
        shutil.copyfileobj(src, f, 4 * 1024 * 1024)
    body.unlink()


def _write_report(conn: duckdb.DuckDBPyConnection, target: Path, settings: Settings) -> None:
    """The HTML report from the copy being published (its marts.fct_findings)."""
    from orchestration.settings import EXPECTATIONS_DIR
    from orchestration.validation.report import write_report
    from orchestration.validation.suites import load_suites

    if "fct_findings" in mart_tables(conn, catalog=_staging_catalog(conn)):
        write_report(conn, load_suites(EXPECTATIONS_DIR), settings.as_of_date, target)


def _write_followup_reports(conn: duckdb.DuckDBPyConnection, folder: Path,
                            settings: Settings) -> None:
    """The follow-up reports (orchestration/followup_report) from the copy being published,
    into the staging folder: they go live with the mart version they print."""
    from orchestration.followup_report.build import (
        CHART_CACHE,
        REPORTS_DIR,
        write_followup_reports,
    )

    # the version being replaced: an unchanged report's PDF is taken from there, not redrawn
    previous = folder.parent.parent / CURRENT / REPORTS_DIR
    write_followup_reports(conn, folder / REPORTS_DIR, settings.as_of_date, previous=previous,
                           chart_cache=settings.warehouse_dir / CHART_CACHE)


def _staging_catalog(conn: duckdb.DuckDBPyConnection) -> str:
    return conn.execute("select current_database()").fetchall()[0][0]
