"""Small-cell protection for everything published: which payroll amounts BI may see.

The working warehouse keeps every payroll amount (only the pipeline's user can read it). The
published copy, and so the exports and the reports written from it, withholds every payroll
amount that covers fewer than SMALL_CELL_LIMIT people, and enough others that the withheld
ones cannot be derived by differencing what is published. The rule reads the registry's
payroll series and the payroll head counts, never a code of the sample.

Levels (docs/operations.md, "Personal data"):
- A *payroll cell* is one month, initiative, committee, account, responsibility code and
  object code: the coding a payroll posting has in the ledger. Its people are the head
  counts of its payroll rows (job titles), added up. The ledger's lines in the payroll series
  (registry: ledger.payroll_series) make cells too, with no people when payroll has none.
  A withheld cell withholds every programme ledger line on its coding, in any series (a
  salary corrected by hand in another series is still a salary).
- A *group* is one initiative, committee, object code and month: the finest level at which
  a total over payroll and other costs is published (KLK's internal compensation lines and
  their reconciliation; rpt_budget_vs_outcome adds the object codes up). The group total is
  always published, so what is withheld inside a group can be derived as one sum: the
  withheld cells of a group must together cover at least SMALL_CELL_LIMIT people, or be all
  of its payroll (a group of fewer people: the residual risk the GDPR section states).
- Primary suppression: a cell of fewer people; inside a published cell, a row (job title)
  of fewer people. Secondary suppression: the smallest other cells (rows) of the same group
  (cell), added until what is withheld covers enough people.
One person paid on two accounts is in two cells of the same group, so the people of a set of
cells are counted per account and the largest count is taken (never added across accounts).

Also withheld: rpt_reconciliation's payroll_vs_ledger rows and fct_findings' payroll_vs_ledger
findings (amounts and message) for a month, account and object code with a withheld cell.

These four tables get a `suppression` column in the published copy: null where nothing is
withheld, 'primary' or 'secondary' where the amounts are null because they are withheld, so a
withheld value can be told from an empty one. Totals in rpt_* and dim_* tables are published
as they are in the working mart: an auditor reconciles them against the working warehouse."""

from __future__ import annotations

import duckdb

SMALL_CELL_LIMIT = 3  # payroll amounts covering fewer people are withheld in everything BI reads
PAYROLL_AMOUNT_COLUMNS = ("amount_sek", "hours", "head_count", "fte")
RECONCILIATION_AMOUNT_COLUMNS = ("expected_sek", "actual_sek", "difference_sek")
PROTECTED_DETAIL = "Lön och huvudbok skiljer (beloppen visas inte: färre än tre personer)"
CELL_KEY = ("initiative_id", "committee_id", "year", "month", "account", "responsibility_code",
            "object_code")
GROUP_KEY = ("initiative_id", "committee_id", "object_code", "year", "month")


def _eq(columns: tuple[str, ...], left: str, right: str) -> str:
    return " and ".join(f"{left}.{c} is not distinct from {right}.{c}" for c in columns)


def _greedy(units: str, group: tuple[str, ...], order: str) -> str:
    """SQL over `units` (columns: the group key, account, people, is_primary, `order`) adding
    `suppression`: the primary units, and then the fewest-people other units of the same
    group, one at a time, until the withheld units cover SMALL_CELL_LIMIT people per
    account (a running maximum of per-account running sums) or the whole group is withheld."""
    g = ", ".join(group)
    return f"""
        with base as (
            select *,
                sum(case when is_primary then people else 0 end)
                    over (partition by {g}, account) as withheld_account,
                bool_or(is_primary) over (partition by {g}) as group_has_primary
            from {units}
        ),
        based as (
            select *, max(withheld_account) over (partition by {g}) as withheld
            from base
        ),
        candidates as (
            select *,
                withheld_account + sum(people) over (
                    partition by {g}, account order by people, {order}
                    rows between unbounded preceding and current row) as running_account
            from based where not is_primary
        ),
        covered as (
            select *,
                greatest(withheld, coalesce(max(running_account) over (
                    partition by {g} order by people, {order}
                    rows between unbounded preceding and 1 preceding), 0)) as covered_before
            from candidates
        )
        select * exclude (withheld_account, group_has_primary, withheld, running_account,
                          covered_before),
            case when group_has_primary and covered_before < {SMALL_CELL_LIMIT}
                then 'secondary' end as suppression
        from covered
        union all by name
        select * exclude (withheld_account, group_has_primary, withheld),
            'primary' as suppression
        from based where is_primary"""


def prepare(conn: duckdb.DuckDBPyConnection, source: str = "src") -> None:
    """Decide, in temporary tables of `conn`, what is withheld: `privacy_cells` (every
    payroll cell and its suppression) and `privacy_payroll` (every payroll row of the mart
    with its suppression). `source` is the attached working warehouse."""
    mart = f"{source}.marts"
    have = {r[0] for r in conn.execute(
        "select schema_name || '.' || table_name from duckdb_tables() where database_name = ? "
        "union all select schema_name || '.' || view_name from duckdb_views() "
        "where database_name = ?", [source, source]).fetchall()}
    # a partial build without the payroll mart: no head counts, so every payroll-series
    # line is treated as covering nobody (withheld)
    payroll = (f"{mart}.fct_payroll_monthly" if "marts.fct_payroll_monthly" in have else
               "(select null::varchar as initiative_id, null::varchar as committee_id, "
               "null::date as month, null::varchar as account, null::varchar as "
               "responsibility_code, null::varchar as object_code, null::bigint as head_count "
               "where false)")
    conn.execute(f"""
        create or replace temp table privacy_payroll_rows as
        select *, cast(year(month) as integer) as year_, cast(month(month) as integer) as month_,
            row_number() over () as row_key
        from {payroll}""")
    lines = f"{mart}.fct_ledger_lines" if "marts.fct_ledger_lines" in have else \
        "(select null::varchar as initiative_id, null::varchar as committee_id, null::int as " \
        "year, null::int as month, null::varchar as account, null::varchar as " \
        "responsibility_code, null::varchar as object_code, null::varchar as voucher_series " \
        "where false)"
    series = f"select payroll_series from {source}.staging.stg_registry__ledger_settings" \
        if "staging.stg_registry__ledger_settings" in have else "select null::varchar"
    ledger_cells = f"""
        select distinct initiative_id, committee_id, year, month, account,
            responsibility_code, object_code
        from {lines} as l
        where initiative_id is not null and voucher_series in ({series})"""
    conn.execute(f"""
        create or replace temp table privacy_cell_units as
        with payroll_cells as (
            select initiative_id, committee_id, year_ as year, month_ as month, account,
                responsibility_code, object_code, sum(coalesce(head_count, 0)) as people
            from privacy_payroll_rows where initiative_id is not null group by all
        ),
        cells as (
            select {', '.join(CELL_KEY)}, coalesce(p.people, 0) as people
            from payroll_cells as p full outer join ({ledger_cells}) as l
                using ({', '.join(CELL_KEY)})
        )
        select *, people < {SMALL_CELL_LIMIT} as is_primary,
            concat_ws('|', {', '.join(CELL_KEY)}) as unit_order
        from cells""")
    conn.execute("create or replace temp table privacy_cells as "
                 + _greedy("privacy_cell_units", GROUP_KEY, "unit_order"))
    # rows inside a published cell: all of a cell's rows share one account
    row_units = f"""(
        select r.row_key, {', '.join(f'r.{c}' for c in ('initiative_id', 'committee_id',
                                                          'account', 'responsibility_code',
                                                          'object_code'))},
            r.year_ as year, r.month_ as month, coalesce(r.head_count, 0) as people,
            coalesce(r.head_count, 0) < {SMALL_CELL_LIMIT} as is_primary
        from privacy_payroll_rows as r)"""
    conn.execute(f"""
        create or replace temp table privacy_payroll as
        with rows_decided as ({_greedy(row_units, CELL_KEY, 'row_key')})
        select d.row_key,
            case when d.people < {SMALL_CELL_LIMIT} then 'primary'
                when d.suppression is not null or c.suppression is not null then 'secondary'
            end as suppression
        from rows_decided as d
        left join privacy_cells as c on {_eq(CELL_KEY, 'c', 'd')}""")


def _columns(conn: duckdb.DuckDBPyConnection, table: str, source: str) -> list[str]:
    return [r[0] for r in conn.execute(
        "select column_name from information_schema.columns where table_catalog = ? "
        "and table_schema = 'marts' and table_name = ? order by ordinal_position",
        [source, table]).fetchall()]


def _nulled(columns: list[str], withheld: tuple[str, ...], flag: str) -> str:
    return ", ".join(f"case when {flag} is null then {c} end as {c}" if c in withheld else c
                     for c in columns)


def published_select(conn: duckdb.DuckDBPyConnection, table: str, source: str = "src") -> str:
    """The SELECT that writes `table` into the published copy (after prepare())."""
    mart = f"{source}.marts.{table}"
    columns = _columns(conn, table, source)
    if table == "fct_payroll_monthly":
        body = _nulled(columns, PAYROLL_AMOUNT_COLUMNS, "p.suppression")
        return (f"select {body}, p.suppression from privacy_payroll_rows as r "
                "join privacy_payroll as p using (row_key) order by r.row_key")
    if table == "fct_ledger_lines":
        flag = ("(select c.suppression from privacy_cells as c where c.suppression is not null "
                f"and {_eq(CELL_KEY, 'c', 'l')})")
        # every line on a withheld cell's coding, whatever its series: a salary corrected by
        # hand in another series is still a salary
        return (f"select {_nulled(columns, ('amount_sek',), 'x.suppression')}, x.suppression "
                f"from (select l.*, {flag} as suppression from {mart} as l) as x")
    withheld_months = ("(case when exists (select 1 from privacy_cells as c "
                       "where c.suppression is not null and c.object_code = t.object_code "
                       "and c.account = t.account and printf('%04d-%02d', c.year, c.month) = "
                       "t.period) then 'secondary' end)")
    if table == "rpt_reconciliation":
        flag = f"case when t.kind = 'payroll_vs_ledger' then {withheld_months} end"
        return (f"select {_nulled(columns, RECONCILIATION_AMOUNT_COLUMNS, 'x.suppression')}, "
                f"x.suppression from (select t.*, {flag} as suppression from {mart} as t) as x")
    if table == "fct_findings":
        withheld = withheld_months.replace(
            "c.object_code = t.object_code and c.account = t.account",
            "c.object_code || '/' || c.account = t.subject")
        flag = f"case when t.check_name = 'payroll_vs_ledger' then {withheld} end"
        parts = [f"case when x.suppression is null then {c} else '{PROTECTED_DETAIL}' end as {c}"
                 if c == "detail" else f"case when x.suppression is null then {c} end as {c}"
                 if c == "amount_sek" else c for c in columns]
        return (f"select {', '.join(parts)}, x.suppression from "
                f"(select t.*, {flag} as suppression from {mart} as t) as x")
    return f"select * from {mart}"
