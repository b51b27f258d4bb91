-- Each indicator against its targets, one row per year from its baseline to its last target.
with indicators as (
    select * from {{ ref('stg_registry__indicators') }}
),

spans as (
    select
        i.indicator_id,
        least(i.baseline_year, min(t.year)) as first_year,
        greatest(i.baseline_year, max(t.year)) as last_year
    from indicators as i
    left join {{ ref('stg_registry__indicator_targets') }} as t using (indicator_id)
    group by i.indicator_id, i.baseline_year
),

years as (
    select s.indicator_id, cast(y.year as integer) as year
    from spans as s
    cross join lateral (select unnest(range(s.first_year, s.last_year + 1)) as year) as y
)

select
    y.indicator_id,
    y.year,
    i.baseline_year,
    i.baseline_value as baseline,
    t.target,
    o.outcome,
    o.outcome_status,
    case
        when t.target is null then 'no_target'
        when o.outcome is null then 'no_outcome'
        when (i.higher_is_better and o.outcome >= t.target)
            or (not i.higher_is_better and o.outcome <= t.target) then 'met'
        else 'not_met'
    end as status
from years as y
inner join indicators as i using (indicator_id)
left join {{ ref('stg_registry__indicator_targets') }} as t using (indicator_id, year)
left join {{ ref('int_indicators__outcomes') }} as o using (indicator_id, year)
