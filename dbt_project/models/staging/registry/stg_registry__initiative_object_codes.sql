select initiative_id, object_code
from {{ source('registry', 'registry_initiative_object_codes') }}
