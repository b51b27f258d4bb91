select initiative_id, committee_id
from {{ source('registry', 'registry_initiative_run_by') }}
