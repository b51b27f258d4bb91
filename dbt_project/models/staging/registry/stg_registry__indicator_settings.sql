select indicator_id, tolerance, partial_share, goal_id, peer_set_id
from {{ source('registry_follow_up', 'registry_indicator_settings') }}
