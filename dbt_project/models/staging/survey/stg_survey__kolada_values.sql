select
    source_file,
    kpi,
    municipality,
    period as year,
    gender,
    value,
    status
from {{ source('survey', 'survey_kolada') }}
