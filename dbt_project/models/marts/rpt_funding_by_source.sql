-- Who paid each initiative's cost per year (see int_funding__yearly for the rules).
select
    initiative_id,
    year,
    funding_source_id as funding_source,
    amount_sek,
    cost_sek
from {{ ref('int_funding__yearly') }}
unpivot (amount_sek for funding_source_id in (
    grant_sek as 'state_grant', mandate_sek as 'mandate', frame_sek as 'frame'
))
