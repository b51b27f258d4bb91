select
    initiative_id,
    name as initiative_name,
    owner_committee,
    mandate_project as mandate_project_code,
    first_year,
    last_year,
    funding_order,
    -- grants pay before mandate money unless the registry orders them the other way
    coalesce(
        list_position(funding_order, 'state_grant')
        < coalesce(list_position(funding_order, 'mandate'), 999),
        false
    ) as grants_before_mandate,
    list_contains(funding_order, 'state_grant') as uses_state_grants,
    list_contains(funding_order, 'mandate') as uses_mandate
from {{ source('registry', 'registry_initiatives') }}
