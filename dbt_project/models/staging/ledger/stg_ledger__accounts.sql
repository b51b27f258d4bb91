-- Several files declare the chart; the newest file's name wins for each account.
select
    account,
    name as account_name,
    account_type
from {{ source('ledger', 'ledger_accounts') }}
qualify row_number() over (partition by account order by source_file desc) = 1
