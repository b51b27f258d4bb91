"""State grants: the decisions and the report-backs filed to the grantor (raw/grants/)."""


import dagster as dg

from orchestration import landing
from orchestration.defs import keys
from orchestration.defs.ingest import load_source
from orchestration.defs.resources import Warehouse
from orchestration.readers.errors import SourceFileError
from orchestration.readers.grants import (
    DECISIONS_SCHEMA,
    REPORTS_SCHEMA,
    read_grant_decisions,
    read_grant_reports,
)

SCHEMAS = {"grant_decisions": DECISIONS_SCHEMA, "grant_reports": REPORTS_SCHEMA}
TABLES = list(SCHEMAS)


def read(item: landing.Delivery) -> landing.Loaded:
    name = item.paths[0].name.lower()
    if name.startswith("decisions"):
        return landing.Loaded(item.name, {"grant_decisions": read_grant_decisions(item.paths[0])})
    if name.startswith("reports"):
        return landing.Loaded(item.name, {"grant_reports": read_grant_reports(item.paths[0])})
    raise SourceFileError(item.name, "expected decisions.csv or reports.csv")


@dg.asset(
    key=keys.GRANTS,
    group_name="grants",
    kinds={"python", "duckdb"},
    description="Statsbidrag: beslut (decisions.csv) och återrapporteringar (reports.csv).",
)
def grants(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    folder = warehouse.settings().source_dir("grants")
    return load_source(context, warehouse, "grants", landing.deliveries(folder, [".csv"]),
                       read, TABLES, schemas=SCHEMAS)
