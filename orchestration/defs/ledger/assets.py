"""The general ledger: every SIE 4 file in raw/ledger/ into the landing tables."""


import json
import tempfile
from pathlib import Path
from typing import NamedTuple

import dagster as dg
import duckdb
import pyarrow as pa

from orchestration import landing
from orchestration.defs import keys
from orchestration.defs.ingest import load_source
from orchestration.defs.partitions import MONTHS, SINGLE_RUN, register_months, requested_months
from orchestration.defs.resources import Warehouse
from orchestration.readers.errors import SourceFileError
from orchestration.readers.sie import read_sie
from orchestration.readers.sie.header import fiscal_months

SIE_SUFFIXES = (".se", ".si", ".sie")
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
TABLES = [*PARQUET_TABLES.values(), "ledger_files", "ledger_warnings"]
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


class Coverage(NamedTuple):
    """The months a loaded ledger file has vouchers in, by its file key."""
    file_name: str
    first_month: str
    last_month: str


def loaded_coverage(conn: duckdb.DuckDBPyConnection) -> dict[str, Coverage]:
    if not landing.has_table(conn, "ledger_vouchers"):
        return {}
    rows = conn.execute("""
        select f.file_key, f.file_name, strftime(min(v.voucher_date), '%Y-%m'),
               strftime(max(v.voucher_date), '%Y-%m')
        from landing.ledger_vouchers v
        join landing.files f on f.source = 'ledger' and f.status = 'loaded'
                            and f.file_name = v.source_file
        where v.fiscal_year is not null
        group by all""").fetchall()
    return {key: Coverage(name, first, last) for key, name, first, last in rows}


def _months_in(vouchers: Path) -> tuple[str, str] | None:
    with duckdb.connect() as conn:
        first, last = conn.execute(
            "select strftime(min(voucher_date), '%Y-%m'), strftime(max(voucher_date), '%Y-%m') "
            f"from read_parquet('{landing.sql_text(str(vouchers))}') "
            "where fiscal_year is not null").fetchall()[0]
    return (first, last) if first else None


def _check_replacement(name: str, file_key: str, months: tuple[str, str] | None,
                       loaded: dict[str, Coverage]) -> None:
    """A file replaces the loaded one of the same company and fiscal year. It must cover the
    months that one covers: a file holding only later months is a period export, and letting
    it replace the year would drop the year's earlier vouchers without a word."""
    before = loaded.get(file_key)
    if before is None or months is None:
        return
    if months[0] > before.first_month or months[1] < before.last_month:
        raise SourceFileError(
            name, f"it would replace {before.file_name} (the same company and fiscal year, "
            f"vouchers {before.first_month} to {before.last_month}) but has vouchers only "
            f"{months[0]} to {months[1]}; deliver the whole fiscal year to date (one file per "
            "fiscal year), so that no month is lost")


def _reader(workdir: Path, dimensions: dict[str, int], loaded: dict[str, Coverage]):
    def read(item: landing.Delivery) -> landing.Loaded:
        out = workdir / item.name.replace("/", "__")
        summary = read_sie(item.paths[0], out, dimensions, source_name=item.name)
        current = next((y for y in summary.fiscal_years if y["year_index"] == 0), None)
        fiscal_key = current["start_date"] if current else "unknown"
        info = summary.to_dict()
        file_key = f"{info.get('org_no') or item.name}:{fiscal_key}"
        _check_replacement(item.name, file_key, _months_in(out / "vouchers.parquet"), loaded)
        files_row = pa.table({
            "source_file": [item.name], "encoding": [info["encoding"]],
            "sie_type": [str(info.get("sie_type"))], "program": [info.get("program")],
            "company_name": [info.get("company_name")], "org_no": [info.get("org_no")],
            "fiscal_year_start": [str(fiscal_key)], "vouchers": [info["vouchers"]],
            "transactions": [info["transactions"]],
            "unbalanced_vouchers": [len(info["unbalanced_vouchers"])],
            "warnings": [len(info["warnings"])], "total_amount": [info["total_amount"]],
        })
        warnings = info["warnings"]
        warnings_table = pa.table({
            "source_file": pa.array([item.name] * len(warnings), pa.string()),
            "line": pa.array([w.get("line") for w in warnings], pa.int64()),
            "kind": pa.array([w.get("kind") for w in warnings], pa.string()),
            "severity": pa.array([w.get("severity") for w in warnings], pa.string()),
            "message": pa.array([w.get("message") for w in warnings], pa.string()),
        })
        tables: dict[str, pa.Table | Path] = {
            table: out / f"{name}.parquet" for name, table in PARQUET_TABLES.items()
        }
        tables["ledger_files"] = files_row
        tables["ledger_warnings"] = warnings_table
        return landing.Loaded(
            file_key=file_key,
            tables=tables,
            projections=WITHOUT_EMPLOYEE,
        )

    return read


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
        loaded = loaded_coverage(conn)
        if landing.has_table(conn, "ledger_warnings"):  # warehouses from before severity
            conn.execute("alter table landing.ledger_warnings add column if not exists "
                         "severity varchar")
    deliveries = landing.deliveries(settings.source_dir("ledger"), SIE_SUFFIXES)
    # each file's fiscal year from its head (None: the reader will say what is wrong)
    held = {d.name: fiscal_months(d.paths[0]) for d in deliveries}
    if (wanted := requested_months(context)) is not None:
        deliveries = [d for d in deliveries
                      if held[d.name] is None or set(held[d.name]) & set(wanted)]
    as_of = settings.as_of_date.strftime("%Y-%m")  # partitions run to the as-of month

    def months_of(d: landing.Delivery) -> list[str]:
        return [m for m in held[d.name] or [] if m <= as_of]

    register_months(context, {m for d in deliveries for m in months_of(d)})
    with tempfile.TemporaryDirectory(dir=settings.warehouse_dir, prefix=".sie-") as tmp:
        return load_source(
            context, warehouse, "ledger", deliveries,
            _reader(Path(tmp), dimensions, loaded), TABLES,
            # the files are read again when the registry names other dimensions
            salt=json.dumps(dimensions, sort_keys=True),
            describe=lambda conn: {**_totals(conn), "dimensions": json.dumps(dimensions)},
            months_of=months_of,
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
