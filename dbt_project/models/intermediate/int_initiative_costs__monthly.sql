-- What each initiative cost per committee and month: cost accounts on its object codes.
select
    initiative_id,
    committee_id,
    year,
    month,
    sum(amount_sek) as cost_sek
from {{ ref('int_ledger__programme_lines') }}
where line_kind = 'cost'
group by all
