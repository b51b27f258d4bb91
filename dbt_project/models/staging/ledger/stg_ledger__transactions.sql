-- Every ledger line that counts. The dimension columns are the same whatever the registry
-- declares: a dimension it does not name is null here, and the dimensions it declares beyond
-- the five known ones share one map column, free_dimensions (see macros/dimension_code.sql).
{% set transactions = source('ledger', 'ledger_transactions') %}
select
    source_file,
    source_line,
    fiscal_year,
    voucher_series,
    voucher_number,
    voucher_date,
    voucher_text,
    account,
    {%- for name in ledger_dimensions() %}
    {{ dimension_code(transactions, name) }} as {{ name }}_code,
    {%- endfor %}
    {{ free_dimensions(transactions) }} as free_dimensions,
    cast(amount as decimal(18, 2)) as amount_sek,
    quantity,
    transaction_date,
    transaction_text,
    coalesce(transaction_date, voucher_date) as booked_on
from {{ source('ledger', 'ledger_transactions') }}
where counts_in_ledger
