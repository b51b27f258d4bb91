"""What every source asset does: load its deliveries through orchestration/landing.py, log
what was set aside, and describe the result as Dagster metadata."""

from collections.abc import Callable, Iterable, Mapping

import dagster as dg
import duckdb
import pyarrow as pa

from orchestration import landing
from orchestration.defs.partitions import mark_months_loaded
from orchestration.defs.resources import Warehouse
from orchestration.faults import fault_point


def load_source(
    context: dg.AssetExecutionContext,
    warehouse: Warehouse,
    source: str,
    deliveries: Iterable[landing.Delivery],
    read: Callable[[landing.Delivery], landing.Loaded],
    tables: list[str],
    *,
    schemas: Mapping[str, pa.Schema],
    projections: Mapping[str, str] | None = None,
    salt: str = "",
    describe: Callable[[duckdb.DuckDBPyConnection], dict] | None = None,
    months_of: Callable[[landing.Delivery], Iterable[str]] | None = None,
    present: Iterable[str] | None = None,
    check: landing.KeyCheck | None = None,
) -> dg.MaterializeResult:
    """`describe` adds the source's own figures (totals, months) to the metadata;
    `months_of` names the month partitions a delivery holds (payroll and the ledger);
    `present` names every file in raw/<source>/ when `deliveries` are only some of them (a
    partition run), so that only a file really gone takes its rows with it. `schemas` gives
    the reader's Arrow schema of every table in `tables` (with `projections`, what the reader's
    Loaded applies): a table no file has created yet is created empty from it, so a source
    the municipality does not deliver builds as zero rows downstream."""
    missing = set(tables) - set(schemas)
    if missing:
        raise ValueError(f"{source}: no schema declared for {sorted(missing)}")
    deliveries = list(deliveries)
    settings = warehouse.settings()
    names = [d.name for d in deliveries] if present is None else list(present)
    with warehouse.connect() as conn:
        outcomes = landing.ingest(conn, source, deliveries, read, tables,
                                  settings.quarantine_dir, salt=salt, present=names,
                                  check=check)
        empty = landing.ensure_tables(conn, {t: schemas[t] for t in tables}, projections)
        counts = {f"rows_{t}": dg.MetadataValue.int(landing.count_rows(conn, t))
                  for t in tables}
        if describe is not None:
            counts.update(describe(conn))
    if empty:
        context.log.info(f"raw/{source}/: inga filer för {', '.join(empty)} än; tabellerna "
                         "skapades tomma.")
    fault_point("landing.between_sources")  # crash tests: one source committed, others not
    for o in outcomes:
        if o.status == "quarantined":
            context.log.warning(f"Karantän: {o.reason}")
        elif o.status == "removed":
            context.log.warning(f"Borttagen ur raw/: {o.name}; dess rader togs bort.")
        elif o.status == "loaded" and o.reason and "tillbaka" in o.reason:
            context.log.info(f"{o.name}: {o.reason}")
    if months_of is not None:
        loaded = {o.name: o.covers for o in outcomes if o.status == "loaded"}
        # the months a file really brought in (a period file: its own, not its whole year)
        mark_months_loaded(context, {
            m for d in deliveries if d.name in loaded for m in months_of(d)
            if loaded[d.name] is None or loaded[d.name][0] <= m <= loaded[d.name][1]})
    return dg.MaterializeResult(metadata={**landing.summarise(outcomes), **counts})
