{% set balances = source('ledger', 'ledger_balances') %}
-- Opening and closing balances, results and period balances (#IB #UB #RES #PSALDO, and the
-- per-object #OIB #OUB) of each fiscal year, once: every file of a year repeats them, so they
-- are taken from the loaded file that reaches furthest into the year (its #UB is the latest).
with year_files as (
    select source_file, fiscal_year_start
    from {{ source('ledger', 'ledger_files') }}
    qualify row_number() over (
        partition by coalesce(org_no, source_file), fiscal_year_start
        order by covers_to desc nulls last, source_file desc
    ) = 1
)

select
    b.source_file,
    b.source_line,
    b.record_type,
    cast(left(y.fiscal_year_start, 4) as integer) as fiscal_year,
    b.period,
    b.account,
    b.object_list,
    {%- for name in ledger_dimensions() %}
    {{ dimension_code(balances, name, 'b') }} as {{ name }}_code,
    {%- endfor %}
    {{ free_dimensions(balances, 'b') }} as free_dimensions,
    cast(b.amount as decimal(18, 2)) as amount_sek,
    b.quantity
from {{ source('ledger', 'ledger_balances') }} as b
inner join year_files as y on y.source_file = b.source_file
where b.year_index = 0
