select indicator_id, initiative_id
from {{ source('registry', 'registry_indicator_initiatives') }}
