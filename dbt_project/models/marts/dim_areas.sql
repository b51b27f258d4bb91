-- The areas results are followed for: the whole municipality and the registry's districts.
select
    a.area_id,
    a.area_name,
    a.area_kind,
    a.area_code,
    a.is_whole_municipality,
    cast((select count(*) from {{ ref('stg_registry__indicator_areas') }} as ia
          where ia.area_id = a.area_id) as integer) as indicator_count,
    exists (select 1 from {{ ref('int_indicators__outcomes') }} as o
            where o.area_id = a.area_id) as has_data
from {{ ref('stg_registry__areas') }} as a
