"""The log of follow-up reports delivered to political bodies (raw/reports/)."""


import dagster as dg

from orchestration import landing
from orchestration.defs import keys
from orchestration.defs.ingest import load_source
from orchestration.defs.resources import Warehouse
from orchestration.readers.reports import DELIVERED_SCHEMA, read_delivered_reports

SCHEMAS = {"reports_delivered": DELIVERED_SCHEMA}
TABLES = list(SCHEMAS)


def read(item: landing.Delivery) -> landing.Loaded:
    return landing.Loaded(item.name, {"reports_delivered": read_delivered_reports(item.paths[0])})


@dg.asset(
    key=keys.REPORTS,
    group_name="reports",
    kinds={"python", "duckdb"},
    description="Levererade uppföljningsrapporter till politiska organ (delivered.csv).",
)
def reports(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    folder = warehouse.settings().source_dir("reports")
    return load_source(context, warehouse, "reports", landing.deliveries(folder, [".csv"]),
                       read, TABLES, schemas=SCHEMAS)
