-- Committees and the other bodies that receive reports (the registry lists committees here too).
select
    body_id as committee_id,
    name as committee_name,
    kind as body_kind
from {{ source('registry', 'registry_bodies') }}
