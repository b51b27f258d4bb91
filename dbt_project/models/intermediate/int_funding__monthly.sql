-- The year's funding spread over its months "grants first" in time too: the cumulative cost
-- is covered by the first source in the funding order until that source's yearly amount is
-- used, then by the next; the monthly amount is the change in the cumulative one.
with monthly as (
    select initiative_id, year, month, sum(cost_sek) as cost_sek
    from {{ ref('int_initiative_costs__monthly') }}
    group by all
),

cumulative as (
    select
        m.*,
        f.grants_before_mandate,
        f.grant_sek as year_grant_sek,
        f.mandate_sek as year_mandate_sek,
        sum(m.cost_sek) over (
            partition by m.initiative_id, m.year order by m.month
        ) as cumulative_cost_sek
    from monthly as m
    inner join {{ ref('int_funding__yearly') }} as f using (initiative_id, year)
),

first_second as (
    select
        *,
        case when grants_before_mandate
            then least(greatest(cumulative_cost_sek, 0), year_grant_sek)
            else least(greatest(cumulative_cost_sek, 0), year_mandate_sek)
        end as cumulative_first_sek
    from cumulative
),

split as (
    select
        *,
        case when grants_before_mandate
            then least(greatest(cumulative_cost_sek - cumulative_first_sek, 0), year_mandate_sek)
            else least(greatest(cumulative_cost_sek - cumulative_first_sek, 0), year_grant_sek)
        end as cumulative_second_sek
    from first_second
),

by_source as (
    select
        initiative_id,
        year,
        month,
        cost_sek,
        case when grants_before_mandate then cumulative_first_sek else cumulative_second_sek end
            as cumulative_grant_sek,
        case when grants_before_mandate then cumulative_second_sek else cumulative_first_sek end
            as cumulative_mandate_sek,
        cumulative_cost_sek
    from split
),

monthly_by_source as (
    select
        initiative_id,
        year,
        month,
        cost_sek,
        cumulative_grant_sek
            - coalesce(lag(cumulative_grant_sek) over w, 0) as grant_sek,
        cumulative_mandate_sek
            - coalesce(lag(cumulative_mandate_sek) over w, 0) as mandate_sek
    from by_source
    window w as (partition by initiative_id, year order by month)
)

select initiative_id, year, month, 'state_grant' as funding_source_id,
    cast(grant_sek as decimal(18, 2)) as amount_sek
from monthly_by_source
union all
select initiative_id, year, month, 'mandate', cast(mandate_sek as decimal(18, 2))
from monthly_by_source
union all
select initiative_id, year, month, 'frame', cast(cost_sek - grant_sek - mandate_sek as decimal(18, 2))
from monthly_by_source
