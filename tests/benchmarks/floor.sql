-- The transformation floor: the mart's key outputs computed by hand in one DuckDB script, straight
-- from the landing tables, without dbt. tests/benchmarks/run.py times it against `dbt build` on
-- the same warehouse and checks that its five outputs equal the mart's row for row:
--   floor.fct_ledger_lines      = marts.fct_ledger_lines
--   floor.cost_monthly          = intermediate.int_initiative_costs__monthly
--   floor.funding_by_source     = marts.rpt_funding_by_source (grants first, carry-over)
--   floor.reconciliation        = marts.rpt_reconciliation
--   floor.reporting_compliance  = marts.rpt_reporting_compliance
-- The runner sets `as_of_date` (SET VARIABLE) first. The reconciliation tolerance is dbt's
-- default, 1 SEK. The rules are the dbt models'; only the shape is the fastest one found:
-- one filtered pass over the ledger, the committee looked up once per responsibility code,
-- and every later step on the few programme lines in temporary tables.

create schema if not exists floor;

create or replace temp table settings as
select
    max(value) filter (where key = 'payroll_series') as payroll_series,
    max(value) filter (where key = 'internal_compensation_account') as compensation_account,
    max(value) filter (where key = 'grant_income_account_prefix') as grant_income_prefix,
    coalesce(list(value order by value) filter (where key = 'cost_account_classes'),
             ['4', '5', '6', '7']) as cost_classes
from landing.registry_ledger_settings;

create or replace temp table initiatives as
select
    initiative_id,
    mandate_project as mandate_project_code,
    coalesce(list_position(funding_order, 'state_grant')
             < coalesce(list_position(funding_order, 'mandate'), 999), false)
        as grants_before_mandate,
    list_contains(funding_order, 'state_grant') as uses_state_grants,
    list_contains(funding_order, 'mandate') as uses_mandate
from landing.registry_initiatives;

create or replace temp table cost_codes as
select object_code, initiative_id from landing.registry_initiative_object_codes;

create or replace temp table grant_codes as
select grant_id, unnest(object_codes) as object_code from landing.grant_decisions;

-- grant income is booked on each decision's income code and belongs to the initiative whose
-- costs the grant pays
create or replace temp table income_codes as
select d.income_object_code as object_code, min(c.initiative_id) as initiative_id
from landing.grant_decisions as d
left join grant_codes as g using (grant_id)
left join cost_codes as c on c.object_code = g.object_code
where d.income_object_code is not null
group by d.income_object_code;

-- the one pass over the whole municipality's ledger
create or replace temp table picked as
select
    source_file, source_line, voucher_series, voucher_number, voucher_date,
    coalesce(transaction_date, voucher_date) as booked_on, account, responsibility_code,
    activity_code, project_code, object_code, cast(amount as decimal(18, 2)) as amount_sek,
    transaction_text
from landing.ledger_transactions
where counts_in_ledger
    and (object_code in (select object_code from cost_codes)
         or object_code in (select object_code from income_codes)
         or project_code in (select project_code from landing.registry_mandate_projects));

-- the longest matching responsibility pattern decides the committee: looked up once per code
create or replace temp table committee_of as
with patterns as (
    select committee_id, pattern, is_prefix, coalesce(prefix, pattern) as code_prefix
    from landing.registry_committee_codes
)
select r.responsibility_code, arg_max(p.committee_id, length(p.code_prefix)) as committee_id
from (select distinct responsibility_code from picked) as r
inner join patterns as p
    on case when p.is_prefix then starts_with(r.responsibility_code, p.code_prefix)
            else r.responsibility_code = p.pattern end
group by r.responsibility_code;

create or replace table floor.fct_ledger_lines as
select
    l.source_file || ':' || l.source_line as ledger_line_id,
    l.source_file,
    l.source_line,
    l.voucher_series,
    l.voucher_number,
    l.voucher_date,
    l.booked_on,
    cast(year(l.booked_on) as integer) as year,
    cast(month(l.booked_on) as integer) as month,
    l.account,
    left(l.account, 1) as account_class,
    co.committee_id,
    l.responsibility_code,
    l.activity_code,
    l.project_code,
    coalesce(mp.project_code, i.mandate_project_code) as mandate_project_code,
    l.object_code,
    coalesce(cc.initiative_id, ic.initiative_id) as initiative_id,
    case
        when cc.initiative_id is not null and list_contains(s.cost_classes, left(l.account, 1))
            then 'cost'
        when l.account = s.compensation_account then 'internal_compensation'
        when ic.object_code is not null and starts_with(l.account, s.grant_income_prefix)
            then 'grant_income'
        when l.object_code is not null and cc.object_code is null and ic.object_code is null
            then 'unknown_object_code'
        else 'other'
    end as line_kind,
    l.voucher_series = s.payroll_series as is_payroll,
    l.amount_sek,
    l.transaction_text
from picked as l
cross join settings as s
left join committee_of as co using (responsibility_code)
left join cost_codes as cc on cc.object_code = l.object_code
left join income_codes as ic on ic.object_code = l.object_code
left join landing.registry_mandate_projects as mp on mp.project_code = l.project_code
left join initiatives as i on i.initiative_id = coalesce(cc.initiative_id, ic.initiative_id);

create or replace table floor.cost_monthly as
select initiative_id, committee_id, year, month, sum(amount_sek) as cost_sek
from floor.fct_ledger_lines
where line_kind = 'cost'
group by initiative_id, committee_id, year, month;

create or replace temp table yearly_cost as
select initiative_id, year, sum(cost_sek) as cost_sek
from floor.cost_monthly
group by initiative_id, year;

-- a grant paying several initiatives is shared by their cost in its year (equally if none)
create or replace temp table grant_shares as
with covered as (
    select distinct g.grant_id, c.initiative_id
    from grant_codes as g inner join cost_codes as c using (object_code)
),
shares as (
    select
        c.grant_id, c.initiative_id, d.year,
        cast(d.amount_sek as decimal(18, 2)) as grant_amount_sek,
        greatest(coalesce(y.cost_sek, 0), 0) as cost_sek,
        sum(greatest(coalesce(y.cost_sek, 0), 0)) over (partition by c.grant_id)
            as covered_cost_sek,
        count(*) over (partition by c.grant_id) as initiatives
    from covered as c
    inner join landing.grant_decisions as d using (grant_id)
    left join yearly_cost as y on y.initiative_id = c.initiative_id and y.year = d.year
)
select
    grant_id, initiative_id, year,
    case
        when initiatives = 1 then grant_amount_sek
        when covered_cost_sek > 0 then cast(round(grant_amount_sek
            * (cast(cost_sek as double) / cast(covered_cost_sek as double)), 2) as decimal(18, 2))
        else cast(round(grant_amount_sek * (cast(1 as double) / cast(initiatives as double)), 2)
            as decimal(18, 2))
    end as share_sek
from shares;

-- what grants can pay, and (grants first) what is left for the mandate project
create or replace temp table needs as
with grants as (
    select initiative_id, year, sum(share_sek) as grant_available_sek
    from grant_shares group by initiative_id, year
),
with_grants as (
    select
        c.initiative_id, c.year, i.mandate_project_code, i.uses_mandate,
        i.grants_before_mandate, c.cost_sek,
        case when i.uses_state_grants then coalesce(g.grant_available_sek, 0) else 0 end
            as grant_available_sek
    from yearly_cost as c
    inner join initiatives as i using (initiative_id)
    left join grants as g using (initiative_id, year)
)
select
    *,
    case when grants_before_mandate
        then least(greatest(cost_sek, 0), grant_available_sek) else 0 end as grant_first_sek,
    case
        when uses_mandate and mandate_project_code is not null
            then greatest(cost_sek - case when grants_before_mandate
                then least(greatest(cost_sek, 0), grant_available_sek) else 0 end, 0)
        else 0
    end as mandate_need_sek
from with_grants;

-- each mandate project's pool per year; with carry-over the cumulative use is
-- min(cumulative need, min over earlier years of (cumulative allocation + need after))
create or replace temp table mandate_years as
with project_needs as (
    select mandate_project_code, year, sum(mandate_need_sek) as need_sek
    from needs where mandate_need_sek > 0 group by mandate_project_code, year
),
years as (
    select
        p.project_code as mandate_project_code, p.carry_over, cast(y.year as integer) as year,
        case when y.year between p.first_year and p.last_year
            then cast(p.allocation_per_year as decimal(18, 2)) else 0 end as allocation_sek
    from landing.registry_mandate_projects as p
    cross join range(
        (select min(first_year) from landing.registry_mandate_projects),
        greatest((select max(last_year) from landing.registry_mandate_projects),
                 coalesce((select max(year) from project_needs), 0)) + 1
    ) as y(year)
),
running as (
    select
        y.*,
        coalesce(n.need_sek, 0) as need_sek,
        sum(y.allocation_sek) over w as cumulative_allocation_sek,
        sum(coalesce(n.need_sek, 0)) over w as cumulative_need_sek
    from years as y
    left join project_needs as n using (mandate_project_code, year)
    window w as (partition by y.mandate_project_code order by y.year)
),
used as (
    select
        *,
        case when carry_over then cumulative_need_sek + least(0, min(
            cumulative_allocation_sek - cumulative_need_sek
        ) over (partition by mandate_project_code order by year)) end as cumulative_used_sek
    from running
)
select
    mandate_project_code,
    year,
    cast(need_sek as decimal(18, 2)) as mandate_need_sek,
    cast(case when carry_over
        then cumulative_used_sek - coalesce(lag(cumulative_used_sek) over p, 0)
        else least(need_sek, allocation_sek) end as decimal(18, 2)) as mandate_used_sek
from used
window p as (partition by mandate_project_code order by year);

-- who paid each initiative's cost each year: grants, mandate money, then the frame
create or replace temp table funding_yearly as
with mandate as (
    select
        n.initiative_id, n.year,
        case when p.mandate_used_sek >= p.mandate_need_sek then n.mandate_need_sek
            else cast(round(p.mandate_used_sek * (cast(n.mandate_need_sek as double)
                / cast(p.mandate_need_sek as double)), 2) as decimal(18, 2))
        end as mandate_sek
    from needs as n
    inner join mandate_years as p using (mandate_project_code, year)
    where n.mandate_need_sek > 0
),
paid as (
    select
        n.*,
        coalesce(m.mandate_sek, 0) as mandate_sek,
        case when n.grants_before_mandate then n.grant_first_sek
            else least(greatest(n.cost_sek - coalesce(m.mandate_sek, 0), 0),
                       n.grant_available_sek)
        end as grant_sek
    from needs as n
    left join mandate as m using (initiative_id, year)
)
select
    initiative_id,
    year,
    cast(cost_sek as decimal(18, 2)) as cost_sek,
    cast(grant_sek as decimal(18, 2)) as grant_sek,
    cast(mandate_sek as decimal(18, 2)) as mandate_sek,
    cast(cost_sek - grant_sek - mandate_sek as decimal(18, 2)) as frame_sek
from paid;

create or replace table floor.funding_by_source as
select initiative_id, year, 'state_grant' as funding_source, grant_sek as amount_sek, cost_sek
from funding_yearly
union all
select initiative_id, year, 'mandate', mandate_sek, cost_sek from funding_yearly
union all
select initiative_id, year, 'frame', frame_sek, cost_sek from funding_yearly;

create or replace table floor.reconciliation as
with payroll as (
    select period, account, object_code, sum(cast(amount as decimal(18, 2))) as amount_sek
    from landing.payroll_monthly
    where object_code in (select object_code from cost_codes)
    group by period, account, object_code
),
ledger_payroll as (
    select strftime(booked_on, '%Y-%m') as period, account, object_code,
        sum(amount_sek) as amount_sek
    from floor.fct_ledger_lines
    where is_payroll and line_kind = 'cost'
    group by all
),
payroll_vs_ledger as (
    select
        'payroll_vs_ledger' as kind,
        coalesce(p.period, l.period) as period,
        cast(null as varchar) as committee,
        o.initiative_id,
        coalesce(p.object_code, l.object_code) as object_code,
        coalesce(p.account, l.account) as account,
        cast(null as varchar) as grant_id,
        coalesce(p.amount_sek, 0) as expected_sek,
        coalesce(l.amount_sek, 0) as actual_sek
    from payroll as p
    full outer join ledger_payroll as l using (period, account, object_code)
    left join cost_codes as o on o.object_code = coalesce(p.object_code, l.object_code)
),
eligible_lines as (
    -- initiatives paid from a mandate project that another committee holds
    select l.*
    from floor.fct_ledger_lines as l
    inner join initiatives as i using (initiative_id)
    inner join landing.registry_mandate_projects as p on p.project_code = i.mandate_project_code
    where l.committee_id is distinct from p.holder_committee
),
compensated_cost as (
    select year, month, committee_id, initiative_id, object_code, sum(amount_sek) as amount_sek
    from eligible_lines where line_kind = 'cost' group by all
),
compensation as (
    select year, month, committee_id, initiative_id, object_code, -sum(amount_sek) as amount_sek
    from eligible_lines where line_kind = 'internal_compensation' group by all
),
internal_compensation as (
    select
        'internal_compensation' as kind,
        printf('%04d-%02d', coalesce(c.year, k.year), coalesce(c.month, k.month)) as period,
        coalesce(c.committee_id, k.committee_id) as committee,
        coalesce(c.initiative_id, k.initiative_id) as initiative_id,
        coalesce(c.object_code, k.object_code) as object_code,
        cast(null as varchar) as account,
        cast(null as varchar) as grant_id,
        coalesce(c.amount_sek, 0) as expected_sek,
        coalesce(k.amount_sek, 0) as actual_sek
    from compensated_cost as c
    full outer join compensation as k using (year, month, committee_id, initiative_id, object_code)
),
decided as (
    select income_object_code as object_code, year,
        string_agg(grant_id, ', ' order by grant_id) as grant_id,
        sum(cast(amount_sek as decimal(18, 2))) as amount_sek
    from landing.grant_decisions
    group by income_object_code, year
),
booked as (
    select object_code, year, min(initiative_id) as initiative_id, -sum(amount_sek) as amount_sek
    from floor.fct_ledger_lines
    where line_kind = 'grant_income'
    group by object_code, year
),
grants_booked as (
    select
        'grant_booked_vs_decided' as kind,
        cast(coalesce(d.year, b.year) as varchar) as period,
        cast(null as varchar) as committee,
        b.initiative_id,
        coalesce(d.object_code, b.object_code) as object_code,
        cast(null as varchar) as account,
        d.grant_id,
        coalesce(d.amount_sek, 0) as expected_sek,
        coalesce(b.amount_sek, 0) as actual_sek
    from decided as d
    full outer join booked as b using (object_code, year)
),
spent as (
    -- the initiative's grant funding that year, apportioned among its grants by their shares
    select
        s.grant_id,
        min(s.initiative_id) as initiative_id,
        sum(case when s.initiative_shares_sek = 0 then 0
            else cast(round(f.grant_sek * (cast(s.share_sek as double)
                / cast(s.initiative_shares_sek as double)), 2) as decimal(18, 2)) end)
            as amount_sek
    from (select *, sum(share_sek) over (partition by initiative_id, year)
              as initiative_shares_sek from grant_shares) as s
    left join funding_yearly as f using (initiative_id, year)
    group by s.grant_id
),
reported as (
    select grant_id, sum(cast(amount_used_sek as decimal(18, 2))) as amount_sek
    from landing.grant_reports group by grant_id
),
grants_reported as (
    select
        'grant_reported_vs_spent' as kind,
        cast(d.year as varchar) as period,
        cast(null as varchar) as committee,
        s.initiative_id,
        cast(null as varchar) as object_code,
        cast(null as varchar) as account,
        r.grant_id,
        cast(round(coalesce(s.amount_sek, 0), 2) as decimal(18, 2)) as expected_sek,
        r.amount_sek as actual_sek
    from reported as r
    inner join landing.grant_decisions as d using (grant_id)
    left join spent as s using (grant_id)
),
unknown_codes as (
    select
        'unknown_object_code' as kind,
        printf('%04d-%02d', year, month) as period,
        committee_id as committee,
        cast(null as varchar) as initiative_id,
        object_code,
        cast(null as varchar) as account,
        cast(null as varchar) as grant_id,
        cast(0 as decimal(18, 2)) as expected_sek,
        sum(amount_sek) as actual_sek
    from floor.fct_ledger_lines
    where line_kind = 'unknown_object_code'
    group by year, month, committee_id, object_code
),
comparisons as (
    select * from payroll_vs_ledger
    union all by name select * from internal_compensation
    union all by name select * from grants_booked
    union all by name select * from grants_reported
    union all by name select * from unknown_codes
)
select
    kind, period, committee, initiative_id, object_code, account, grant_id,
    cast(expected_sek as decimal(18, 2)) as expected_sek,
    cast(actual_sek as decimal(18, 2)) as actual_sek,
    cast(actual_sek - expected_sek as decimal(18, 2)) as difference_sek
from comparisons
where abs(actual_sek - expected_sek) > 1 or kind = 'unknown_object_code';

create or replace table floor.reporting_compliance as
with delivered as (
    select body, initiative as initiative_id, report_kind, period,
        min(delivered_on) as delivered_on, min(reference) as reference
    from landing.reports_delivered
    group by body, initiative, report_kind, period
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
        when c.due_on < getvariable('as_of_date') then 'missing'
        else 'not_yet_due'
    end as status,
    cast(case
        when d.delivered_on > c.due_on then date_diff('day', c.due_on, d.delivered_on)
        when d.delivered_on is null and c.due_on < getvariable('as_of_date')
            then date_diff('day', c.due_on, getvariable('as_of_date'))
        else 0
    end as integer) as days_late
from landing.registry_report_calendar as c
left join delivered as d using (body, initiative_id, report_kind, period);
