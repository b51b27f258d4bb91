select
    source_file,
    source_line,
    fiscal_year,
    voucher_series,
    voucher_number,
    voucher_date,
    voucher_text,
    account,
    responsibility_code,
    activity_code,
    project_code,
    object_code,
    cast(amount as decimal(18, 2)) as amount_sek,
    quantity,
    transaction_date,
    transaction_text,
    coalesce(transaction_date, voucher_date) as booked_on
from {{ source('ledger', 'ledger_transactions') }}
where counts_in_ledger
