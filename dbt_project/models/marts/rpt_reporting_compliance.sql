-- Every report the reporting calendar requires, judged against the as-of date.
with delivered as (
    select body, initiative_id, report_kind, period,
        min(delivered_on) as delivered_on, min(reference) as reference
    from {{ ref('stg_reports__delivered') }}
    group by all
)

select
    c.body,
    c.initiative_id,
    c.report_kind,
    c.period,
    c.period_end,
    c.due_on,
    d.delivered_on,
    d.reference,
    case
        when d.delivered_on is not null and d.delivered_on <= c.due_on then 'delivered'
        when d.delivered_on is not null then 'late'
        when c.due_on < {{ as_of_date() }} then 'missing'
        else 'not_yet_due'
    end as status,
    cast(case
        when d.delivered_on > c.due_on then date_diff('day', c.due_on, d.delivered_on)
        when d.delivered_on is null and c.due_on < {{ as_of_date() }}
            then date_diff('day', c.due_on, {{ as_of_date() }})
        else 0
    end as integer) as days_late
from {{ ref('stg_registry__report_calendar') }} as c
left join delivered as d using (body, initiative_id, report_kind, period)
