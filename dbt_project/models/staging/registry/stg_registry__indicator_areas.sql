select indicator_id, area_id, baseline_value as area_baseline_value
from {{ source('registry_follow_up', 'registry_indicator_areas') }}
