-- The indicators' findings, unioned into int_findings__current: an outcome missing for a
-- year that has ended although a target is set, a year after the baseline without a target,
-- a missing baseline, a peer comparison resting on fewer than 5 peers, and an area of the
-- registry that no data uses. A district's subject is indicator/area.
with assessed as (
    select
        a.*,
        case when ar.is_whole_municipality then a.indicator_id
            else a.indicator_id || '/' || a.area_id end as subject
    from {{ ref('int_indicators__assessed') }} as a
    inner join {{ ref('stg_registry__areas') }} as ar using (area_id)
),

reasons as (
    select code, label from {{ ref('indicator_labels') }} where kind = 'reason'
)

select 'indicators_complete' as check_name, 'warning' as severity, a.subject,
    cast(a.year as varchar) as period,
    'Utfall saknas för året (mål ' || {{ swedish_number('a.target') }} || '): '
        || replace(r.label, '{senaste_ar}', coalesce(cast(a.last_outcome_year as varchar), '?'))
        as detail,
    cast(null as decimal(18, 2)) as amount_sek
from assessed as a
left join reasons as r on r.code = a.no_assessment_reason
where a.assessment = 'bedomning_saknas' and a.year_has_ended and a.year > a.baseline_year

union all
select 'indicators_complete', 'warning', subject, cast(year as varchar),
    'Målvärde saknas för året', cast(null as decimal(18, 2))
from assessed
where assessment = 'ingen_malniva' and year > baseline_year

union all
select 'indicators_complete', 'warning', subject, null, 'Basvärde saknas',
    cast(null as decimal(18, 2))
from assessed
where year = baseline_year and baseline is null

union all
select 'indicators_complete', 'warning', indicator_id, null, 'Basvärde saknas',
    cast(null as decimal(18, 2))
from {{ ref('stg_registry__indicators') }}
where baseline_year is null

union all
select 'indicator_peers', 'warning', indicator_id, cast(year as varchar),
    'Jämförelsen bygger på ' || peer_count || ' jämförbara kommuner med värde ('
        || peer_set_id || '); minst 5 behövs',
    cast(null as decimal(18, 2))
from {{ ref('int_indicators__peer_comparison') }}
where peer_count < 5

union all
select 'registry_areas', 'warning', ar.area_id, null,
    'Området ' || ar.area_name || ' finns i styrmodellen men inga data använder det',
    cast(null as decimal(18, 2))
from {{ ref('stg_registry__areas') }} as ar
where not ar.is_whole_municipality
    and ar.area_id not in (select area_id from {{ ref('int_indicators__outcomes') }})
