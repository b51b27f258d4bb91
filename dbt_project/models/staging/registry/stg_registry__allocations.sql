select
    initiative_id,
    year,
    funding_source as funding_source_id,
    cast(amount_sek as decimal(18, 2)) as amount_sek
from {{ source('registry', 'registry_allocations') }}
