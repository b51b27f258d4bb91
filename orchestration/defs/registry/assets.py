"""The governance registry: raw/registry/*.yaml, validated and cross-checked as one whole.
Its files travel together, so one bad file keeps the whole last good registry in place."""


import dagster as dg

from orchestration import landing
from orchestration.defs import keys
from orchestration.defs.resources import Warehouse
from orchestration.readers.registry import load_registry, registry_tables

REGISTRY_SUFFIXES = (".yaml", ".yml")


def registry_delivery(folder) -> list[landing.Delivery]:
    files = landing.deliveries(folder, REGISTRY_SUFFIXES)
    if not files:
        return []
    return [landing.Delivery("registry", tuple(p for f in files for p in f.paths))]


@dg.asset(
    key=keys.REGISTRY,
    group_name="registry",
    kinds={"python", "duckdb"},
    description="Styrmodellen: nämnder, satsningar, objektkoder, medel, indikatorer och "
    "rapporteringskalender (raw/registry/*.yaml).",
)
def registry(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    settings = warehouse.settings()
    folder = settings.source_dir("registry")
    warnings: list[str] = []

    def read(item: landing.Delivery) -> landing.Loaded:
        reg = load_registry(folder)
        warnings.extend(reg.warnings)
        # the delivery is the whole folder; each row keeps the YAML file it came from
        tables = {name: t.rename_columns(["registry_file" if c == "source_file" else c
                                          for c in t.column_names])
                  for name, t in registry_tables(reg).items()}
        return landing.Loaded("registry", tables)

    with warehouse.connect() as conn:
        outcomes = landing.ingest(
            conn, "registry", registry_delivery(folder), read, _table_names(),
            settings.quarantine_dir,
        )
        counts = {t: landing.count_rows(conn, t) for t in
                  ("registry_initiatives", "registry_indicators", "registry_report_calendar")}
    for o in outcomes:
        if o.status == "quarantined":
            context.log.warning(f"Karantän: {o.reason}")
    for w in warnings:
        context.log.warning(w)
    return dg.MaterializeResult(metadata={**landing.summarise(outcomes), **counts,
                                          "warnings": "\n".join(warnings) or "-"})


def _table_names() -> list[str]:
    from orchestration.readers.registry import SCHEMAS

    return list(SCHEMAS)
