select goal_id, name as goal_name, level as goal_level, parent_goal_id
from {{ source('registry_follow_up', 'registry_goals') }}
