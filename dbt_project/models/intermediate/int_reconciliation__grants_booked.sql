-- Grant income booked in the ledger against the decisions, per income object code and year.
with decided as (
    select income_object_code as object_code, grant_year as year,
        string_agg(grant_id, ', ' order by grant_id) as grant_id, sum(amount_sek) as amount_sek
    from {{ ref('stg_grants__decisions') }}
    group by all
),

booked as (
    select object_code, year, min(initiative_id) as initiative_id,
        -sum(amount_sek) as amount_sek
    from {{ ref('int_ledger__programme_lines') }}
    where line_kind = 'grant_income'
    group by all
)

select
    'grant_booked_vs_decided' as kind,
    cast(coalesce(d.year, b.year) as varchar) as period,
    cast(null as varchar) as committee,
    b.initiative_id,
    coalesce(d.object_code, b.object_code) as object_code,
    cast(null as varchar) as account,
    d.grant_id,
    coalesce(d.amount_sek, 0) as expected_sek,
    coalesce(b.amount_sek, 0) as actual_sek
from decided as d
full outer join booked as b using (object_code, year)
