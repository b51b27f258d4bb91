select
    source_file,
    source_line,
    grant_id,
    grantor,
    programme as grant_programme,
    recipient,
    year as grant_year,
    cast(amount_sek as decimal(18, 2)) as amount_sek,
    decided_on,
    use_by,
    report_due,
    object_codes,
    income_object_code
from {{ source('grants', 'grant_decisions') }}
