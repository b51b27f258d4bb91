select
    funding_source_id,
    funding_source_name
from {{ ref('stg_registry__funding_sources') }}
