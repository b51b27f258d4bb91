select
    source_file,
    period,
    cast(period || '-01' as date) as month_start,
    account,
    responsibility_code,
    activity_code,
    project_code,
    object_code,
    job_title,
    cast(amount as decimal(18, 2)) as amount_sek,
    cast(hours as decimal(18, 2)) as hours,
    head_count,
    cast(fte as decimal(10, 2)) as fte,
    source_rows
from {{ source('payroll', 'payroll_monthly') }}
