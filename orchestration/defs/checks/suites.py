"""One Dagster asset check per GX suite in expectations/: a critical suite blocks what is
downstream of its asset, a warning suite is flagged and the run goes on."""


import json

import dagster as dg

from orchestration.defs.resources import Warehouse
from orchestration.faults import fault_point
from orchestration.settings import EXPECTATIONS_DIR
from orchestration.validation.suites import Suite, SuiteResult, load_suites, run_suite


def check_metadata(result: SuiteResult) -> dict[str, dg.MetadataValue]:
    meta: dict[str, dg.MetadataValue] = {
        "rows_checked": dg.MetadataValue.int(result.rows),
        "expectations": dg.MetadataValue.int(result.evaluated),
        "failed_expectations": dg.MetadataValue.int(len(result.failures)),
    }
    for f in result.failures:
        label = f"{f.expectation}({f.column or ''})"
        examples = "; ".join(json.dumps(e, ensure_ascii=False) for e in f.examples[:10])
        meta[label] = dg.MetadataValue.text(
            f"{f.severity}: {f.unexpected_count} rader, t.ex. {examples}")
    return meta


def build_check(suite: Suite) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(suite.asset),
        name=suite.name,
        blocking=suite.severity == "critical",
        description=f"GX: {suite.description} ({suite.path.name}, {suite.severity})",
    )
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.read() as conn:
            fault_point("checks.run")  # crash tests: killed while a suite reads the warehouse
            result = run_suite(conn, suite)
        return dg.AssetCheckResult(
            passed=result.success,
            severity=dg.AssetCheckSeverity.ERROR if result.critical else dg.AssetCheckSeverity.WARN,
            metadata=check_metadata(result),
        )

    return _check


@dg.definitions
def gx_checks() -> dg.Definitions:
    return dg.Definitions(asset_checks=[build_check(s) for s in load_suites(EXPECTATIONS_DIR)])
