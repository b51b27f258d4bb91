-- Payroll against what it posted to the ledger, per month, account and object code.
with payroll as (
    select period, account, object_code, sum(amount_sek) as amount_sek
    from {{ ref('stg_payroll__monthly') }}
    where object_code in (
        select object_code from {{ ref('stg_registry__initiative_object_codes') }}
    )
    group by all
),

ledger as (
    select strftime(booked_on, '%Y-%m') as period, account, object_code,
        sum(amount_sek) as amount_sek
    from {{ ref('int_ledger__programme_lines') }}
    where is_payroll and line_kind = 'cost'
    group by all
)

select
    'payroll_vs_ledger' as kind,
    coalesce(p.period, l.period) as period,
    cast(null as varchar) as committee,
    o.initiative_id,
    coalesce(p.object_code, l.object_code) as object_code,
    coalesce(p.account, l.account) as account,
    cast(null as varchar) as grant_id,
    coalesce(p.amount_sek, 0) as expected_sek,
    coalesce(l.amount_sek, 0) as actual_sek
from payroll as p
full outer join ledger as l using (period, account, object_code)
left join {{ ref('stg_registry__initiative_object_codes') }} as o
    on o.object_code = coalesce(p.object_code, l.object_code)
-- no payroll delivered at all: nothing to compare (int_findings__current says so once,
-- instead of a difference for every payroll line of the ledger)
where exists (select 1 from {{ ref('stg_payroll__monthly') }})
