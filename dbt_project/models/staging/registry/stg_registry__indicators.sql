select
    indicator_id,
    name as indicator_name,
    source_kind,
    scb_table,
    scb_contents_code,
    region,
    kolada_kpi,
    unit,
    higher_is_better,
    baseline_year,
    baseline_value
from {{ source('registry', 'registry_indicators') }}
