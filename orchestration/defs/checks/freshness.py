"""Freshness: one check per source, failing (as a warning) when the source is staler than its
rule allows against AS_OF_DATE (orchestration/validation/freshness.py)."""

import dagster as dg

from orchestration.defs import keys
from orchestration.defs.resources import Warehouse
from orchestration.validation.freshness import check

SOURCES = {"ledger": keys.LEDGER, "payroll": keys.PAYROLL, "grants": keys.GRANTS,
           "reports": keys.REPORTS, "survey": keys.SURVEY}


def build(source: str, key: dg.AssetKey) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=key, name="freshness", blocking=False,
                    description=f"Aktualitet för {source}, bedömd mot AS_OF_DATE.")
    def _check(warehouse: Warehouse) -> dg.AssetCheckResult:
        settings = warehouse.settings()
        with warehouse.read() as conn:
            result = check(conn, source, settings.as_of_date)
        return dg.AssetCheckResult(
            passed=result.fresh, severity=dg.AssetCheckSeverity.WARN,
            metadata={"newest": str(result.newest), "required_from": str(result.required),
                      "as_of_date": settings.as_of_date.isoformat(), "rule": result.rule})

    return _check


@dg.definitions
def freshness_checks() -> dg.Definitions:
    return dg.Definitions(asset_checks=[build(s, k) for s, k in SOURCES.items()])
