select
    project_code as mandate_project_code,
    name as mandate_project_name,
    holder_committee,
    first_year,
    last_year,
    cast(allocation_per_year as decimal(18, 2)) as allocation_per_year_sek,
    carry_over
from {{ source('registry', 'registry_mandate_projects') }}
