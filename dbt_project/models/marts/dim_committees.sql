select
    c.committee_id,
    c.committee_name,
    c.body_kind,
    (select string_agg(pattern, ', ' order by pattern)
     from {{ ref('stg_registry__committee_codes') }} as p
     where p.committee_id = c.committee_id) as responsibility_codes
from {{ ref('stg_registry__committees') }} as c
