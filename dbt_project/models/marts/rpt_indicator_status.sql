-- Each indicator against its targets per area and year: the assessment (uppfyllt / delvis
-- uppfyllt / ej uppfyllt / bedömning saknas / ingen målnivå), the trend against the previous
-- outcome and the baseline, the reason where no assessment is possible, and for Kolada
-- indicators the place among comparable municipalities. Rules: int_indicators__assessed and
-- int_indicators__peer_comparison. Labels come from the seed indicator_labels.
with labels as (
    select kind, code, label, colour from {{ ref('indicator_labels') }}
)

select
    a.indicator_id,
    a.area_id,
    ar.area_name,
    ar.is_whole_municipality,
    a.year,
    a.higher_is_better,
    a.baseline_year,
    a.baseline,
    a.target,
    a.outcome,
    a.outcome_status,
    -- the earlier four-state status, kept for readers written before the assessment
    case a.assessment
        when 'uppfyllt' then 'met'
        when 'delvis_uppfyllt' then 'not_met'
        when 'ej_uppfyllt' then 'not_met'
        when 'bedomning_saknas' then 'no_outcome'
        else 'no_target'
    end as status,
    a.assessment,
    la.label as assessment_label,
    la.colour as assessment_colour,
    a.progress_share,
    a.partial_share,
    a.no_assessment_reason,
    replace(lr.label, '{senaste_ar}', coalesce(cast(a.last_outcome_year as varchar), '?'))
        as no_assessment_reason_label,
    a.last_outcome_year,
    a.previous_outcome_year,
    a.previous_outcome,
    a.tolerance,
    a.trend_vs_previous,
    ltp.label as trend_vs_previous_label,
    a.trend_vs_baseline,
    ltb.label as trend_vs_baseline_label,
    p.peer_set_id,
    p.peer_rank,
    p.peers_compared,
    p.peer_count,
    p.peer_median,
    p.peer_band,
    lp.label as peer_band_label,
    lp.colour as peer_band_colour
from {{ ref('int_indicators__assessed') }} as a
inner join {{ ref('stg_registry__areas') }} as ar using (area_id)
left join {{ ref('int_indicators__peer_comparison') }} as p
    on p.indicator_id = a.indicator_id and p.year = a.year and ar.is_whole_municipality
left join labels as la on la.kind = 'assessment' and la.code = a.assessment
left join labels as lr on lr.kind = 'reason' and lr.code = a.no_assessment_reason
left join labels as ltp on ltp.kind = 'trend' and ltp.code = a.trend_vs_previous
left join labels as ltb on ltb.kind = 'trend' and ltb.code = a.trend_vs_baseline
left join labels as lp on lp.kind = 'peer_band' and lp.code = p.peer_band
