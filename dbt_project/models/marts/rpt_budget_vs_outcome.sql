-- Budget against outcome per initiative, committee, funding source and month.
-- Budget: the registry's allocations, spread evenly over the year's months and over the
-- committees in proportion to their #PBUDGET for that year, or equally over the committees
-- that run the initiative where the ledger has no budget.
-- Forecast: last year's outcome for closed years; for the current year the run-rate
-- (outcome so far / months with ledger data x 12).
with pbudget_shares as (
    select
        o.initiative_id,
        b.budget_year as year,
        c.committee_id,
        cast(sum(b.amount_sek) as double) / sum(sum(b.amount_sek)) over (
            partition by o.initiative_id, b.budget_year
        ) as share
    from {{ ref('stg_ledger__budgets') }} as b
    inner join {{ ref('stg_registry__initiative_object_codes') }} as o using (object_code)
    inner join {{ ref('stg_registry__committee_codes') }} as c
        on case
            when c.is_prefix then starts_with(b.responsibility_code, c.code_prefix)
            else b.responsibility_code = c.pattern
        end
    group by o.initiative_id, b.budget_year, c.committee_id
),

run_by_shares as (
    select initiative_id, committee_id, 1.0 / count(*) over (partition by initiative_id) as share
    from {{ ref('stg_registry__initiative_run_by') }}
),

budget_year as (
    select
        a.initiative_id,
        coalesce(p.committee_id, r.committee_id) as committee_id,
        a.funding_source_id,
        a.year,
        cast(a.amount_sek * coalesce(p.share, r.share) as decimal(18, 2)) as budget_year_sek
    from {{ ref('stg_registry__allocations') }} as a
    left join (select distinct initiative_id, year from pbudget_shares) as has_pbudget
        using (initiative_id, year)
    left join pbudget_shares as p
        on p.initiative_id = a.initiative_id and p.year = a.year
    left join run_by_shares as r
        on r.initiative_id = a.initiative_id and has_pbudget.initiative_id is null
),

outcome as (
    select initiative_id, committee_id, funding_source_id, year, month, amount_sek
    from {{ ref('int_funding__monthly_by_committee') }}
),

keys as (
    select distinct initiative_id, committee_id, funding_source_id, year from budget_year
    union
    select distinct initiative_id, committee_id, funding_source_id, year from outcome
),

data_through as (
    select year, max(month) as last_month
    from {{ ref('int_ledger__programme_lines') }}
    group by year
),

grid as (
    select
        k.*,
        cast(m.month as integer) as month,
        coalesce(b.budget_year_sek, 0) as budget_year_sek,
        coalesce(o.amount_sek, 0) as outcome_sek,
        coalesce(d.last_month, 0) as last_month
    from keys as k
    cross join range(1, 13) as m(month)
    left join (
        select initiative_id, committee_id, funding_source_id, year,
            sum(budget_year_sek) as budget_year_sek
        from budget_year group by all
    ) as b using (initiative_id, committee_id, funding_source_id, year)
    left join outcome as o
        on o.initiative_id = k.initiative_id and o.committee_id = k.committee_id
        and o.funding_source_id = k.funding_source_id and o.year = k.year
        and o.month = m.month
    left join data_through as d on d.year = k.year
),

measured as (
    select
        *,
        round(budget_year_sek / 12, 2) as budget_month_sek,
        sum(outcome_sek) over w as outcome_ytd_sek,
        sum(outcome_sek) over (
            partition by initiative_id, committee_id, funding_source_id, year
        ) as outcome_year_sek
    from grid
    window w as (
        partition by initiative_id, committee_id, funding_source_id, year order by month
    )
)

select
    initiative_id,
    committee_id as committee,
    funding_source_id as funding_source,
    year,
    month,
    cast(case when month = 12 then budget_year_sek - budget_month_sek * 11
        else budget_month_sek end as decimal(18, 2)) as budget_sek,
    cast(budget_year_sek as decimal(18, 2)) as budget_full_year_sek,
    cast(outcome_sek as decimal(18, 2)) as outcome_sek,
    cast(outcome_ytd_sek as decimal(18, 2)) as outcome_ytd_sek,
    cast(case
        when last_month >= 12 or last_month = 0 then outcome_year_sek
        else outcome_year_sek / last_month * 12
    end as decimal(18, 2)) as forecast_full_year_sek,
    cast(budget_year_sek - outcome_ytd_sek as decimal(18, 2)) as remaining_sek
from measured
