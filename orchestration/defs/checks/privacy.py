"""A blocking check that no personal data reached the mart or the payroll landing table."""

import dagster as dg

from orchestration.defs.resources import Warehouse
from orchestration.validation.privacy import scan


@dg.asset_check(
    asset=dg.AssetKey(["marts", "fct_payroll_monthly"]),
    name="no_personal_data",
    blocking=True,
    description="Inga personnummer i textvärden och inga personuppgiftskolumner i lagret.",
)
def no_personal_data(warehouse: Warehouse) -> dg.AssetCheckResult:
    with warehouse.read() as conn:
        hits = scan(conn)
    return dg.AssetCheckResult(
        passed=not hits,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"hits": dg.MetadataValue.json(
            [{"table": h.table, "column": h.column, "rows": h.rows, "reason": h.reason}
             for h in hits])},
    )
