-- Totals that must tie to the öre: the programme's lines in the landing table against the
-- mart, and each mart's money against the cost it distributes. Any difference is critical.
with raw_lines as (
    -- read from landing directly, not through the models being checked
    select coalesce(sum(t.amount), 0) as amount_sek
    from {{ source('ledger', 'ledger_transactions') }} as t
    where t.counts_in_ledger and (
        t.object_code in (select object_code
                          from {{ source('registry', 'registry_initiative_object_codes') }})
        or t.object_code in (select income_object_code
                             from {{ source('grants', 'grant_decisions') }})
        or {{ dimension_code(source('ledger', 'ledger_transactions'), 'project', 't') }}
            in (select project_code
                              from {{ source('registry', 'registry_mandate_projects') }}))
),

cost as (
    select coalesce(sum(amount_sek), 0) as amount_sek
    from {{ ref('fct_ledger_lines') }} where line_kind = 'cost'
)

select 'ledger_lines_vs_raw' as total_name,
    (select amount_sek from raw_lines) as expected_sek,
    (select coalesce(sum(amount_sek), 0) from {{ ref('fct_ledger_lines') }}) as actual_sek
union all
select 'funding_vs_cost',
    (select amount_sek from cost),
    (select coalesce(sum(amount_sek), 0) from {{ ref('rpt_funding_by_source') }})
union all
select 'budget_vs_outcome_vs_cost',
    (select amount_sek from cost),
    (select coalesce(sum(outcome_sek), 0) from {{ ref('rpt_budget_vs_outcome') }})
union all
select 'cost_results_vs_cost',
    (select amount_sek from cost),
    (select coalesce(sum(cost_sek), 0) from {{ ref('rpt_cost_results') }})
