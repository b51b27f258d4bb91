-- A grant that pays for several initiatives is shared in proportion to their cost in the
-- grant's year (equally when none of them has any cost yet). Each share is rounded to the öre
-- and the last initiative (by id) takes what is left, so the shares add up to the grant exactly
-- (rounded shares alone could give out an öre more than the grant).
with covered as (
    select distinct g.grant_id, c.initiative_id
    from {{ ref('stg_grants__decision_object_codes') }} as g
    inner join {{ ref('stg_registry__initiative_object_codes') }} as c using (object_code)
),

yearly_cost as (
    select initiative_id, year, sum(cost_sek) as cost_sek
    from {{ ref('int_initiative_costs__monthly') }}
    group by all
),

shares as (
    select
        c.grant_id,
        c.initiative_id,
        d.grant_year as year,
        d.amount_sek as grant_amount_sek,
        greatest(coalesce(y.cost_sek, 0), 0) as cost_sek,
        sum(greatest(coalesce(y.cost_sek, 0), 0)) over (partition by c.grant_id) as covered_cost_sek,
        count(*) over (partition by c.grant_id) as initiatives
    from covered as c
    inner join {{ ref('stg_grants__decisions') }} as d using (grant_id)
    left join yearly_cost as y on y.initiative_id = c.initiative_id and y.year = d.grant_year
),

rounded as (
    select
        *,
        case
            when initiatives = 1 then grant_amount_sek
            when covered_cost_sek > 0
                then {{ apportion('grant_amount_sek', 'cost_sek', 'covered_cost_sek') }}
            else {{ apportion('grant_amount_sek', 1, 'initiatives') }}
        end as rounded_sek,
        row_number() over (partition by grant_id order by initiative_id desc) = 1 as takes_rest
    from shares
)

select
    grant_id,
    initiative_id,
    year,
    grant_amount_sek,
    cast(case
        when takes_rest
            then grant_amount_sek - (sum(rounded_sek) over (partition by grant_id) - rounded_sek)
        else rounded_sek
    end as decimal(18, 2)) as share_sek
from rounded
