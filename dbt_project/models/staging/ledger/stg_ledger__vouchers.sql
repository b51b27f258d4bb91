select
    source_file,
    source_line,
    fiscal_year,
    voucher_series,
    voucher_number,
    voucher_date,
    voucher_text,
    row_count,
    cast(amount_sum as decimal(18, 2)) as amount_sum_sek,
    is_balanced
from {{ source('ledger', 'ledger_vouchers') }}
