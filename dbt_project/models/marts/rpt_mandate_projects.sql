-- Each mandate project's money per year: allocation, what earlier years left, use, carry-over.
select
    mandate_project_code,
    p.mandate_project_name,
    year,
    allocation_sek,
    mandate_available_sek,
    mandate_used_sek,
    carried_forward_sek
from {{ ref('int_mandate__project_years') }}
inner join {{ ref('stg_registry__mandate_projects') }} as p using (mandate_project_code)
