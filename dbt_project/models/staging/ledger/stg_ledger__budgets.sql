{% set budgets = source('ledger', 'ledger_budgets') %}
select
    b.source_file,
    b.period,
    cast(b.period // 100 as integer) as budget_year,
    cast(b.period % 100 as integer) as budget_month,
    b.account,
    {{ dimension_code(budgets, 'responsibility', 'b') }} as responsibility_code,
    {{ dimension_code(budgets, 'project', 'b') }} as project_code,
    {{ dimension_code(budgets, 'object', 'b') }} as object_code,
    cast(b.amount as decimal(18, 2)) as amount_sek
from {{ source('ledger', 'ledger_budgets') }} as b
where b.year_index = 0 and b.period is not null
