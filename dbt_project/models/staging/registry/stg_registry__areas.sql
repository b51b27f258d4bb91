select area_id, name as area_name, kind as area_kind, code as area_code,
    kind = 'kommun' as is_whole_municipality
from {{ source('registry_follow_up', 'registry_areas') }}
