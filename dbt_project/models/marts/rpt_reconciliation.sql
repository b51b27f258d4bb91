-- Every difference the reconciliations find beyond the tolerance (var reconciliation_tolerance_sek),
-- one row each. difference_sek = actual - expected.
with comparisons as (
    select * from {{ ref('int_reconciliation__payroll_vs_ledger') }}
    union all by name
    select * from {{ ref('int_reconciliation__internal_compensation') }}
    union all by name
    select * from {{ ref('int_reconciliation__grants_booked') }}
    union all by name
    select * from {{ ref('int_reconciliation__grants_reported') }}
    union all by name
    select * from {{ ref('int_reconciliation__unknown_codes') }}
)

select
    kind,
    period,
    committee,
    initiative_id,
    object_code,
    account,
    grant_id,
    cast(expected_sek as decimal(18, 2)) as expected_sek,
    cast(actual_sek as decimal(18, 2)) as actual_sek,
    cast(actual_sek - expected_sek as decimal(18, 2)) as difference_sek
from comparisons
where abs(actual_sek - expected_sek) > {{ var('reconciliation_tolerance_sek', 1) }}
    or kind = 'unknown_object_code'
