-- KLK's monthly compensation (internal account) against the committee's cost on the
-- initiative's codes, for initiatives paid from a mandate project held by another committee.
with eligible as (
    select i.initiative_id, p.holder_committee
    from {{ ref('stg_registry__initiatives') }} as i
    inner join {{ ref('stg_registry__mandate_projects') }} as p using (mandate_project_code)
),

lines as (
    select l.*
    from {{ ref('int_ledger__programme_lines') }} as l
    inner join eligible as e using (initiative_id)
    where l.committee_id is distinct from e.holder_committee
),

cost as (
    select year, month, committee_id, initiative_id, object_code, sum(amount_sek) as amount_sek
    from lines where line_kind = 'cost' group by all
),

compensation as (
    select year, month, committee_id, initiative_id, object_code, -sum(amount_sek) as amount_sek
    from lines where line_kind = 'internal_compensation' group by all
)

select
    'internal_compensation' as kind,
    printf('%04d-%02d', coalesce(c.year, k.year), coalesce(c.month, k.month)) as period,
    coalesce(c.committee_id, k.committee_id) as committee,
    coalesce(c.initiative_id, k.initiative_id) as initiative_id,
    coalesce(c.object_code, k.object_code) as object_code,
    cast(null as varchar) as account,
    cast(null as varchar) as grant_id,
    coalesce(c.amount_sek, 0) as expected_sek,
    coalesce(k.amount_sek, 0) as actual_sek
from cost as c
full outer join compensation as k using (year, month, committee_id, initiative_id, object_code)
