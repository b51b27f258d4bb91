-- Indicators with their source, direction, unit, peer set, trend tolerance, partial share,
-- goal and areas. Defaults (tolerance 0, partial share 0.5, the default peer set for Kolada
-- indicators) are filled in, so the row says what the assessment used.
with labels as (
    select kind, code, label from {{ ref('indicator_labels') }}
),

default_peer_set as (
    select max(peer_set_id) as peer_set_id
    from {{ ref('stg_registry__peer_sets') }} where is_default
)

select
    i.indicator_id,
    i.indicator_name,
    i.source_kind,
    ls.label as source_name,
    coalesce(i.scb_table, i.kolada_kpi) as source_table,
    i.unit,
    i.higher_is_better,
    case when coalesce(i.higher_is_better, true) then 'higher_is_better'
        else 'lower_is_better' end as direction,
    ld.label as direction_label,
    i.baseline_year,
    i.baseline_value,
    (select min(year) from {{ ref('stg_registry__indicator_targets') }} as t
     where t.indicator_id = i.indicator_id) as first_target_year,
    (select max(year) from {{ ref('stg_registry__indicator_targets') }} as t
     where t.indicator_id = i.indicator_id) as last_target_year,
    (select string_agg(initiative_id, ', ' order by initiative_id)
     from {{ ref('stg_registry__indicator_initiatives') }} as l
     where l.indicator_id = i.indicator_id) as initiatives,
    coalesce(s.tolerance, 0.0) as tolerance,
    coalesce(s.partial_share, 0.5) as partial_share,
    case when i.source_kind = 'kolada' then coalesce(s.peer_set_id, d.peer_set_id)
        end as peer_set_id,
    ps.peer_set_name,
    ps.kolada_group as peer_kolada_group,
    (select min(g.goal_id) from {{ ref('stg_registry__goal_links') }} as g
     where g.member_kind = 'indicator' and g.member_id = i.indicator_id) as goal_id,
    (select string_agg(a.area_id, ', ' order by a.area_id)
     from {{ ref('stg_registry__indicator_areas') }} as a
     where a.indicator_id = i.indicator_id) as areas,
    cast((select count(*) from {{ ref('stg_registry__indicator_areas') }} as a
          where a.indicator_id = i.indicator_id) as integer) as area_count
from {{ ref('stg_registry__indicators') }} as i
left join {{ ref('stg_registry__indicator_settings') }} as s using (indicator_id)
cross join default_peer_set as d
left join {{ ref('stg_registry__peer_sets') }} as ps
    on ps.peer_set_id = case when i.source_kind = 'kolada'
                             then coalesce(s.peer_set_id, d.peer_set_id) end
left join labels as ls on ls.kind = 'source' and ls.code = i.source_kind
left join labels as ld on ld.kind = 'direction'
    and ld.code = case when coalesce(i.higher_is_better, true) then 'higher_is_better'
                       else 'lower_is_better' end
