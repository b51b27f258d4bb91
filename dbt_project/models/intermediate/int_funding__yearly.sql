-- Who paid each initiative's cost each year, in the registry's funding order: state grants
-- up to what the year's decisions give, mandate money up to the project's pool (the year's
-- allocation plus what earlier years left when carry_over), and the rest on the ordinary frame.
with needs as (
    select * from {{ ref('int_funding__needs') }}
),

shared as (
    -- the pool is shared in proportion to need when it does not cover every initiative; the
    -- last initiative (by id) takes the öre the rounding leaves, so the shares never add up to
    -- more than the pool
    select
        n.initiative_id,
        n.year,
        p.mandate_used_sek,
        p.mandate_used_sek >= p.mandate_need_sek as covers_all,
        n.mandate_need_sek,
        {{ apportion('p.mandate_used_sek', 'n.mandate_need_sek', 'p.mandate_need_sek') }}
            as rounded_sek,
        row_number() over (
            partition by n.mandate_project_code, n.year order by n.initiative_id desc
        ) = 1 as takes_rest,
        sum({{ apportion('p.mandate_used_sek', 'n.mandate_need_sek', 'p.mandate_need_sek') }})
            over (partition by n.mandate_project_code, n.year) as rounded_total_sek
    from needs as n
    inner join {{ ref('int_mandate__project_years') }} as p using (mandate_project_code, year)
    where n.mandate_need_sek > 0
),

mandate as (
    select
        initiative_id,
        year,
        case
            when covers_all then mandate_need_sek
            when takes_rest then mandate_used_sek - (rounded_total_sek - rounded_sek)
            else rounded_sek
        end as mandate_sek
    from shared
),

paid as (
    select
        n.*,
        coalesce(m.mandate_sek, 0) as mandate_sek,
        case
            when n.grants_before_mandate then n.grant_first_sek
            -- mandate money first: grants cover what the pool left
            else least(greatest(n.cost_sek - coalesce(m.mandate_sek, 0), 0), n.grant_available_sek)
        end as grant_sek
    from needs as n
    left join mandate as m using (initiative_id, year)
)

select
    initiative_id,
    year,
    mandate_project_code,
    grants_before_mandate,
    cast(cost_sek as decimal(18, 2)) as cost_sek,
    cast(grant_available_sek as decimal(18, 2)) as grant_available_sek,
    cast(grant_sek as decimal(18, 2)) as grant_sek,
    cast(mandate_sek as decimal(18, 2)) as mandate_sek,
    cast(cost_sek - grant_sek - mandate_sek as decimal(18, 2)) as frame_sek
from paid
