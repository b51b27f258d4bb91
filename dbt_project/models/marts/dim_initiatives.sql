select
    i.initiative_id,
    i.initiative_name,
    i.owner_committee,
    i.mandate_project_code as mandate_project,
    (select string_agg(object_code, ', ' order by object_code)
     from {{ ref('stg_registry__initiative_object_codes') }} as o
     where o.initiative_id = i.initiative_id) as object_codes,
    (select string_agg(committee_id, ', ' order by committee_id)
     from {{ ref('stg_registry__initiative_run_by') }} as r
     where r.initiative_id = i.initiative_id) as run_by,
    array_to_string(i.funding_order, ', ') as funding_order,
    i.first_year,
    i.last_year,
    -- the audit's "konkreta målnivåer": indicators with at least one target
    cast((select count(distinct l.indicator_id)
          from {{ ref('stg_registry__indicator_initiatives') }} as l
          inner join {{ ref('stg_registry__indicator_targets') }} as t using (indicator_id)
          where l.initiative_id = i.initiative_id) as integer) as indicators_with_target
from {{ ref('stg_registry__initiatives') }} as i
