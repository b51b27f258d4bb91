select
    b.source_file,
    b.period,
    cast(b.period // 100 as integer) as budget_year,
    cast(b.period % 100 as integer) as budget_month,
    b.account,
    b.responsibility_code,
    b.project_code,
    b.object_code,
    cast(b.amount as decimal(18, 2)) as amount_sek
from {{ source('ledger', 'ledger_budgets') }} as b
where b.year_index = 0 and b.period is not null
