-- Every grant decision followed up: reported back in time, used within the decision,
-- booked as decided, spent as reported.
with reports as (
    select grant_id, min(submitted_on) as submitted_on, sum(amount_used_sek) as used_sek,
        sum(amount_returned_sek) as returned_sek, sum(participants) as participants
    from {{ ref('stg_grants__reports') }}
    group by all
),

booked as (
    select grant_id, expected_sek as decided_sek, actual_sek as booked_sek
    from {{ ref('int_reconciliation__grants_booked') }}
    where grant_id is not null and not contains(grant_id, ',')
),

spent as (
    select grant_id, expected_sek as spent_sek
    from {{ ref('int_reconciliation__grants_reported') }}
)

select
    d.grant_id,
    d.grantor,
    d.grant_programme,
    d.grant_year,
    d.amount_sek,
    d.decided_on,
    d.use_by,
    d.report_due,
    r.submitted_on,
    cast(r.used_sek as decimal(18, 2)) as amount_used_sek,
    cast(r.returned_sek as decimal(18, 2)) as amount_returned_sek,
    cast(r.participants as bigint) as participants,
    cast(b.booked_sek as decimal(18, 2)) as amount_booked_sek,
    cast(s.spent_sek as decimal(18, 2)) as amount_spent_sek,
    case
        when r.submitted_on is not null and r.submitted_on <= d.report_due then 'reported'
        when r.submitted_on is not null then 'reported_late'
        when d.report_due < {{ as_of_date() }} then 'missing'
        else 'not_yet_due'
    end as report_status,
    coalesce(r.used_sek > d.amount_sek, false) as use_exceeds_decision
from {{ ref('stg_grants__decisions') }} as d
left join reports as r using (grant_id)
left join booked as b using (grant_id)
left join spent as s using (grant_id)
