"""The delivery against the raw contract, after the sources have landed and before dbt.

The asset writes every problem to landing.contract_problems (the warnings become findings in
the mart); its blocking check fails on a blocker, so dbt and publication do not run, the last
published version stays, and the run summary shows the Swedish sentences instead of a dbt
error. A registry that does not load is the registry asset's business: it is quarantined and
the last good one is used, so its problems only block when there is no last good registry."""

from datetime import UTC, datetime

import dagster as dg
import pyarrow as pa

from orchestration import landing
from orchestration.defs import keys
from orchestration.defs.partitions import SINGLE_RUN
from orchestration.defs.resources import Warehouse
from orchestration.readers.errors import SourceFileError
from orchestration.readers.registry.cross_checks import problems as registry_problems
from orchestration.readers.registry.load import load_registry
from orchestration.validation.contract import (
    Problem,
    check_registry,
    ledger_facts_from_landing,
    registry_error,
)

CONTRACT = dg.AssetKey(["landing", "contract"])
CHECK_NAME = "leveransen_foljer_kontraktet"
SCHEMA = pa.schema([("severity", pa.string()), ("source_file", pa.string()),
                    ("place", pa.string()), ("message", pa.string()),
                    ("checked_at", pa.timestamp("us"))])
LAST_GOOD = ("den senast godkända styrmodellen används tills felet är rättat; "
             "rätta filen och kör igen.")


def nightly_problems(warehouse: Warehouse, conn) -> list[Problem]:
    folder = warehouse.settings().source_dir("registry")
    has_last_good = landing.has_table(conn, "registry_initiatives")
    try:
        reg = load_registry(folder, check=False)
    except SourceFileError as err:
        problem = registry_error(err, "warning" if has_last_good else "blocker")
        if has_last_good:
            problem = Problem("warning", problem.file, problem.place,
                              f"{problem.message} Filen är satt i karantän: {LAST_GOOD}")
        return [problem]
    facts = ledger_facts_from_landing(conn, reg.dimension_numbers())
    found = check_registry(reg, facts)
    # blockers between the registry's own sections made the registry asset refuse it
    registry_blockers = {p for p in registry_problems(reg) if p.severity == "blocker"}
    if has_last_good and registry_blockers:
        # the registry asset refused this registry and kept the last good one
        found = [Problem("warning", p.file, p.place, f"{p.message} {LAST_GOOD}")
                 if p in registry_blockers else p for p in found]
    return found


@dg.asset(
    key=CONTRACT,
    deps=[keys.REGISTRY, keys.LEDGER],
    group_name="registry",
    kinds={"python", "duckdb"},
    backfill_policy=SINGLE_RUN,
    check_specs=[dg.AssetCheckSpec(CHECK_NAME, asset=CONTRACT, blocking=True,
                                   description="Styrmodellen och leveransen följer kontraktet "
                                   "(docs/raw-contract.md); ett stoppande fel hindrar bygget.")],
    description="Leveransen mot kontraktet: styrmodellen mot sig själv och mot SIE-filernas "
    "dimensioner och koder. Varningar blir avvikelser; stoppande fel hindrar bygget.",
)
def contract(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        problems = nightly_problems(warehouse, conn)
        now = datetime.now(UTC).replace(tzinfo=None)
        table = pa.Table.from_pylist(
            [{"severity": p.severity, "source_file": p.file, "place": p.place,
              "message": p.message, "checked_at": now} for p in problems], schema=SCHEMA)
        conn.execute("create schema if not exists landing")
        conn.register("contract_problems_new", table)
        conn.execute("create or replace table landing.contract_problems as "
                     "select * from contract_problems_new")
        conn.unregister("contract_problems_new")
    blockers = [p for p in problems if p.severity == "blocker"]
    for p in problems:
        (context.log.error if p.severity == "blocker" else context.log.warning)(p.message)
    passed = not blockers
    summary = ("Leveransen följer kontraktet." if passed and not problems else
               f"{len(blockers)} stoppande fel och {len(problems) - len(blockers)} varningar.")
    check = dg.AssetCheckResult(
        check_name=CHECK_NAME, passed=passed, severity=dg.AssetCheckSeverity.ERROR,
        metadata={"problem": "\n".join(p.message for p in blockers) or "-",
                  "warnings": len(problems) - len(blockers)})
    return dg.MaterializeResult(
        metadata={"blockers": len(blockers), "warnings": len(problems) - len(blockers),
                  "summary": summary},
        check_results=[check])
