-- Each initiative's cost per year and what its grants can pay; when grants come first in its
-- funding order, the rest is what it needs from its mandate project.
with costs as (
    select initiative_id, year, sum(cost_sek) as cost_sek
    from {{ ref('int_initiative_costs__monthly') }}
    group by all
),

grants as (
    select initiative_id, year, sum(share_sek) as grant_available_sek
    from {{ ref('int_grants__initiative_shares') }}
    group by all
),

with_grants as (
    select
        c.initiative_id,
        c.year,
        i.mandate_project_code,
        i.uses_state_grants,
        i.uses_mandate,
        i.grants_before_mandate,
        c.cost_sek,
        case when i.uses_state_grants then coalesce(g.grant_available_sek, 0) else 0 end
            as grant_available_sek
    from costs as c
    inner join {{ ref('stg_registry__initiatives') }} as i using (initiative_id)
    left join grants as g using (initiative_id, year)
)

select
    *,
    case when grants_before_mandate
        then least(greatest(cost_sek, 0), grant_available_sek) else 0 end as grant_first_sek,
    case
        when uses_mandate and mandate_project_code is not null
            then greatest(cost_sek - case when grants_before_mandate
                then least(greatest(cost_sek, 0), grant_available_sek) else 0 end, 0)
        else 0
    end as mandate_need_sek
from with_grants
