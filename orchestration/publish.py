"""Publishing the mart for BI: a read-only copy built beside the published one and moved over
it atomically, plus Parquet and CSV exports of every table BI reads. Readers that hold the old
copy open keep their snapshot; new readers see the new one; nothing ever waits on a reader.

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

from orchestration.settings import Settings

MART_SCHEMA = "marts"
SMALL_CELL_LIMIT = 3  # payroll cells covering fewer people are suppressed in everything BI reads
SUPPRESSED_PAYROLL_COLUMNS = ("amount_sek", "hours", "head_count", "fte")
BOM = "\ufeff".encode()
REPORT_NAME = "valideringsrapport.html"


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
    """What BI may see of a table: payroll cells about fewer than three people are blanked."""
    if table != "fct_payroll_monthly":
        return f"select * from src.{MART_SCHEMA}.{table}"
    columns = [r[0] for r in conn.execute(
        "select column_name from information_schema.columns where table_catalog = 'src' "
        "and table_schema = ? and table_name = ? order by ordinal_position",
        [MART_SCHEMA, table]).fetchall()]
    parts = [f"case when head_count < {SMALL_CELL_LIMIT} then null else {c} end as {c}"
             if c in SUPPRESSED_PAYROLL_COLUMNS else c for c in columns]
    return f"select {', '.join(parts)} from src.{MART_SCHEMA}.{table}"


def _csv_select(conn: duckdb.DuckDBPyConnection, source: str) -> str:
    parts = []
    for name, kind, *_ in conn.execute(f"describe {source}").fetchall():
        if kind.startswith(("DECIMAL", "DOUBLE", "FLOAT")):
            parts.append(f"replace(cast({name} as varchar), '.', ',') as {name}")
        else:
            parts.append(name)
    return f"select {', '.join(parts)} from {source}"


def publish(settings: Settings, run_id: str = "") -> Published:
    """Everything is built in hidden staging (a DuckDB file and an exports folder) and moved
    into place only once all of it is written: a publication that fails half-way leaves the
    last published copy and exports as they were."""
    out = settings.published_dir
    parquet_dir, csv_dir = out / "parquet", out / "csv"
    for d in (out, parquet_dir, csv_dir):
        d.mkdir(parents=True, exist_ok=True)
    version = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    staging = out / f".governance-{version}-{os.getpid()}.duckdb"
    exports = out / f".exports-{version}-{os.getpid()}"
    (exports / "parquet").mkdir(parents=True)
    (exports / "csv").mkdir()
    tables: dict[str, int] = {}
    try:
        # the new copy is its own file; the working file is only read
        # storage v1.0: BI drivers built on DuckDB 1.x (ODBC, Metabase, Superset) can open it
        with duckdb.connect(str(staging),
                            config={"storage_compatibility_version": "v1.0.0"}) as conn:
            conn.execute(f"attach '{settings.duckdb_path}' as src (read_only)")
            conn.execute(f"create schema {MART_SCHEMA}")
            for table in mart_tables(conn, catalog="src"):
                conn.execute(f"create table {MART_SCHEMA}.{table} as {_select(conn, table)}")
                tables[table] = conn.execute(
                    f"select count(*) from {MART_SCHEMA}.{table}").fetchall()[0][0]
                source = f"{MART_SCHEMA}.{table}"
                conn.execute(f"copy (select * from {source}) to "
                             f"'{exports / 'parquet' / f'{table}.parquet'}' "
                             "(format parquet, compression zstd)")
                write_csv(conn, _csv_select(conn, source), exports / "csv" / f"{table}.csv")
            conn.execute("create table publication as select ? as version, "
                         "? as as_of_date, ? as run_id, now() as published_at",
                         [version, settings.as_of_date.isoformat(), run_id])
            _write_report(conn, exports / REPORT_NAME, settings)
            _write_followup_reports(conn, exports, settings)
            conn.execute("detach src")
        # every file is complete: each move is atomic, and they follow one another at once
        for staged in sorted(exports.rglob("*")):
            if staged.is_file():
                target = out / staged.relative_to(exports)
                target.parent.mkdir(parents=True, exist_ok=True)  # the reports' folders
                os.replace(staged, target)
        os.replace(staging, settings.published_duckdb_path)
    finally:
        shutil.rmtree(exports, ignore_errors=True)
        for leftover in (staging, staging.with_name(staging.name + ".wal")):
            leftover.unlink(missing_ok=True)
    (out / "VERSION.json").write_text(json.dumps({
        "version": version, "as_of_date": settings.as_of_date.isoformat(), "run_id": run_id,
        "tables": tables}, indent=2) + "\n", encoding="utf-8")
    return Published(version, settings.published_duckdb_path, parquet_dir, csv_dir, tables)


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


def _write_followup_reports(conn: duckdb.DuckDBPyConnection, exports: Path,
                            settings: Settings) -> None:
    """The follow-up reports (orchestration/followup_report) from the copy being published,
    into the staging folder: they go live with the mart version they print."""
    from orchestration.followup_report.build import REPORTS_DIR, write_followup_reports

    write_followup_reports(conn, exports / REPORTS_DIR, settings.as_of_date)


def _staging_catalog(conn: duckdb.DuckDBPyConnection) -> str:
    return conn.execute("select current_database()").fetchall()[0][0]
