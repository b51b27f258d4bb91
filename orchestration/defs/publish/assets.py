"""Publication: the read-only copy and the exports BI tools read. It runs only when every
mart it copies materialised and no critical (blocking) check failed upstream."""


import dagster as dg

from orchestration.defs.dbt.assets import governance_mart
from orchestration.defs.partitions import SINGLE_RUN
from orchestration.defs.resources import Warehouse, retry_when_locked
from orchestration.publish import publish

MART_KEYS = [k for k in governance_mart.keys if k.path[0] == "marts"]


@dg.asset(
    key=["published", "mart"],
    deps=MART_KEYS,
    group_name="publish",
    backfill_policy=SINGLE_RUN,  # a backfill of source months publishes once, at the end
    kinds={"duckdb", "parquet", "csv"},
    description="Publicerad skrivskyddad kopia av marten (warehouse/published/) med Parquet- "
    "och CSV-export för BI. Byts atomärt; en BI-klient som håller filen öppen stör aldrig.",
)
def published_mart(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    settings = warehouse.settings()
    with retry_when_locked(settings.duckdb_path):  # publication attaches the working file
        result = publish(settings, run_id=context.run.run_id)
    return dg.MaterializeResult(metadata={
        "version": result.version,
        "database": dg.MetadataValue.path(str(result.database)),
        "parquet": dg.MetadataValue.path(str(result.parquet_dir)),
        "csv": dg.MetadataValue.path(str(result.csv_dir)),
        "tables": dg.MetadataValue.json(result.tables),
    })
