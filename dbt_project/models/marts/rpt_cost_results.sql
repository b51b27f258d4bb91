-- Costs, effects and results side by side per initiative and year: what it cost, who paid,
-- the staff it bought, whom it reached, and how its indicators went against their targets.
with staff as (
    -- yearly FTE = average over the year's months, counted on wage accounts (50xx) only
    select initiative_id, year(month) as year, sum(fte) / count(distinct month) as fte
    from {{ ref('fct_payroll_monthly') }}
    where account like '50%'
    group by all
),

reached as (
    select s.initiative_id, s.year, sum(r.participants) as participants
    from {{ ref('int_grants__initiative_shares') }} as s
    inner join {{ ref('stg_grants__reports') }} as r using (grant_id)
    group by all
),

indicators as (
    select
        l.initiative_id,
        r.year,
        count(*) filter (where r.status in ('met', 'not_met', 'no_outcome')) as indicators_with_target,
        count(*) filter (where r.status = 'met') as indicators_met,
        count(*) filter (where r.status = 'not_met') as indicators_not_met,
        count(*) filter (where r.status = 'no_outcome') as indicators_without_outcome
    from {{ ref('rpt_indicator_status') }} as r
    inner join {{ ref('stg_registry__indicator_initiatives') }} as l using (indicator_id)
    -- one count per indicator: its whole-municipality row (districts are in the status mart)
    where r.is_whole_municipality
    group by all
)

select
    f.initiative_id,
    f.year,
    f.cost_sek,
    f.grant_sek,
    f.mandate_sek,
    f.frame_sek,
    cast(round(coalesce(s.fte, 0), 2) as decimal(10, 2)) as fte,
    cast(r.participants as bigint) as participants,
    cast(case when r.participants > 0 then round(f.cost_sek / r.participants, 2) end
        as decimal(18, 2)) as cost_per_participant_sek,
    cast(coalesce(i.indicators_with_target, 0) as integer) as indicators_with_target,
    cast(coalesce(i.indicators_met, 0) as integer) as indicators_met,
    cast(coalesce(i.indicators_not_met, 0) as integer) as indicators_not_met,
    cast(coalesce(i.indicators_without_outcome, 0) as integer) as indicators_without_outcome
from {{ ref('int_funding__yearly') }} as f
left join staff as s using (initiative_id, year)
left join reached as r using (initiative_id, year)
left join indicators as i using (initiative_id, year)
