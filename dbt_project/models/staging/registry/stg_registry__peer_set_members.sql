select peer_set_id, municipality
from {{ source('registry_follow_up', 'registry_peer_set_members') }}
