select
    i.indicator_id,
    i.indicator_name,
    i.source_kind,
    coalesce(i.scb_table, i.kolada_kpi) as source_table,
    i.unit,
    i.higher_is_better,
    i.baseline_year,
    i.baseline_value,
    (select min(year) from {{ ref('stg_registry__indicator_targets') }} as t
     where t.indicator_id = i.indicator_id) as first_target_year,
    (select max(year) from {{ ref('stg_registry__indicator_targets') }} as t
     where t.indicator_id = i.indicator_id) as last_target_year,
    (select string_agg(initiative_id, ', ' order by initiative_id)
     from {{ ref('stg_registry__indicator_initiatives') }} as l
     where l.indicator_id = i.indicator_id) as initiatives
from {{ ref('stg_registry__indicators') }} as i
