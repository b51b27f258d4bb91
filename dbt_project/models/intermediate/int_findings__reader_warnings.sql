-- What the SIE reader flagged without dropping, one finding per warning with its file and
-- line, in Swedish. Unbalanced vouchers are findings of their own (ledger_voucher_balance),
-- so they are left out here. "Not declared in the file" (#KONTO / #OBJEKT missing) is this
-- model's; "unknown to the registry" is int_findings__unknown_codes'.
{% set warnings = source('ledger', 'ledger_warnings') %}
with warnings as (
    select
        source_file,
        line,
        kind,
        message,
        {{ column_or_null(warnings, 'severity') }} as reader_severity
    from {{ warnings }}
    where kind <> 'unbalanced_voucher'
),

worded as (
    select
        *,
        case
            when regexp_matches(message, '^[0-9]+ more warnings of this kind')
                then 'Ytterligare ' || regexp_extract(message, '^([0-9]+)', 1)
                    || ' varningar av samma slag (' || kind || ') visas inte'
            when kind = 'undeclared_object'
                then 'Objektet ' || regexp_extract(message, '''([^'']*)''', 1)
                    || ' i dimension ' || regexp_extract(message, 'dimension ([0-9]+)', 1)
                    || ' används i filen men deklareras inte där (#OBJEKT saknas)'
            when kind = 'undeclared_account'
                then 'Kontot ' || regexp_extract(message, '^account (\S+)', 1)
                    || ' används (' || regexp_extract(message, '\(([0-9]+) rows\)', 1)
                    || ' rader) men deklareras inte i filen (#KONTO saknas)'
            when kind = 'no_fiscal_year'
                then 'Importfilen saknar räkenskapsår (#RAR): verifikationerna får inget år'
            when kind = 'late_fiscal_year'
                then 'Räkenskapsåren (#RAR) står efter verifikationerna i filen'
            when kind = 'fiscal_year_without_dates'
                then 'Räkenskapsåret (#RAR) saknar datum'
            when kind = 'duplicate_fiscal_year'
                then 'Räkenskapsåret (#RAR) står två gånger; det sista gäller'
            when kind = 'rtrans_without_twin'
                then 'En #RTRANS följs inte av sin #TRANS; #RTRANS-raden räknas i stället'
            when kind = 'unknown_record'
                then 'Okänd posttyp ' || regexp_extract(message, 'type (\S+)', 1)
                    || ' räknas men läses inte'
            when kind = 'not_a_record'
                then 'Raden utanför verifikationerna är ingen SIE-post och hoppas över'
            when kind = 'record_inside_voucher'
                then 'En annan post än #TRANS/#RTRANS/#BTRANS står inne i en verifikation'
            when kind = 'missing_record' then 'Filen saknar posten #SIETYP'
            when kind = 'encoding'
                then 'Teckenkodningen verkar blandad: kontrollera å, ä och ö i texterna'
            -- deviations the reader tolerates carry their own (Swedish) message
            else 'Tolererad avvikelse från SIE-standarden (' || kind || '): ' || message
        end as detail,
        -- what the warning is about, so that two warnings on one line stay two findings
        case
            when regexp_matches(message, '^[0-9]+ more warnings of this kind') then 'övriga'
            when kind = 'undeclared_object'
                then regexp_extract(message, 'dimension ([0-9]+)', 1) || ':'
                    || regexp_extract(message, '''([^'']*)''', 1)
            when kind = 'undeclared_account' then regexp_extract(message, '^account (\S+)', 1)
            when kind = 'unknown_record' then regexp_extract(message, 'type (\S+)', 1)
            when line is null then left(md5(message), 8)
        end as about
    from warnings
)

select
    'sie_' || kind as check_name,
    case when reader_severity in ('critical', 'error') then 'critical' else 'warning' end
        as severity,
    source_file || coalesce(' rad ' || line, '') || ' ' || kind || coalesce(' ' || about, '')
        as subject,
    cast(null as varchar) as period,
    detail,
    cast(null as decimal(18, 2)) as amount_sek,
    source_file,
    case when line is not null then 'rad ' || line end as source_place
from worded
