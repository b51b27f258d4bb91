-- The ledger conventions as one row, so models can cross join them.
select
    max(value) filter (where key = 'payroll_series') as payroll_series,
    max(value) filter (where key = 'internal_compensation_account')
        as internal_compensation_account,
    max(value) filter (where key = 'grant_income_account_prefix') as grant_income_account_prefix,
    coalesce(
        list(value order by value) filter (where key = 'cost_account_classes'),
        ['4', '5', '6', '7']
    ) as cost_account_classes,
    -- which optional dimensions the registry declares: the rules that need one fall back
    -- (docs/raw-contract.md) where it is missing
    coalesce(bool_or(key = 'dimensions.responsibility'), false) as has_responsibility_dimension,
    coalesce(bool_or(key = 'dimensions.activity'), false) as has_activity_dimension,
    coalesce(bool_or(key = 'dimensions.project'), false) as has_project_dimension
from {{ source('registry', 'registry_ledger_settings') }}
