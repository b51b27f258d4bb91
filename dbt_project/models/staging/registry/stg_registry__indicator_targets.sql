select indicator_id, year, target
from {{ source('registry', 'registry_indicator_targets') }}
