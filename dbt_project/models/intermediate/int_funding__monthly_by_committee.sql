-- Each month's funding per source shared among the committees in proportion to their cost
-- that month; the committee with the largest cost takes the öre that rounding leaves.
with committee_costs as (
    select
        initiative_id,
        year,
        month,
        committee_id,
        cost_sek,
        sum(cost_sek) over (partition by initiative_id, year, month) as month_cost_sek,
        row_number() over (
            partition by initiative_id, year, month order by cost_sek desc, committee_id
        ) as size_rank
    from {{ ref('int_initiative_costs__monthly') }}
),

shared as (
    select
        c.initiative_id,
        c.year,
        c.month,
        c.committee_id,
        f.funding_source_id,
        f.amount_sek as source_month_sek,
        c.size_rank,
        case
            when c.month_cost_sek = 0 then 0
            else {{ apportion('f.amount_sek', 'c.cost_sek', 'c.month_cost_sek') }}
        end as rounded_sek
    from committee_costs as c
    inner join {{ ref('int_funding__monthly') }} as f using (initiative_id, year, month)
)

select
    initiative_id,
    year,
    month,
    committee_id,
    funding_source_id,
    cast(case
        when size_rank = 1 then source_month_sek - coalesce(sum(rounded_sek) over (
            partition by initiative_id, year, month, funding_source_id
        ) - rounded_sek, 0)
        else rounded_sek
    end as decimal(18, 2)) as amount_sek
from shared
