-- The programme's payroll per month, committee, account and job title. Head count and FTE
-- are per row (the committee falls back to the initiative's without a responsibility
-- dimension, as in int_ledger__programme_lines): a person paid on two accounts counts on both, so sum FTE over wage accounts
-- (class 50) only, as rpt_cost_results does.
with committee_match as (
    select
        p.*,
        o.initiative_id,
        c.committee_id,
        row_number() over (
            partition by p.source_file, p.account, p.responsibility_code, p.activity_code,
                p.project_code, p.object_code, p.job_title
            order by c.prefix_length desc
        ) as match_rank
    from {{ ref('stg_payroll__monthly') }} as p
    inner join {{ ref('stg_registry__initiative_object_codes') }} as o using (object_code)
    left join {{ ref('stg_registry__committee_codes') }} as c
        on case
            when c.is_prefix then starts_with(p.responsibility_code, c.code_prefix)
            else p.responsibility_code = c.pattern
        end
)

select
    month_start as month,
    period,
    initiative_id,
    case when s.has_responsibility_dimension then m.committee_id else fc.committee_id end
        as committee_id,
    account,
    responsibility_code,
    object_code,
    job_title,
    amount_sek,
    hours,
    head_count,
    fte,
    source_file
from committee_match as m
cross join {{ ref('stg_registry__ledger_settings') }} as s
left join {{ ref('int_initiatives__fallback_committee') }} as fc using (initiative_id)
where m.match_rank = 1
