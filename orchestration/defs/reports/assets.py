"""The log of follow-up reports delivered to political bodies (raw/reports/)."""


import dagster as dg

from orchestration import landing
from orchestration.defs import keys
from orchestration.defs.resources import Warehouse
from orchestration.readers.reports import read_delivered_reports

TABLES = ["reports_delivered"]


def read(item: landing.Delivery) -> landing.Loaded:
    return landing.Loaded(item.name, {"reports_delivered": read_delivered_reports(item.paths[0])})


@dg.asset(
    key=keys.REPORTS,
    group_name="reports",
    kinds={"python", "duckdb"},
    description="Levererade uppföljningsrapporter till politiska organ (delivered.csv).",
)
def reports(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    settings = warehouse.settings()
    with warehouse.connect() as conn:
        outcomes = landing.ingest(
            conn, "reports", landing.deliveries(settings.source_dir("reports"), [".csv"]),
            read, TABLES, settings.quarantine_dir,
        )
        delivered = landing.count_rows(conn, "reports_delivered")
    for o in outcomes:
        if o.status == "quarantined":
            context.log.warning(f"Karantän: {o.reason}")
    return dg.MaterializeResult(metadata={**landing.summarise(outcomes),
                                          "reports_delivered": delivered})
