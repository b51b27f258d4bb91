select distinct group_id, municipality
from {{ source('survey', 'survey_kolada_groups') }}
