-- The programme's ledger lines, picked from the whole municipality's ledger by the registry's
-- codes, each classified and given its committee (from the responsibility code, or from the
-- initiative where the registry declares no responsibility dimension) and initiative.
-- Incremental per ledger file: a night reads only the files loaded since the last build, and
-- everything again when the registry or the grant decisions changed (they decide what is
-- picked and how it is classified). Lines of files that were replaced are removed first.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='source_file',
    on_schema_change='append_new_columns',
    pre_hook=[
        "{% if is_incremental() %}delete from {{ this }} where source_file not in
         (select file_name from {{ source('ledger', 'files') }}
          where source = 'ledger' and status = 'loaded'){% endif %}"
    ]
) }}

with ledger_files as (
    select file_name as source_file, seen_at as loaded_at
    from {{ source('ledger', 'files') }}
    where source = 'ledger' and status = 'loaded'
    {% if is_incremental() %}
        and (
            seen_at > (select coalesce(max(loaded_at), timestamp '1900-01-01') from {{ this }})
            or (select max(seen_at) from {{ source('ledger', 'files') }}
                where source in ('registry', 'grants') and status = 'loaded')
                > (select coalesce(max(loaded_at), timestamp '1900-01-01') from {{ this }})
        )
    {% endif %}
),

settings as (
    select * from {{ ref('stg_registry__ledger_settings') }}
),

cost_codes as (
    select object_code, initiative_id from {{ ref('stg_registry__initiative_object_codes') }}
),

income_codes as (
    -- grant income is booked on the code each decision names; it belongs to the initiative
    -- whose costs the grant pays
    select d.income_object_code as object_code, min(c.initiative_id) as initiative_id
    from {{ ref('stg_grants__decisions') }} as d
    left join {{ ref('stg_grants__decision_object_codes') }} as g using (grant_id)
    left join cost_codes as c on c.object_code = g.object_code
    where d.income_object_code is not null
    group by all
),

mandate_projects as (
    select mandate_project_code from {{ ref('stg_registry__mandate_projects') }}
),

lines as (
    select t.*, f.loaded_at
    from {{ ref('stg_ledger__transactions') }} as t
    inner join ledger_files as f using (source_file)
    where object_code in (select object_code from cost_codes)
        or object_code in (select object_code from income_codes)
        or project_code in (select mandate_project_code from mandate_projects)
),

committee_match as (
    -- the longest matching responsibility pattern decides the committee
    select
        l.source_file,
        l.source_line,
        c.committee_id,
        row_number() over (
            partition by l.source_file, l.source_line order by c.prefix_length desc
        ) as match_rank
    from lines as l
    inner join {{ ref('stg_registry__committee_codes') }} as c
        on case
            when c.is_prefix then starts_with(l.responsibility_code, c.code_prefix)
            else l.responsibility_code = c.pattern
        end
)

select
    l.source_file || ':' || l.source_line as ledger_line_id,
    l.source_file,
    l.source_line,
    l.fiscal_year,
    l.voucher_series,
    l.voucher_number,
    l.voucher_date,
    l.booked_on,
    cast(year(l.booked_on) as integer) as year,
    cast(month(l.booked_on) as integer) as month,
    l.account,
    left(l.account, 1) as account_class,
    -- without a responsibility dimension the initiative's committee stands in
    case when s.has_responsibility_dimension then cm.committee_id else fc.committee_id end
        as committee_id,
    l.responsibility_code,
    l.activity_code,
    l.project_code,
    coalesce(mp.mandate_project_code, i.mandate_project_code) as mandate_project_code,
    l.object_code,
    l.counterpart_code,
    l.free_dimensions,
    coalesce(cc.initiative_id, ic.initiative_id) as initiative_id,
    case
        when cc.initiative_id is not null
            and list_contains(s.cost_account_classes, left(l.account, 1))
            then 'cost'
        when l.account = s.internal_compensation_account then 'internal_compensation'
        when ic.object_code is not null and starts_with(l.account, s.grant_income_account_prefix)
            then 'grant_income'
        when l.object_code is not null and cc.object_code is null and ic.object_code is null
            then 'unknown_object_code'
        else 'other'
    end as line_kind,
    l.voucher_series = s.payroll_series as is_payroll,
    l.amount_sek,
    l.transaction_text,
    l.loaded_at
from lines as l
cross join settings as s
left join committee_match as cm
    on cm.source_file = l.source_file and cm.source_line = l.source_line and cm.match_rank = 1
left join cost_codes as cc on cc.object_code = l.object_code
left join income_codes as ic on ic.object_code = l.object_code
left join mandate_projects as mp on mp.mandate_project_code = l.project_code
left join {{ ref('stg_registry__initiatives') }} as i
    on i.initiative_id = coalesce(cc.initiative_id, ic.initiative_id)
left join {{ ref('int_initiatives__fallback_committee') }} as fc
    on fc.initiative_id = coalesce(cc.initiative_id, ic.initiative_id)
