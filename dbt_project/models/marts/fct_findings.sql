-- Every finding with its history: when it was first and last seen, and whether it is still
-- open. The table reads its own previous version, so history survives every rebuild.
{% set previous = adapter.get_relation(database=this.database, schema=this.schema,
                                       identifier=this.identifier) %}

with current_findings as (
    select
        md5(check_name || '|' || coalesce(subject, '') || '|' || coalesce(period, ''))
            as finding_id,
        *
    from {{ ref('int_findings__current') }}
),

previous_findings as (
    {% if previous %}
    select finding_id, check_name, severity, subject, period, detail, amount_sek,
        first_seen_on, last_seen_on,
        -- a table built before findings had a place has no such columns
        {{ column_or_null(previous, 'source_file') }} as source_file,
        {{ column_or_null(previous, 'source_place') }} as source_place
    from {{ previous }}
    {% else %}
    select
        cast(null as varchar) as finding_id, cast(null as varchar) as check_name,
        cast(null as varchar) as severity, cast(null as varchar) as subject,
        cast(null as varchar) as period, cast(null as varchar) as detail,
        cast(null as decimal(18, 2)) as amount_sek, cast(null as date) as first_seen_on,
        cast(null as date) as last_seen_on, cast(null as varchar) as source_file,
        cast(null as varchar) as source_place
    where false
    {% endif %}
)

select
    coalesce(c.finding_id, p.finding_id) as finding_id,
    coalesce(c.check_name, p.check_name) as check_name,
    coalesce(c.severity, p.severity) as severity,
    coalesce(c.subject, p.subject) as subject,
    coalesce(c.period, p.period) as period,
    coalesce(c.detail, p.detail) as detail,
    cast(coalesce(c.amount_sek, p.amount_sek) as decimal(18, 2)) as amount_sek,
    coalesce(p.first_seen_on, current_date) as first_seen_on,
    case when c.finding_id is not null then current_date else p.last_seen_on end
        as last_seen_on,
    c.finding_id is not null as is_open,
    coalesce(c.source_file, p.source_file) as source_file,
    coalesce(c.source_place, p.source_place) as source_place
from current_findings as c
full outer join previous_findings as p using (finding_id)
