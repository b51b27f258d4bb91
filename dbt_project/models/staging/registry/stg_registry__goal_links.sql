select goal_id, member_kind, member_id
from {{ source('registry_follow_up', 'registry_goal_links') }}
