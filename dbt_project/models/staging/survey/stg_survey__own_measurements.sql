select source_file, source_line, indicator as indicator_id, year, area, value, status
from {{ source('survey', 'survey_own') }}
