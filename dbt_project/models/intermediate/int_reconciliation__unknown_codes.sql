-- Lines on a mandate project whose object code the registry does not know: money the
-- follow-up cannot place on any initiative.
select
    'unknown_object_code' as kind,
    printf('%04d-%02d', year, month) as period,
    committee_id as committee,
    cast(null as varchar) as initiative_id,
    object_code,
    cast(null as varchar) as account,
    cast(null as varchar) as grant_id,
    cast(0 as decimal(18, 2)) as expected_sek,
    sum(amount_sek) as actual_sek
from {{ ref('int_ledger__programme_lines') }}
where line_kind = 'unknown_object_code'
group by all
