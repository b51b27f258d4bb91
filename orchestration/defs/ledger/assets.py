"""The general ledger: every SIE 4 file in raw/ledger/ into the landing tables."""


import json
import tempfile
import threading
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pyarrow as pa

from orchestration import landing
from orchestration.defs import keys
from orchestration.defs.ingest import load_source
from orchestration.defs.ledger.completeness import check_fiscal_year
from orchestration.defs.ledger.style import (
    STYLE_WORDS,
    LedgerRules,
    check_organisation,
    coverage,
    months_between_text,
)
from orchestration.defs.partitions import MONTHS, SINGLE_RUN, register_months, requested_months
from orchestration.defs.resources import Warehouse
from orchestration.readers.sie import read_sie
from orchestration.readers.sie import schema as sie_schema
from orchestration.readers.sie.chunks import BLOCK_BYTES
from orchestration.readers.sie.header import fiscal_months, months_between, voucher_months_hint

SIE_SUFFIXES = (".se", ".si", ".sie")
# at most two reading blocks (reader.BLOCK_BYTES): a file this small is read beside another
CONCURRENT_FILE_BYTES = 2 * BLOCK_BYTES
PARQUET_TABLES = {
    "transactions": "ledger_transactions",
    "vouchers": "ledger_vouchers",
    "accounts": "ledger_accounts",
    "dimensions": "ledger_dimensions",
    "objects": "ledger_objects",
    "balances": "ledger_balances",
    "budgets": "ledger_budgets",
    "fiscal_years": "ledger_fiscal_years",
}
# the tables the asset builds itself beside the reader's Parquet files
FILES_SCHEMA = pa.schema(
    [(name, pa.string()) for name in ("source_file", "encoding", "sie_type", "program",
                                      "company_name", "org_no", "fiscal_year_start")]
    + [(name, pa.int64()) for name in ("vouchers", "transactions", "unbalanced_vouchers",
                                       "warnings")]
    + [(name, pa.string()) for name in ("total_amount", "export_style", "covers_from",
                                        "covers_to")])
WARNINGS_SCHEMA = pa.schema([("source_file", pa.string()), ("line", pa.int64()),
                             ("kind", pa.string()), ("severity", pa.string()),
                             ("message", pa.string())])
TABLES = [*PARQUET_TABLES.values(), "ledger_files", "ledger_warnings", "ledger_account_totals"]


def landing_schemas(dimensions: dict[str, int]) -> dict[str, pa.Schema]:
    """Every ledger landing table's schema under the registry's dimensions."""
    parquet = sie_schema.all_schemas(sie_schema.check_dimensions(dimensions))
    return {**{table: parquet[name] for name, table in PARQUET_TABLES.items()},
            "ledger_files": FILES_SCHEMA, "ledger_warnings": WARNINGS_SCHEMA,
            "ledger_account_totals": pa.schema([
                ("fiscal_year", pa.int32()), ("account", pa.string()),
                ("amount", pa.decimal128(18, 2)), ("rows", pa.int64())])}
DEFAULT_DIMENSIONS = {"responsibility": 1, "project": 6, "object": 22}
# SIE reserves dimension 7 for the employee: its codes and names are personal data and are
# dropped on the way in (from object lists and from the declared objects)
EMPLOYEE_DIMENSION = 7
# pairs are matched left to right, so a code that happens to read "7" is never taken for the
# dimension; only lists that mention a 7 at all take the slower path
_PAIRS = r"""regexp_extract_all(object_list, '"?[0-9]+"?\s+(?:"(?:[^"\\]|\\.)*"|[^\s"]+)')"""
_NOT_EMPLOYEE = """lambda x: ltrim(x, '"')[1:2] not in ('7 ', '7"', '7' || chr(9))"""
WITHOUT_EMPLOYEE = {
    table: rf"""* replace (case when regexp_matches(object_list, '(^|[\s"])7[\s"]') then
        array_to_string(list_filter({_PAIRS}, {_NOT_EMPLOYEE}), ' ') else object_list end
        as object_list)"""
    for table in ("ledger_transactions", "ledger_balances", "ledger_budgets")
}
WITHOUT_EMPLOYEE["ledger_objects"] = (
    f"* replace (case when dimension_no = {EMPLOYEE_DIMENSION} then null else object_code end "
    f"as object_code, case when dimension_no = {EMPLOYEE_DIMENSION} then null else name end "
    "as name)")


def registry_dimensions(conn: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The SIE dimension numbers the registry names, from its last good load."""
    if not landing.has_table(conn, "registry_ledger_settings"):
        return DEFAULT_DIMENSIONS
    rows = conn.execute(
        "select substr(key, 12), value from landing.registry_ledger_settings "
        "where key like 'dimensions.%' order by key"
    ).fetchall()
    return {name: int(number) for name, number in rows} or DEFAULT_DIMENSIONS


def registry_rules(conn: duckdb.DuckDBPyConnection) -> LedgerRules:
    """The export style and organisation numbers the registry declares, if any."""
    if not landing.has_table(conn, "registry_ledger_settings"):
        return LedgerRules()
    rows = conn.execute(
        "select key, value from landing.registry_ledger_settings "
        "where key in ('export_style', 'organisation_numbers') order by value").fetchall()
    style = next((v for k, v in rows if k == "export_style"), None)
    return LedgerRules(style, tuple(v for k, v in rows if k == "organisation_numbers"))


def _file_facts(conn: duckdb.DuckDBPyConnection, out: Path,
                fiscal_year: int | None) -> tuple[str | None, str | None, pa.Table]:
    """First and last month of the file's vouchers in its current fiscal year, and its #TRANS
    summed per fiscal year and account (what the balance check adds up over a year's files,
    without reading the transactions again)."""
    where = "fiscal_year is null" if fiscal_year is None else f"fiscal_year = {fiscal_year}"
    vouchers = landing.sql_text(str(out / "vouchers.parquet"))
    transactions = landing.sql_text(str(out / "transactions.parquet"))
    first, last = conn.execute(
        "select strftime(min(voucher_date), '%Y-%m'), strftime(max(voucher_date), '%Y-%m') "
        f"from read_parquet('{vouchers}') where {where}").fetchall()[0]
    totals = conn.sql(
        "select fiscal_year, account, sum(amount)::decimal(18, 2) as amount, "
        f"count(*) as rows from read_parquet('{transactions}') where counts_in_ledger "
        "group by all").to_arrow_table()
    return first, last, totals


def _reader(workdir: Path, dimensions: dict[str, int], rules: LedgerRules | None = None):
    rules = rules or LedgerRules()
    # one in-memory database for the facts of every file of a load, a cursor per file (files
    # may be read two at a time): opening one per file cost more than its two queries
    facts: list[duckdb.DuckDBPyConnection] = []
    facts_lock = threading.Lock()

    def facts_cursor() -> duckdb.DuckDBPyConnection:
        with facts_lock:
            if not facts:
                facts.append(duckdb.connect())
            return facts[0].cursor()

    def read(item: landing.Delivery) -> landing.Loaded:
        out = workdir / item.name.replace("/", "__")
        summary = read_sie(item.paths[0], out, dimensions, source_name=item.name,
                           whole_blocks=landing.READ_TOGETHER.get())
        info = summary.to_dict()
        check_organisation(item.name, info.get("org_no"), rules)
        current = next((y for y in summary.fiscal_years if y["year_index"] == 0), None)
        fiscal_key = current["start_date"] if current else "unknown"
        year_months = (months_between(date.fromisoformat(current["start_date"]),
                                      date.fromisoformat(current["end_date"]))
                       if current else None)
        with facts_cursor() as cursor:
            first, last, totals = _file_facts(cursor, out,
                                              int(fiscal_key[:4]) if current else None)
        covers, style = coverage(item.name, year_months, first, last, rules)
        file_key = f"{info.get('org_no') or item.name}:{fiscal_key}"
        files_row = pa.Table.from_pydict({
            "source_file": [item.name], "encoding": [info["encoding"]],
            "sie_type": [str(info.get("sie_type"))], "program": [info.get("program")],
            "company_name": [info.get("company_name")], "org_no": [info.get("org_no")],
            "fiscal_year_start": [str(fiscal_key)], "vouchers": [info["vouchers"]],
            "transactions": [info["transactions"]],
            "unbalanced_vouchers": [len(info["unbalanced_vouchers"])],
            "warnings": [len(info["warnings"])], "total_amount": [info["total_amount"]],
            "export_style": [style], "covers_from": [covers[0]], "covers_to": [covers[1]],
        }, schema=FILES_SCHEMA)
        warnings = info["warnings"]
        warnings_table = pa.Table.from_pydict({
            "source_file": [item.name] * len(warnings),
            **{c: [w.get(c) for w in warnings] for c in ("line", "kind", "severity", "message")},
        }, schema=WARNINGS_SCHEMA)
        tables: dict[str, pa.Table | Path] = {
            table: out / f"{name}.parquet" for name, table in PARQUET_TABLES.items()
        }
        tables["ledger_files"] = files_row
        tables["ledger_warnings"] = warnings_table
        # with its file's name, as the reader's tables: the files of a batch go in together
        tables["ledger_account_totals"] = totals.append_column(
            "source_file", pa.array([item.name] * totals.num_rows, pa.string()))
        return landing.Loaded(
            file_key=file_key,
            tables=tables,
            projections=WITHOUT_EMPLOYEE,
            covers=covers,
            note=f"stil: {STYLE_WORDS[style]}",
        )

    # a batch of small files (period files) is read two at a time: one such file leaves a core
    # idle while it starts and ends; a larger file keeps both busy with its own threads
    def small(item: landing.Delivery) -> bool:
        try:
            return item.paths[0].stat().st_size <= CONCURRENT_FILE_BYTES
        except OSError:  # gone meanwhile: read alone, where the reader names the problem
            return False

    read.concurrent = small  # type: ignore[attr-defined]
    return read


def _known_months(conn: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], tuple[str, str]]:
    """(file name, stamp) -> the months the file covers, for files read before."""
    rows = conn.execute(
        "select file_name, file_stamp, covers_from, covers_to from landing.files "
        "where source = 'ledger' and covers_from is not null").fetchall()
    return {(name, stamp): (first, last) for name, stamp, first, last in rows}


def _upgrade(conn: duckdb.DuckDBPyConnection) -> None:
    """Columns added to landing.ledger_files after warehouses were first built."""
    if landing.has_table(conn, "ledger_files"):
        for column in ("export_style", "covers_from", "covers_to"):
            conn.execute(f"alter table landing.ledger_files add column if not exists "
                         f"{column} varchar")
    if landing.has_table(conn, "ledger_warnings"):  # warehouses from before severity
        conn.execute("alter table landing.ledger_warnings add column if not exists "
                     "severity varchar")


@dg.asset(
    key=keys.LEDGER,
    deps=[keys.REGISTRY],
    # months, shared with payroll (see partitions.py): a month loads its fiscal year's file
    partitions_def=MONTHS,
    backfill_policy=SINGLE_RUN,
    group_name="ledger",
    kinds={"python", "duckdb"},
    description="Huvudboken: varje SIE 4-fil i raw/ledger/ till landningstabellerna "
    "(verifikationer, transaktioner, konton, objekt, saldon, budget).",
)
def ledger(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    settings = warehouse.settings()
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    with warehouse.connect() as conn:
        dimensions = registry_dimensions(conn)
        rules = registry_rules(conn)
        _upgrade(conn)
        known = _known_months(conn)
    salt = json.dumps(dimensions, sort_keys=True) + rules.salt()
    present = landing.deliveries(settings.source_dir("ledger"), SIE_SUFFIXES)
    as_of = settings.as_of_date.strftime("%Y-%m")  # partitions run to the as-of month

    def months_of(d: landing.Delivery) -> list[str]:
        """The months a file holds: as read before, else a look at its ends (voucher dates),
        else its fiscal year; None-safe for a file the reader will reject."""
        held = known.get((d.name, d.stamp(salt)))
        if held is None:
            held = voucher_months_hint(d.paths[0])
        months = (months_between_text(*held) if held is not None
                  else fiscal_months(d.paths[0]) or [])
        return [m for m in months if m <= as_of]

    deliveries = present
    if (wanted := requested_months(context)) is not None:
        # a month's run reads the files holding that month: in period style that month's file
        deliveries = [d for d in present if not months_of(d) or set(months_of(d)) & set(wanted)]
    register_months(context, {m for d in deliveries for m in months_of(d)})
    with tempfile.TemporaryDirectory(dir=settings.warehouse_dir, prefix=".sie-") as tmp:
        return load_source(
            context, warehouse, "ledger", deliveries,
            _reader(Path(tmp), dimensions, rules), TABLES,
            schemas=landing_schemas(dimensions), projections=WITHOUT_EMPLOYEE,
            # the files are read again when the registry names other dimensions or rules
            salt=salt,
            describe=lambda conn: {**_totals(conn), "dimensions": json.dumps(dimensions)},
            months_of=months_of,
            present=[d.name for d in present],
            check=check_fiscal_year,
        )


def _totals(conn: duckdb.DuckDBPyConnection) -> dict:
    if not landing.has_table(conn, "ledger_transactions"):
        return {}
    # vouchers counted from their own table: a distinct count over the transactions took
    # 0.6 s of every run at 10 M rows
    rows, amount = conn.execute("""
        select count(*), coalesce(sum(amount), 0)::varchar
        from landing.ledger_transactions where counts_in_ledger""").fetchall()[0]
    vouchers = landing.count_rows(conn, "ledger_vouchers")
    return {"transactions": dg.MetadataValue.int(int(rows)),
            "vouchers": dg.MetadataValue.int(int(vouchers)), "total_amount_sek": amount,
            "warnings": dg.MetadataValue.int(landing.count_rows(conn, "ledger_warnings"))}
