-- The assessment and trend of every indicator, area and year (codes; Swedish labels are in
-- the seed indicator_labels). Rules, all direction-aware (higher_is_better):
--   uppfyllt          the target is reached: at or above it, or at or below it when lower is
--                     better;
--   delvis_uppfyllt   not reached, but at least partial_share of the way from the baseline to
--                     the target (only when the target is better than the baseline);
--   ej_uppfyllt       otherwise;
--   bedomning_saknas  a target but no outcome; no_assessment_reason says why;
--   ingen_malniva     no target for the year.
-- Trend against the previous outcome (the latest earlier year with one) and against the
-- baseline: oforandrad when the change is at most the tolerance (in the indicator's unit),
-- else forbattrad or forsamrad by the direction. Differences are rounded to 9 decimals so
-- that a change of exactly the tolerance is not lost to floating point.
with yearly as (
    select * from {{ ref('int_indicators__yearly') }}
),

with_previous as (
    select
        *,
        last_value(outcome ignore nulls) over w as previous_outcome,
        last_value(case when outcome is not null then year end ignore nulls) over w
            as previous_outcome_year,
        case
            when baseline is not null and outcome is not null and target is not null
                and ((higher_is_better and target > baseline)
                     or (not higher_is_better and target < baseline))
            then (outcome - baseline) / (target - baseline)
        end as progress_share
    from yearly
    window w as (partition by indicator_id, area_id order by year
                 rows between unbounded preceding and 1 preceding)
)

select
    indicator_id,
    area_id,
    year,
    higher_is_better,
    tolerance,
    partial_share,
    baseline_year,
    baseline,
    target,
    outcome,
    outcome_status,
    last_outcome_year,
    year_has_ended,
    round(progress_share, 4) as progress_share,
    case
        when target is null then 'ingen_malniva'
        when outcome is null then 'bedomning_saknas'
        when (higher_is_better and round(outcome - target, 9) >= 0)
            or (not higher_is_better and round(outcome - target, 9) <= 0) then 'uppfyllt'
        when round(progress_share, 9) >= partial_share then 'delvis_uppfyllt'
        else 'ej_uppfyllt'
    end as assessment,
    case
        when target is null or outcome is not null then null
        when outcome_status in ('x', 'X') then 'suppressed'
        when not year_has_ended then 'year_not_ended'
        when last_outcome_year < year then 'source_stopped'
        when outcome_status is not null then 'missing_value'
        else 'no_data'
    end as no_assessment_reason,
    previous_outcome_year,
    previous_outcome,
    case
        when outcome is null or previous_outcome is null then null
        when round(abs(outcome - previous_outcome), 9) <= tolerance then 'oforandrad'
        when (outcome > previous_outcome) = higher_is_better then 'forbattrad'
        else 'forsamrad'
    end as trend_vs_previous,
    case
        when outcome is null or baseline is null or year <= baseline_year then null
        when round(abs(outcome - baseline), 9) <= tolerance then 'oforandrad'
        when (outcome > baseline) = higher_is_better then 'forbattrad'
        else 'forsamrad'
    end as trend_vs_baseline
from with_previous
