-- The programme's ledger lines only, each traceable to its file and line.
select
    ledger_line_id,
    source_file,
    source_line,
    voucher_series,
    voucher_number,
    voucher_date,
    booked_on,
    year,
    month,
    account,
    account_class,
    committee_id,
    responsibility_code,
    activity_code,
    project_code,
    mandate_project_code,
    object_code,
    initiative_id,
    line_kind,
    amount_sek,
    transaction_text
from {{ ref('int_ledger__programme_lines') }}
