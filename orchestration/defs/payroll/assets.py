"""Payroll: one CSV a month in raw/payroll/, pseudonymised and aggregated on the way in."""


import dagster as dg
import duckdb

from orchestration import landing
from orchestration.defs import keys
from orchestration.defs.ingest import load_source
from orchestration.defs.resources import Warehouse
from orchestration.readers.errors import SourceFileError
from orchestration.readers.payroll import payroll_period_from_name, read_payroll
from orchestration.settings import payroll_hash_key

TABLES = ["payroll_monthly"]
# Payroll is partitioned by month: the raw/ sensor runs a new month's partition alone, and a
# month can be reloaded or backfilled by its key. A run without a key (the nightly job)
# loads every new or changed file; the months found become partitions as they load.
PAYROLL_MONTHS = dg.DynamicPartitionsDefinition(name="payroll_months")


@dg.asset(
    key=keys.PAYROLL,
    partitions_def=PAYROLL_MONTHS,
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

    deliveries = landing.deliveries(settings.source_dir("payroll"), [".csv"])
    if context.has_partition_key:
        deliveries = [d for d in deliveries
                      if payroll_period_from_name(d.name) == context.partition_key]
    months = sorted({m for d in deliveries if (m := payroll_period_from_name(d.name))})
    known = set(context.instance.get_dynamic_partitions(PAYROLL_MONTHS.name))
    if new := [m for m in months if m not in known]:
        context.instance.add_dynamic_partitions(PAYROLL_MONTHS.name, new)
    return load_source(context, warehouse, "payroll", deliveries, read, TABLES,
                       describe=_totals)


def _totals(conn: duckdb.DuckDBPyConnection) -> dict:
    if not landing.has_table(conn, "payroll_monthly"):
        return {}
    months, amount = conn.execute(
        "select count(distinct period), coalesce(sum(amount), 0)::varchar "
        "from landing.payroll_monthly").fetchall()[0]
    return {"months": dg.MetadataValue.int(int(months)), "total_amount_sek": amount}
