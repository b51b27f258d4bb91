-- The ledger conventions as one row, so models can cross join them.
select
    max(value) filter (where key = 'payroll_series') as payroll_series,
    max(value) filter (where key = 'internal_compensation_account')
        as internal_compensation_account,
    max(value) filter (where key = 'grant_income_account_prefix') as grant_income_account_prefix,
    coalesce(
        list(value order by value) filter (where key = 'cost_account_classes'),
        ['4', '5', '6', '7']
    ) as cost_account_classes
from {{ source('registry', 'registry_ledger_settings') }}
