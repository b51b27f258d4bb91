-- What a report-back says was used against what the ledger shows the grant paid: the
-- initiative's grant funding that year, apportioned among its grants by their shares.
with shares as (
    select
        s.*,
        sum(s.share_sek) over (partition by s.initiative_id, s.year) as initiative_shares_sek
    from {{ ref('int_grants__initiative_shares') }} as s
),

spent as (
    select
        s.grant_id,
        min(s.initiative_id) as initiative_id,
        sum(case when s.initiative_shares_sek = 0 then 0
            else {{ apportion('f.grant_sek', 's.share_sek', 's.initiative_shares_sek') }} end)
            as amount_sek
    from shares as s
    left join {{ ref('int_funding__yearly') }} as f using (initiative_id, year)
    group by s.grant_id
),

reported as (
    select grant_id, sum(amount_used_sek) as amount_sek
    from {{ ref('stg_grants__reports') }}
    group by all
)

select
    'grant_reported_vs_spent' as kind,
    cast(d.grant_year as varchar) as period,
    cast(null as varchar) as committee,
    s.initiative_id,
    cast(null as varchar) as object_code,
    cast(null as varchar) as account,
    r.grant_id,
    cast(round(coalesce(s.amount_sek, 0), 2) as decimal(18, 2)) as expected_sek,
    r.amount_sek as actual_sek
from reported as r
inner join {{ ref('stg_grants__decisions') }} as d using (grant_id)
left join spent as s using (grant_id)
