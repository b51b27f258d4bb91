select
    source_file,
    source_line,
    grant_id,
    submitted_on,
    cast(amount_used_sek as decimal(18, 2)) as amount_used_sek,
    cast(amount_returned_sek as decimal(18, 2)) as amount_returned_sek,
    participants,
    reference
from {{ source('grants', 'grant_reports') }}
