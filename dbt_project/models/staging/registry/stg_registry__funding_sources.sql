select
    funding_source_id,
    name as funding_source_name
from {{ source('registry', 'registry_funding_sources') }}
