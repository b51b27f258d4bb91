-- Each goal of the goal tree per year, its status rolled up from the indicators that carry it:
-- a process goal's own indicators; a strategic goal's and the vision's, every indicator of the
-- goals below them. Every indicator row (indicator and area) for the year counts. Rule:
--   inga_indikatorer  no indicator carries the goal;
--   bedomning_saknas  some indicator with a target has no outcome: the goal is not graded,
--                     and indicators_without_outcome names them;
--   ingen_malniva     no indicator has a target for the year;
--   uppfyllt          every indicator with a target is uppfyllt;
--   ej_uppfyllt       every one is ej uppfyllt;
--   delvis_uppfyllt   otherwise (some reached, some partly or not).
with recursive below(goal_id, member_goal_id) as (
    select goal_id, goal_id from {{ ref('stg_registry__goals') }}
    union all
    select b.goal_id, g.goal_id
    from below as b
    inner join {{ ref('stg_registry__goals') }} as g on g.parent_goal_id = b.member_goal_id
),

carriers as (
    select distinct b.goal_id, l.member_id as indicator_id
    from below as b
    inner join {{ ref('stg_registry__goal_links') }} as l
        on l.goal_id = b.member_goal_id and l.member_kind = 'indicator'
),

assessed as (
    select
        a.*,
        case when ar.is_whole_municipality then a.indicator_id
            else a.indicator_id || ' (' || ar.area_name || ')' end as row_name
    from {{ ref('int_indicators__assessed') }} as a
    inner join {{ ref('stg_registry__areas') }} as ar using (area_id)
),

years as (
    select distinct year from assessed
),

rolled as (
    select
        c.goal_id,
        a.year,
        string_agg(distinct a.indicator_id, ', ' order by a.indicator_id) as indicators,
        string_agg(a.row_name, ', ' order by a.row_name)
            filter (where a.assessment = 'bedomning_saknas') as indicators_without_outcome,
        count(*) as indicator_rows,
        count(*) filter (where a.assessment = 'uppfyllt') as rows_met,
        count(*) filter (where a.assessment = 'delvis_uppfyllt') as rows_partly_met,
        count(*) filter (where a.assessment = 'ej_uppfyllt') as rows_not_met,
        count(*) filter (where a.assessment = 'bedomning_saknas') as rows_without_outcome,
        count(*) filter (where a.assessment = 'ingen_malniva') as rows_without_target
    from carriers as c
    inner join assessed as a using (indicator_id)
    group by c.goal_id, a.year
),

initiatives as (
    select goal_id, string_agg(member_id, ', ' order by member_id) as initiatives
    from {{ ref('stg_registry__goal_links') }}
    where member_kind = 'initiative'
    group by goal_id
),

graded as (
    select
        g.goal_id,
        g.goal_name,
        g.goal_level,
        g.parent_goal_id,
        y.year,
        r.indicators,
        r.indicators_without_outcome,
        i.initiatives,
        cast(coalesce(r.indicator_rows, 0) as integer) as indicator_rows,
        cast(coalesce(r.rows_met, 0) as integer) as rows_met,
        cast(coalesce(r.rows_partly_met, 0) as integer) as rows_partly_met,
        cast(coalesce(r.rows_not_met, 0) as integer) as rows_not_met,
        cast(coalesce(r.rows_without_outcome, 0) as integer) as rows_without_outcome,
        cast(coalesce(r.rows_without_target, 0) as integer) as rows_without_target
    from {{ ref('stg_registry__goals') }} as g
    cross join years as y
    left join rolled as r on r.goal_id = g.goal_id and r.year = y.year
    left join initiatives as i on i.goal_id = g.goal_id
),

with_status as (
    select
        *,
        case
            when indicator_rows = 0 then 'inga_indikatorer'
            when rows_without_outcome > 0 then 'bedomning_saknas'
            when rows_met + rows_partly_met + rows_not_met = 0 then 'ingen_malniva'
            when rows_met = rows_met + rows_partly_met + rows_not_met then 'uppfyllt'
            when rows_not_met = rows_met + rows_partly_met + rows_not_met then 'ej_uppfyllt'
            else 'delvis_uppfyllt'
        end as status
    from graded
)

select
    s.goal_id,
    s.goal_name,
    s.goal_level,
    s.parent_goal_id,
    s.year,
    s.status,
    l.label as status_label,
    nullif(l.colour, '') as status_colour,
    s.indicators,
    s.indicators_without_outcome,
    s.initiatives,
    s.indicator_rows,
    s.rows_met,
    s.rows_partly_met,
    s.rows_not_met,
    s.rows_without_outcome,
    s.rows_without_target
from with_status as s
left join {{ ref('indicator_labels') }} as l on l.kind = 'goal_status' and l.code = s.status
