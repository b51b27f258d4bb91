-- One row per indicator, area and year from the baseline year to the last target year: the
-- baseline, target and outcome side by side, with what the assessment needs (direction,
-- tolerance, partial share, the last year with any outcome, whether the year has ended).
--   baseline: the area's own baseline from the registry, else the indicator's, else the
--             area's outcome in the baseline year;
--   target:   the area's own target for the year, else the indicator's.
with indicators as (
    select
        i.indicator_id,
        i.baseline_year,
        i.baseline_value,
        -- an undeclared direction is read as higher-is-better (the registry warns elsewhere)
        coalesce(i.higher_is_better, true) as higher_is_better,
        coalesce(s.tolerance, 0.0) as tolerance,
        coalesce(s.partial_share, 0.5) as partial_share
    from {{ ref('stg_registry__indicators') }} as i
    left join {{ ref('stg_registry__indicator_settings') }} as s using (indicator_id)
),

all_targets as (
    select indicator_id, cast(null as varchar) as area_id, year, target
    from {{ ref('stg_registry__indicator_targets') }}
    union all
    select indicator_id, area_id, year, target
    from {{ ref('stg_registry__indicator_area_targets') }}
),

spans as (
    select
        i.indicator_id,
        coalesce(least(i.baseline_year, min(t.year)), i.baseline_year) as first_year,
        coalesce(greatest(i.baseline_year, max(t.year)), i.baseline_year) as last_year
    from indicators as i
    left join all_targets as t using (indicator_id)
    group by i.indicator_id, i.baseline_year
),

grid as (
    select ia.indicator_id, ia.area_id, ia.area_baseline_value, cast(y.year as integer) as year
    from {{ ref('stg_registry__indicator_areas') }} as ia
    inner join spans as s using (indicator_id)
    cross join lateral (select unnest(range(s.first_year, s.last_year + 1)) as year) as y
    where s.first_year is not null
),

outcomes as (
    select * from {{ ref('int_indicators__outcomes') }}
),

last_published as (
    select indicator_id, area_id, max(year) as last_outcome_year
    from outcomes
    where outcome is not null
    group by all
)

select
    g.indicator_id,
    g.area_id,
    g.year,
    i.higher_is_better,
    i.tolerance,
    i.partial_share,
    i.baseline_year,
    coalesce(g.area_baseline_value, i.baseline_value, b.outcome) as baseline,
    coalesce(area_t.target, it.target) as target,
    o.outcome,
    o.outcome_status,
    lp.last_outcome_year,
    g.year < year({{ as_of_date() }}) as year_has_ended
from grid as g
inner join indicators as i using (indicator_id)
left join all_targets as area_t
    on area_t.indicator_id = g.indicator_id and area_t.area_id = g.area_id and area_t.year = g.year
left join all_targets as it
    on it.indicator_id = g.indicator_id and it.area_id is null and it.year = g.year
left join outcomes as o
    on o.indicator_id = g.indicator_id and o.area_id = g.area_id and o.year = g.year
left join outcomes as b
    on b.indicator_id = g.indicator_id and b.area_id = g.area_id and b.year = i.baseline_year
left join last_published as lp
    on lp.indicator_id = g.indicator_id and lp.area_id = g.area_id
