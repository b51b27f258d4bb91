-- Every indicator's published value per area and year, from SCB, Kolada or the municipality's
-- own measurements as the registry says. A cell the source publishes without a value stays:
-- its outcome is null (never zero) and outcome_status keeps the source's mark (.., ., -, x).
with indicators as (
    select
        i.indicator_id, i.source_kind, i.scb_table, i.scb_contents_code, i.kolada_kpi,
        coalesce(i.region, (select max(code)
                            from {{ source('registry', 'registry_municipality') }})) as region
    from {{ ref('stg_registry__indicators') }} as i
),

areas as (
    select ia.indicator_id, a.area_id, a.area_code, a.is_whole_municipality
    from {{ ref('stg_registry__indicator_areas') }} as ia
    inner join {{ ref('stg_registry__areas') }} as a using (area_id)
),

scb as (
    -- the whole municipality is the indicator's region; a district is SCB's code for it
    -- (RegSO / DeSO), the area's code in the registry
    select i.indicator_id, a.area_id, o.year, o.value, o.status, o.source_file
    from indicators as i
    inner join areas as a using (indicator_id)
    inner join {{ ref('stg_survey__scb_observations') }} as o
        on i.source_kind = 'scb' and o.table_id = i.scb_table
        and o.contents_code = i.scb_contents_code
        and o.region = case when a.is_whole_municipality then i.region else a.area_code end
),

kolada as (
    -- the total for both genders (T) is the indicator's outcome; Kolada has municipalities only
    select i.indicator_id, a.area_id, k.year, k.value, k.status, k.source_file
    from indicators as i
    inner join areas as a on a.indicator_id = i.indicator_id and a.is_whole_municipality
    inner join {{ ref('stg_survey__kolada_values') }} as k
        on i.source_kind = 'kolada' and k.kpi = i.kolada_kpi
        and k.municipality = i.region and k.gender = 'T'
),

own as (
    -- the file names an area by its id or its code; an empty area is the whole municipality
    select o.indicator_id, a.area_id, o.year, o.value, o.status, o.source_file
    from {{ ref('stg_survey__own_measurements') }} as o
    inner join indicators as i on i.indicator_id = o.indicator_id and i.source_kind = 'survey'
    inner join areas as a
        on a.indicator_id = o.indicator_id
        and (o.area = a.area_id or o.area = a.area_code
             or (o.area is null and a.is_whole_municipality))
),

observations as (
    select * from scb
    union all
    select * from kolada
    union all
    select * from own
)

select
    indicator_id,
    area_id,
    year,
    max(value) as outcome,
    max(status) filter (where value is null) as outcome_status,
    string_agg(distinct source_file, ', ' order by source_file) as source_files
from observations
group by indicator_id, area_id, year
