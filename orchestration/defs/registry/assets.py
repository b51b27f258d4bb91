"""The governance registry: raw/registry/*.yaml, validated and cross-checked as one whole.
Its files travel together, so one bad file keeps the whole last good registry in place."""


from pathlib import Path

import dagster as dg
import pyarrow as pa

from orchestration import landing
from orchestration.defs import keys
from orchestration.defs.ingest import load_source
from orchestration.defs.resources import Warehouse
from orchestration.readers.registry import SCHEMAS, load_registry, registry_tables

REGISTRY_SUFFIXES = (".yaml", ".yml", ".xlsx")


def registry_delivery(folder: Path) -> list[landing.Delivery]:
    files = landing.deliveries(folder, REGISTRY_SUFFIXES)
    if not files:
        return []
    return [landing.Delivery("registry", tuple(p for f in files for p in f.paths))]


def registry_reader(folder: Path, warnings: list[str]):
    def read(item: landing.Delivery) -> landing.Loaded:
        reg = load_registry(folder)
        warnings.extend(reg.warnings)
        # the delivery is the whole folder; each row keeps the YAML file it came from
        tables = {name: t.rename_columns(["registry_file" if c == "source_file" else c
                                          for c in t.column_names])
                  for name, t in registry_tables(reg).items()}
        return landing.Loaded("registry", tables)

    return read


# as the reader hands them over: each row names its YAML file as registry_file
LANDING_SCHEMAS = {name: pa.schema([f.with_name("registry_file") if f.name == "source_file"
                                    else f for f in s]) for name, s in SCHEMAS.items()}
TABLES = list(LANDING_SCHEMAS)


@dg.asset(
    key=keys.REGISTRY,
    group_name="registry",
    kinds={"python", "duckdb"},
    description="Styrmodellen: nämnder, satsningar, objektkoder, medel, indikatorer och "
    "rapporteringskalender (raw/registry/*.yaml eller styrmodell.xlsx).",
)
def registry(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    folder = warehouse.settings().source_dir("registry")
    warnings: list[str] = []
    result = load_source(context, warehouse, "registry", registry_delivery(folder),
                         registry_reader(folder, warnings), TABLES,
                         schemas=LANDING_SCHEMAS,
                         describe=lambda conn: {"warnings": "\n".join(warnings) or "-"})
    for w in warnings:
        context.log.warning(w)
    return result
