select indicator_id, area_id, year, target
from {{ source('registry_follow_up', 'registry_indicator_area_targets') }}
