select peer_set_id, name as peer_set_name, kolada_group, is_default
from {{ source('registry_follow_up', 'registry_peer_sets') }}
