-- Each mandate project's pool per year. With carry_over, what a year leaves moves on:
-- cumulative use = min(cumulative need, min over earlier years k of
-- (cumulative allocation to k + need after k)), which window functions compute in one pass.
with needs as (
    select mandate_project_code, year, sum(mandate_need_sek) as need_sek
    from {{ ref('int_funding__needs') }}
    where mandate_need_sek > 0
    group by all
),

years as (
    select
        p.mandate_project_code,
        p.carry_over,
        cast(y.year as integer) as year,
        case when y.year between p.first_year and p.last_year
            then p.allocation_per_year_sek else 0 end as allocation_sek
    from {{ ref('stg_registry__mandate_projects') }} as p
    cross join range(
        (select min(first_year) from {{ ref('stg_registry__mandate_projects') }}),
        greatest(
            (select max(last_year) from {{ ref('stg_registry__mandate_projects') }}),
            coalesce((select max(year) from needs), 0)
        ) + 1
    ) as y(year)
),

running as (
    select
        y.*,
        coalesce(n.need_sek, 0) as need_sek,
        sum(y.allocation_sek) over w as cumulative_allocation_sek,
        sum(coalesce(n.need_sek, 0)) over w as cumulative_need_sek
    from years as y
    left join needs as n using (mandate_project_code, year)
    window w as (partition by y.mandate_project_code order by y.year)
),

used as (
    select
        *,
        case
            when carry_over then cumulative_need_sek + least(0, min(
                cumulative_allocation_sek - cumulative_need_sek
            ) over (partition by mandate_project_code order by year))
        end as cumulative_used_sek
    from running
)

select
    mandate_project_code,
    year,
    carry_over,
    cast(allocation_sek as decimal(18, 2)) as allocation_sek,
    cast(need_sek as decimal(18, 2)) as mandate_need_sek,
    cast(case
        when carry_over then cumulative_used_sek
            - coalesce(lag(cumulative_used_sek) over p, 0)
        else least(need_sek, allocation_sek)
    end as decimal(18, 2)) as mandate_used_sek,
    cast(case
        when carry_over then allocation_sek
            + coalesce(lag(cumulative_allocation_sek - cumulative_used_sek) over p, 0)
        else allocation_sek
    end as decimal(18, 2)) as mandate_available_sek,
    cast(case
        when carry_over then cumulative_allocation_sek - cumulative_used_sek
        else allocation_sek - least(need_sek, allocation_sek)
    end as decimal(18, 2)) as carried_forward_sek
from used
window p as (partition by mandate_project_code order by year)
