-- Every indicator's published outcome per year, from SCB or Kolada as the registry says.
-- A cell SCB publishes as null (status "..") stays null: missing, never zero.
with indicators as (
    select
        i.*,
        coalesce(i.region, (select max(code)
                            from {{ source('registry', 'registry_municipality') }})) as area_code
    from {{ ref('stg_registry__indicators') }} as i
),

scb as (
    select i.indicator_id, o.year, max(o.value) as outcome, max(o.status) as outcome_status
    from indicators as i
    inner join {{ ref('stg_survey__scb_observations') }} as o
        on i.source_kind = 'scb' and o.table_id = i.scb_table
        and o.contents_code = i.scb_contents_code and o.region = i.area_code
    group by all
),

kolada as (
    -- the total for both genders (T) is the indicator's outcome
    select i.indicator_id, k.year, max(k.value) as outcome, max(k.status) as outcome_status
    from indicators as i
    inner join {{ ref('stg_survey__kolada_values') }} as k
        on i.source_kind = 'kolada' and k.kpi = i.kolada_kpi
        and k.municipality = i.area_code and k.gender = 'T'
    group by all
)

select * from scb
union all
select * from kolada
