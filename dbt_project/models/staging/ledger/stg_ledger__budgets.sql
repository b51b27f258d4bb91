{% set budgets = source('ledger', 'ledger_budgets') %}
-- #PBUDGET counts once per fiscal year: every file of a year (a yearly export, each
-- year-to-date file, each period file) repeats the year's budget, so it is taken from the
-- loaded file that reaches furthest into the year.
with year_files as (
    select source_file
    from {{ source('ledger', 'ledger_files') }}
    qualify row_number() over (
        partition by coalesce(org_no, source_file), fiscal_year_start
        order by covers_to desc nulls last, source_file desc
    ) = 1
)

select
    b.source_file,
    b.period,
    cast(b.period // 100 as integer) as budget_year,
    cast(b.period % 100 as integer) as budget_month,
    b.account,
    {%- for name in ledger_dimensions() %}
    {{ dimension_code(budgets, name, 'b') }} as {{ name }}_code,
    {%- endfor %}
    {{ free_dimensions(budgets, 'b') }} as free_dimensions,
    cast(b.amount as decimal(18, 2)) as amount_sek
from {{ source('ledger', 'ledger_budgets') }} as b
inner join year_files as y on y.source_file = b.source_file
where b.year_index = 0 and b.period is not null
