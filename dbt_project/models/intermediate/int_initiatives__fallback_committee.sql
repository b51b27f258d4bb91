-- The committee a line of an initiative belongs to when the ledger has no responsibility
-- dimension to tell: the one committee that runs the initiative, or its owner when several
-- run it (their shares cannot be told apart without a responsibility code).
with run_by as (
    select initiative_id, min(committee_id) as committee_id, count(*) as committees
    from {{ ref('stg_registry__initiative_run_by') }}
    group by initiative_id
)

select
    i.initiative_id,
    case when r.committees = 1 then r.committee_id else i.owner_committee end as committee_id,
    coalesce(r.committees, 0) > 1 as is_shared
from {{ ref('stg_registry__initiatives') }} as i
left join run_by as r using (initiative_id)
