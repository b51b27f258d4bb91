select
    body,
    initiative_id,
    report_kind,
    frequency,
    period,
    period_start,
    period_end,
    due_on
from {{ source('registry', 'registry_report_calendar') }}
