select
    source_file,
    table_id,
    region,
    contents_code,
    try_cast(left(period, 4) as integer) as year,
    period,
    other_dimensions,
    value,
    status
from {{ source('survey', 'survey_scb') }}
