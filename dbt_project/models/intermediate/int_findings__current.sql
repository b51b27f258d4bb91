-- Every exception the checks look for, as of this run: one row per finding, with a check
-- name, a severity (critical blocks publication, warning does not), a subject that names what
-- is wrong, the period and the money involved, and where it is: the file and the line (or
-- key path) when there is one. Details are in Swedish for the reader.
with reconciliation as (
    select * from {{ ref('rpt_reconciliation') }}
),

-- findings of the marts, with no single file and line to point to
mart_findings as (
select 'ledger_object_codes' as check_name, 'warning' as severity, object_code as subject,
    period, 'Objektkod finns inte i styrmodellen (' || coalesce(committee, '?') || ')' as detail,
    actual_sek as amount_sek
from reconciliation where kind = 'unknown_object_code'


union all
select 'ledger_duplicate_vouchers', 'critical',
    v.voucher_series || ' ' || v.voucher_number, cast(v.fiscal_year as varchar),
    'Verifikationen finns i flera filer: ' || string_agg(distinct v.source_file, ', '),
    cast(null as decimal(18, 2))
from {{ ref('stg_ledger__vouchers') }} as v
-- a number repeated inside one file is the reader's warning (BL numbers a whole series 1);
-- here a key in two files is a voucher delivered twice: find the few keys, name their files
inner join (
    select fiscal_year, voucher_series, voucher_number
    from {{ ref('stg_ledger__vouchers') }}
    where coalesce(voucher_number, '') <> ''
    group by all
    having count(distinct source_file) > 1
) as d using (fiscal_year, voucher_series, voucher_number)
group by v.fiscal_year, v.voucher_series, v.voucher_number

union all
select 'payroll_vs_ledger', 'warning', object_code || '/' || account, period,
    'Lön och huvudbok skiljer (lön ' || {{ swedish_kr('expected_sek') }} || ', huvudbok '
        || {{ swedish_kr('actual_sek') }} || ')',
    difference_sek
from reconciliation where kind = 'payroll_vs_ledger'

-- a source the contract leaves open and nothing has been loaded from: its reports are empty,
-- said once here rather than left for the reader to guess
union all
select 'source_without_files', 'warning', s.source, cast(null as varchar),
    'Inga inlästa filer i raw/' || s.source || '/: ' || s.consequence,
    cast(null as decimal(18, 2))
from (values
    ('payroll', 'lönen jämförs inte med huvudboken och lönerapporterna är tomma.'),
    ('grants', 'statsbidragsuppföljningen är tom.'),
    ('reports', 'inga rapporter räknas som levererade.'),
    ('survey', 'indikatorerna saknar utfall från SCB och Kolada.')
) as s (source, consequence)
where not exists (
    select 1 from {{ source('ledger', 'files') }} as f
    where f.source = s.source and f.status = 'loaded'
)

union all
select 'internal_compensation', 'warning', committee || '/' || initiative_id || '/' || object_code,
    period,
    'Internersättningen från KLK motsvarar inte kostnaden (kostnad '
        || {{ swedish_kr('expected_sek') }} || ', ersättning ' || {{ swedish_kr('actual_sek') }} || ')',
    difference_sek
from reconciliation where kind = 'internal_compensation'

union all
select 'grant_income_booked', 'warning', coalesce(grant_id, object_code), period,
    'Bokförd bidragsintäkt ' || {{ swedish_kr('actual_sek') }} || ' mot beslut '
        || {{ swedish_kr('expected_sek') }}, difference_sek
from reconciliation where kind = 'grant_booked_vs_decided'

union all
select 'grant_reported_vs_spent', 'warning', grant_id, period,
    'Återrapporterat ' || {{ swedish_kr('actual_sek') }} || ' mot förbrukat enligt huvudboken '
        || {{ swedish_kr('expected_sek') }},
    difference_sek
from reconciliation where kind = 'grant_reported_vs_spent'

union all
select 'grant_report_back', 'warning', grant_id, cast(grant_year as varchar),
    'Återrapportering till ' || grantor || ' saknas, skulle in ' || report_due, amount_sek
from {{ ref('rpt_grant_followup') }} where report_status = 'missing'

union all
select 'grant_use_within_decision', 'warning', grant_id, cast(grant_year as varchar),
    'Återrapporterad användning ' || {{ swedish_kr('amount_used_sek') }} || ' överstiger beslutet '
        || {{ swedish_kr('amount_sek') }},
    amount_used_sek - amount_sek
from {{ ref('rpt_grant_followup') }} where use_exceeds_decision

union all
select 'reporting_delivered', 'warning', body || '/' || initiative_id || '/' || report_kind,
    period,
    case when status = 'missing' then 'Rapporten saknas, skulle in ' || due_on
        else 'Rapporten kom ' || days_late || ' dagar för sent' end,
    cast(null as decimal(18, 2))
from {{ ref('rpt_reporting_compliance') }} where status in ('missing', 'late')

union all
-- the indicators' findings (outcomes, targets, baselines, peers, areas) have a model of their own
select * from {{ ref('int_findings__indicators') }}

union all
select 'registry_complete', 'warning', initiative_id, null,
    case
        when owner_committee is null then 'Satsningen saknar ansvarig nämnd'
        when object_codes is null then 'Satsningen saknar objektkoder'
        else 'Satsningen saknar indikator med målvärde'
    end,
    cast(null as decimal(18, 2))
from {{ ref('dim_initiatives') }}
where owner_committee is null or object_codes is null or indicators_with_target = 0

union all
select 'totals_tie', 'critical', total_name, null,
    'Summan stämmer inte (förväntat ' || {{ swedish_kr('expected_sek') }} || ', faktiskt '
        || {{ swedish_kr('actual_sek') }} || ')',
    actual_sek - expected_sek
from {{ ref('int_checks__totals') }} where actual_sek <> expected_sek
)

select *, cast(null as varchar) as source_file, cast(null as varchar) as source_place
from mart_findings

union all
select 'ledger_voucher_balance', 'critical',
    source_file || ' ' || voucher_series || ' ' || voucher_number,
    strftime(voucher_date, '%Y-%m'),
    'Verifikationen ' || voucher_series || ' ' || voucher_number || ' balanserar inte (rad '
        || source_line || ')',
    amount_sum_sek, source_file, 'rad ' || source_line
from {{ ref('stg_ledger__vouchers') }} where not is_balanced

union all
select 'ledger_dates', 'warning',
    source_file || ' ' || voucher_series || ' ' || voucher_number,
    strftime(voucher_date, '%Y-%m'),
    'Verifikationen ' || voucher_series || ' ' || voucher_number || ' (rad ' || source_line
        || ') har ett datum utanför räkenskapsåret', amount_sum_sek, source_file,
    'rad ' || source_line
from {{ ref('stg_ledger__vouchers') }} where fiscal_year is null

-- what the readers flagged, and codes the registry does not know, each with file and row
union all
select * from {{ ref('int_findings__reader_warnings') }}

union all
select * from {{ ref('int_findings__unknown_codes') }}

-- rules that need a dimension the registry does not declare
union all
select * from {{ ref('int_findings__not_judged') }}

-- the contract's warnings (a blocker stops the night before this model is built)
union all
select 'contract', 'warning', source_file || coalesce(', ' || place, '') || ' '
        || left(md5(message), 8),
    cast(null as varchar), message, cast(null as decimal(18, 2)), source_file, place
from {{ ref('stg_contract__problems') }}
where severity = 'warning'
