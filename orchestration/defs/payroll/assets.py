"""Payroll: one CSV a month in raw/payroll/, pseudonymised and aggregated on the way in."""


import dagster as dg
import duckdb

from orchestration import landing
from orchestration.defs import keys
from orchestration.defs.ingest import load_source
from orchestration.defs.partitions import MONTHS, SINGLE_RUN, register_months, requested_months
from orchestration.defs.resources import Warehouse
from orchestration.readers.errors import SourceFileError
from orchestration.readers.payroll import OUTPUT_SCHEMA, payroll_period_from_name, read_payroll
from orchestration.settings import payroll_hash_key

SCHEMAS = {"payroll_monthly": OUTPUT_SCHEMA}
TABLES = list(SCHEMAS)


@dg.asset(
    key=keys.PAYROLL,
    # a month's partition is its file: the raw/ sensor runs a new month alone
    partitions_def=MONTHS,
    backfill_policy=SINGLE_RUN,
    group_name="payroll",
    kinds={"python", "duckdb"},
    description="Lönefiler (en CSV per månad) i raw/payroll/: personnummer och namn tas bort "
    "direkt, anställningsnummer hashas med nyckel, och lönen summeras per månad och kontering.",
)
def payroll(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    settings = warehouse.settings()
    key = payroll_hash_key(settings)

    def read(item: landing.Delivery) -> landing.Loaded:
        period = payroll_period_from_name(item.name)
        if period is None:
            raise SourceFileError(item.name, "the file name carries no period (YYYY-MM)")
        table = read_payroll(item.paths[0], key)
        return landing.Loaded(file_key=period, tables={"payroll_monthly": table})

    deliveries = present = landing.deliveries(settings.source_dir("payroll"), [".csv"])
    if (wanted := requested_months(context)) is not None:
        deliveries = [d for d in deliveries if payroll_period_from_name(d.name) in wanted]
    register_months(context, {m for d in deliveries if (m := payroll_period_from_name(d.name))})
    return load_source(context, warehouse, "payroll", deliveries, read, TABLES,
                       schemas=SCHEMAS, describe=_totals,
                       months_of=lambda d: [m] if (m := payroll_period_from_name(d.name)) else [],
                       present=[d.name for d in present])


def _totals(conn: duckdb.DuckDBPyConnection) -> dict:
    if not landing.has_table(conn, "payroll_monthly"):
        return {}
    months, amount = conn.execute(
        "select count(distinct period), coalesce(sum(amount), 0)::varchar "
        "from landing.payroll_monthly").fetchall()[0]
    return {"months": dg.MetadataValue.int(int(months)), "total_amount_sek": amount}
