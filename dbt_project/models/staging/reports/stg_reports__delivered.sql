select
    source_file,
    source_line,
    delivered_on,
    body,
    initiative as initiative_id,
    report_kind,
    period,
    reference
from {{ source('reports', 'reports_delivered') }}
