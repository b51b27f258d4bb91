-- What the SIE reader flagged without dropping, one finding per warning with its file and
-- line. The reader words each warning in Swedish for the person who follows up (and sets its
-- severity); this model says what kind of finding it is. Unbalanced vouchers are findings of
-- their own (ledger_voucher_balance), so they are left out here. "Not declared in the file"
-- (#KONTO / #OBJEKT missing) is this model's; "unknown to the registry" is
-- int_findings__unknown_codes'.
{% set warnings = source('ledger', 'ledger_warnings') %}
with warnings as (
    select
        source_file,
        line,
        kind,
        upper(left(message, 1)) || substr(message, 2) as message,
        {{ column_or_null(warnings, 'severity') }} as reader_severity
    from {{ warnings }}
    where kind <> 'unbalanced_voucher'
)

select
    'sie_' || kind as check_name,
    case when reader_severity in ('critical', 'error') then 'critical' else 'warning' end
        as severity,
    -- the message's hash keeps two warnings on one line (two undeclared codes) apart
    source_file || coalesce(' rad ' || line, '') || ' ' || kind || ' ' || left(md5(message), 8)
        as subject,
    cast(null as varchar) as period,
    case
        when kind in ('undeclared_object', 'undeclared_account')
            then 'Används men är inte deklarerat i filen: ' || message
        when kind in ('no_fiscal_year', 'late_fiscal_year', 'fiscal_year_without_dates',
                      'duplicate_fiscal_year', 'unknown_record', 'not_a_record',
                      'record_inside_voucher', 'missing_record', 'encoding',
                      'rtrans_without_twin')
            then message
        else 'Tolererad avvikelse från SIE-standarden: ' || message
    end as detail,
    cast(null as decimal(18, 2)) as amount_sek,
    source_file,
    case when line is not null then 'rad ' || line end as source_place
from warnings
