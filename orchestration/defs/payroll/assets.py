"""Payroll: one CSV a month in raw/payroll/, pseudonymised and aggregated on the way in."""


import dagster as dg

from orchestration import landing
from orchestration.defs import keys
from orchestration.defs.resources import Warehouse
from orchestration.readers.errors import SourceFileError
from orchestration.readers.payroll import payroll_period_from_name, read_payroll
from orchestration.settings import payroll_hash_key

TABLES = ["payroll_monthly"]


@dg.asset(
    key=keys.PAYROLL,
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

    with warehouse.connect() as conn:
        outcomes = landing.ingest(
            conn, "payroll", landing.deliveries(settings.source_dir("payroll"), [".csv"]),
            read, TABLES, settings.quarantine_dir,
        )
        months, amount = conn.execute(
            "select count(distinct period), coalesce(sum(amount), 0)::varchar "
            "from landing.payroll_monthly"
        ).fetchall()[0] if landing.has_table(conn, "payroll_monthly") else (0, "0")
    for o in outcomes:
        if o.status == "quarantined":
            context.log.warning(f"Karantän: {o.reason}")
    return dg.MaterializeResult(metadata={
        **landing.summarise(outcomes), "months": dg.MetadataValue.int(int(months)),
        "total_amount_sek": amount,
    })
