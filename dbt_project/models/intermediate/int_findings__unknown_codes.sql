-- Codes the registry does not know, wherever they are delivered, each naming the file, the
-- row (or line) and the unknown code:
-- - an object code booked in the ledger that is in neither the file's declarations (#OBJEKT
--   of the object dimension) nor the registry: reported wherever it is booked, not only on
--   mandate-project lines (those are ledger_object_codes, by period and committee);
-- - a payroll row on an object code the registry does not know, where it belongs to the
--   programme (a mandate project) or no ledger file declares the code either;
-- - a grant report-back for a grant with no decision;
-- - a delivered report from a body, or for an initiative, the registry does not know.
with registry_codes as (
    select object_code from {{ ref('stg_registry__initiative_object_codes') }}
    union
    select income_object_code from {{ ref('stg_grants__decisions') }}
    where income_object_code is not null
),

object_dimension as (
    select try_cast(value as integer) as dimension_no
    from {{ source('registry', 'registry_ledger_settings') }}
    where key = 'dimensions.object'
),

declared as (
    select distinct source_file, object_code
    from {{ source('ledger', 'ledger_objects') }}
    where dimension_no in (select dimension_no from object_dimension)
        and object_code is not null
),

booked as (
    select source_file, object_code, min(source_line) as first_line, count(*) as lines,
        sum(amount_sek) as amount_sek
    from {{ ref('stg_ledger__transactions') }}
    where object_code is not null
        and object_code not in (select object_code from registry_codes)
    group by all
),

mandate_projects as (
    select mandate_project_code from {{ ref('stg_registry__mandate_projects') }}
),

receivers as (
    select body_id from {{ source('registry', 'registry_bodies') }}
),

initiatives as (
    select initiative_id from {{ ref('stg_registry__initiatives') }}
    union all
    select 'programme'
)

select
    'ledger_object_code_unknown' as check_name,
    'warning' as severity,
    b.source_file || ' ' || b.object_code as subject,
    cast(null as varchar) as period,
    'Objektkoden ' || b.object_code || ' bokas på ' || b.lines || ' rader (första på rad '
        || b.first_line || ') men finns varken i filens #OBJEKT eller i styrmodellen'
        as detail,
    cast(b.amount_sek as decimal(18, 2)) as amount_sek,
    b.source_file,
    'rad ' || b.first_line as source_place
from booked as b
where not exists (
    select 1 from declared as d
    where d.source_file = b.source_file and d.object_code = b.object_code
)

union all
select
    'payroll_object_code_unknown', 'warning',
    p.source_file || ' ' || p.period || ' ' || p.account || ' ' || p.object_code,
    p.period,
    'Lönerader (' || p.source_rows || ' st, konto ' || p.account || ') är konterade på '
        || 'objektkoden ' || p.object_code || ', som styrmodellen inte känner till',
    cast(p.amount_sek as decimal(18, 2)),
    p.source_file,
    'period ' || p.period || ', konto ' || p.account || ', objekt ' || p.object_code
from (
    select source_file, period, account, object_code, project_code, sum(source_rows) as source_rows,
        sum(amount_sek) as amount_sek
    from {{ ref('stg_payroll__monthly') }}
    where object_code is not null
        and object_code not in (select object_code from registry_codes)
    group by all
) as p
where p.project_code in (select mandate_project_code from mandate_projects)
    or p.object_code not in (select object_code from declared)

union all
select
    'grant_report_without_decision', 'warning',
    r.source_file || ' rad ' || r.source_line || ' ' || r.grant_id,
    cast(null as varchar),
    'Återrapporteringen gäller bidraget ' || r.grant_id
        || ', som inget beslut i bidragsbesluten har',
    r.amount_used_sek,
    r.source_file,
    'rad ' || r.source_line
from {{ ref('stg_grants__reports') }} as r
where r.grant_id not in (select grant_id from {{ ref('stg_grants__decisions') }})

union all
select
    'report_unknown_body', 'warning',
    d.source_file || ' rad ' || d.source_line || ' ' || d.body,
    d.period,
    'Rapporten (' || d.report_kind || ', ' || d.initiative_id || ') är levererad till '
        || d.body || ', som inte är en nämnd eller ett organ i styrmodellen',
    cast(null as decimal(18, 2)),
    d.source_file,
    'rad ' || d.source_line
from {{ ref('stg_reports__delivered') }} as d
where d.body not in (select body_id from receivers)

union all
select
    'report_unknown_initiative', 'warning',
    d.source_file || ' rad ' || d.source_line || ' ' || d.initiative_id,
    d.period,
    'Rapporten till ' || d.body || ' gäller satsningen ' || d.initiative_id
        || ', som inte finns i styrmodellen',
    cast(null as decimal(18, 2)),
    d.source_file,
    'rad ' || d.source_line
from {{ ref('stg_reports__delivered') }} as d
where d.initiative_id not in (select initiative_id from initiatives)
