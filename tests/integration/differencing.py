"""A BI user's attack on the published copy: every route we know to recover a withheld payroll
amount by differencing published tables, checked against the working warehouse's truth.

`attack()` returns the leaks it found (empty: nothing recovered) and the residual groups:
initiative, committee and month whose whole payroll covers fewer than three people, where the
published monthly cost less its visible lines is that payroll's sum (docs/operations.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

LIMIT = 3
CELL = "initiative_id, committee_id, year, month, account, responsibility_code, object_code"
GROUP = "initiative_id, committee_id, year, month"
FINE = "initiative_id, committee_id, object_code, year, month"  # publish_privacy's group
PAYROLL_KEY = ("month", "initiative_id", "committee_id", "account", "responsibility_code",
               "object_code", "job_title", "source_file")
AMOUNT = re.compile(r"−?-?\d{1,3}(?:[\u202f\u00a0 ]\d{3})*,\d{2}|-?\d+\.\d{2}\b")


@dataclass
class Attack:
    leaks: list[str] = field(default_factory=list)
    residual: list[tuple] = field(default_factory=list)
    routes: dict[str, int] = field(default_factory=dict)  # route: comparisons made


def _truth(conn: duckdb.DuckDBPyConnection) -> None:
    """What the working warehouse knows: people per payroll cell and what is withheld."""
    key = " and ".join(f"p.{c} is not distinct from w.{c}" for c in PAYROLL_KEY)
    conn.execute(f"""
        create or replace temp table pay as
        select w.*, cast(year(w.month) as integer) as y, cast(month(w.month) as integer) as m,
            p.amount_sek as published_sek, p.head_count as published_head_count
        from work.marts.fct_payroll_monthly as w
        join pub.marts.fct_payroll_monthly as p on {key}""")
    paired = conn.execute("select count(*) from pay").fetchone()[0]
    assert paired == conn.execute(
        "select count(*) from work.marts.fct_payroll_monthly").fetchone()[0], \
        "payroll rows are one per key (month, coding, job title, file)"
    conn.execute("""
        create or replace temp table cells as
        select initiative_id, committee_id, y as year, m as month, account,
            responsibility_code, object_code, sum(head_count) as people
        from pay group by all""")
    conn.execute(f"""
        create or replace temp table lines as
        select w.*, p.amount_sek as published_sek, coalesce(c.people, 0) as people,
            w.voucher_series in (select payroll_series
                                 from work.staging.stg_registry__ledger_settings) as payroll
        from work.marts.fct_ledger_lines as w
        join pub.marts.fct_ledger_lines as p on p.ledger_line_id = w.ledger_line_id
        left join cells as c on {_same(CELL, 'c', 'w')}""")
    # publish_privacy's groups, and the residual ones: all payroll withheld, under three people
    conn.execute(f"""
        create or replace temp table fine as
        with c as (
            select {CELL}, max(people) as people, bool_and(published_sek is null) as withheld
            from lines where payroll and initiative_id is not null group by all),
        a as (
            select {FINE}, account, sum(people) as n, bool_and(withheld) as withheld
            from c group by all)
        select {FINE}, max(n) as people, bool_and(withheld) as all_withheld
        from a group by all""")
    conn.execute(f"""
        create or replace temp table lines as
        select l.*, coalesce(f.all_withheld and f.people < {LIMIT}, false) as fine_residual
        from lines as l left join fine as f on {_same(FINE, 'f', 'l')}""")


def _same(columns: str, left: str, right: str) -> str:
    return " and ".join(f"{left}.{c} is not distinct from {right}.{c}"
                        for c in columns.split(", "))


def _people(rows: str, group: str) -> str:
    """People a set of withheld units covers: per account added up, the largest account."""
    return f"""select {group}, max(n) as people from (
        select {group}, account, sum(people) as n from ({rows}) group by all) group by all"""


def attack(published: Path, working: Path) -> Attack:
    """`published` is one version folder (governance.duckdb, parquet/, csv/, rapporter/)."""
    out = Attack()
    with duckdb.connect() as conn:
        conn.execute(f"attach '{published / 'governance.duckdb'}' as pub (read_only)")
        conn.execute(f"attach '{working}' as work (read_only)")
        _truth(conn)
        _direct(conn, published, out)
        _line_less_rows(conn, out)
        _group_totals(conn, out)
        _year_totals(conn, out)
        _reconciliation(conn, out)
        _values_anywhere(conn, published, out)
    return out


def _direct(conn: duckdb.DuckDBPyConnection, published: Path, out: Attack) -> None:
    """Shown outright: a payroll row or a payroll line about fewer than three people in the
    DuckDB copy; the exports show no amount the copy withholds (same visible amounts)."""
    shown = conn.execute(f"select count(*) from pay where head_count < {LIMIT} "
                         "and published_sek is not null").fetchone()[0]
    if shown:
        out.leaks.append(f"{shown} lönerader om färre än tre personer visas")
    shown = conn.execute(f"select count(*) from lines where payroll and people < {LIMIT} "
                         "and published_sek is not null").fetchone()[0]
    if shown:
        out.leaks.append(f"{shown} lönerader i huvudboken om färre än tre personer visas")
    out.routes["payroll rows and lines shown outright"] = 2
    for table in ("fct_payroll_monthly", "fct_ledger_lines", "rpt_reconciliation",
                  "fct_findings"):
        copy = conn.execute(f"select list(amount_sek::varchar order by amount_sek) "
                            f"from pub.marts.{table}").fetchone()[0] if table != \
            "rpt_reconciliation" else conn.execute(
                "select list(expected_sek::varchar order by expected_sek) "
                "from pub.marts.rpt_reconciliation").fetchone()[0]
        column = "expected_sek" if table == "rpt_reconciliation" else "amount_sek"
        parquet = conn.execute(
            f"select list({column}::varchar order by {column}) from "
            f"'{published / 'parquet' / f'{table}.parquet'}'").fetchone()[0]
        csv = conn.execute(
            f"select list(replace({column}, ',', '.') order by "
            f"cast(replace({column}, ',', '.') as decimal(18, 2))) from "
            f"read_csv('{published / 'csv' / f'{table}.csv'}', delim=';', header=true, "
            "all_varchar=true)").fetchone()[0]
        out.routes[f"{table} exports against the copy"] = 2
        if parquet != copy or csv != copy:
            out.leaks.append(f"{table}: exporterna visar andra belopp än kopian")


def _line_less_rows(conn: duckdb.DuckDBPyConnection, out: Attack) -> None:
    """A payroll cell's published ledger lines less its published payroll rows."""
    found = conn.execute(f"""
        with shown_cells as (
            select {CELL} from lines where payroll group by all
            having count(*) = count(published_sek)),
        withheld as (
            select w.initiative_id, w.committee_id, w.y as year, w.m as month, w.account,
                w.responsibility_code, w.object_code, w.head_count as people
            from pay as w where w.published_sek is null)
        select {CELL}, sum(people) from withheld join shown_cells using ({CELL})
        group by all having sum(people) between 1 and {LIMIT - 1}""").fetchall()
    out.routes["ledger cell less payroll rows"] = conn.execute(
        "select count(distinct (object_code, year, month)) from lines where payroll").fetchone()[0]
    out.leaks += [f"cell {r[:-1]}: lines less rows cover {r[-1]} people" for r in found]


def _scope_totals(conn: duckdb.DuckDBPyConnection, out: Attack, route: str, totals: str,
                  key: str, exact: bool) -> None:
    """A published total over cost lines (`totals`: `key` and total) less the cost lines
    shown in its scope: the withheld lines' sum. It must cover three people, unless every
    withheld line in it belongs to a residual group."""
    cell_people = f"""select {key}, account, responsibility_code, max(people) as people
        from lines where payroll and published_sek is null and line_kind = 'cost'
        group by all"""
    rows = conn.execute(f"""
        with total as ({totals}),
        scope as (
            select {key}, coalesce(sum(published_sek), 0) as shown,
                coalesce(sum(amount_sek) filter (where published_sek is null), 0) as withheld,
                count(*) filter (where published_sek is null) as withheld_lines,
                coalesce(bool_and(fine_residual) filter (where published_sek is null), true)
                    as residual
            from lines where line_kind = 'cost' group by all),
        people as ({_people(cell_people, key)})
        select {key}, t.total - s.shown, s.withheld, s.withheld_lines, coalesce(p.people, 0),
            s.residual
        from total as t join scope as s using ({key}) left join people as p using ({key})
        """).fetchall()
    out.routes[route] = len(rows)
    for *scope, derived, withheld, n, people, residual in rows:
        if exact and derived != withheld:  # the route is real: it derives what was withheld
            out.leaks.append(f"{route} {scope}: derives {derived}, withheld {withheld}")
        if n and people < LIMIT and not residual:
            out.leaks.append(f"{route} {scope}: withheld lines cover {people} people")


def _group_totals(conn: duckdb.DuckDBPyConnection, out: Attack) -> None:
    """rpt_budget_vs_outcome's outcome per initiative, committee and month (over funding
    sources), and KLK's compensation lines per committee, initiative, object code and month,
    each less the visible cost lines; and which groups are residual."""
    _scope_totals(conn, out, "outcome less lines", """
        select initiative_id, committee as committee_id, year, month, sum(outcome_sek) as total
        from pub.marts.rpt_budget_vs_outcome group by all""", GROUP, exact=True)
    _scope_totals(conn, out, "compensation less lines", f"""
        select {FINE}, -sum(published_sek) as total from lines
        where line_kind = 'internal_compensation' and published_sek is not null
        group by all""", FINE, exact=False)
    out.residual = [r for r in conn.execute(
        f"select {FINE} from fine where all_withheld and people < {LIMIT} order by all"
    ).fetchall()]


def _year_totals(conn: duckdb.DuckDBPyConnection, out: Attack) -> None:
    """rpt_cost_results and rpt_funding_by_source per initiative and year less the visible
    cost lines: may only ever give sums the group route already allows."""
    for table, column in (("rpt_cost_results", "cost_sek"), ("rpt_funding_by_source",
                                                              "amount_sek")):
        rows = conn.execute(f"""
            with total as (select initiative_id, year, sum({column}) as total
                           from pub.marts.{table} group by all),
            shown as (select initiative_id, year, coalesce(sum(published_sek), 0) as shown,
                          coalesce(sum(amount_sek) filter (where published_sek is null), 0)
                              as withheld
                      from lines where line_kind = 'cost' group by all)
            select initiative_id, year, total - shown, withheld
            from total join shown using (initiative_id, year)""").fetchall()
        out.routes[f"{table} less lines"] = len(rows)
        out.leaks += [f"{table} {r[:2]}: derives {r[2]}, withheld {r[3]}" for r in rows
                      if r[2] != r[3]]


def _reconciliation(conn: duckdb.DuckDBPyConnection, out: Attack) -> None:
    """payroll_vs_ledger's expected (payroll) and actual (ledger) per month, account and
    object code, less the visible payroll rows and lines there."""
    found = conn.execute(f"""
        with rec as (
            select period, account, object_code, expected_sek, actual_sek, difference_sek
            from pub.marts.rpt_reconciliation where kind = 'payroll_vs_ledger'),
        withheld as (
            select strftime(w.month, '%Y-%m') as period, w.account, w.object_code,
                w.head_count as people
            from pay as w where w.published_sek is null)
        select r.period, r.account, r.object_code, sum(w.people)
        from rec as r join withheld as w using (period, account, object_code)
        where r.expected_sek is not null or r.actual_sek is not null
            or r.difference_sek is not null
        group by all having sum(w.people) < {LIMIT}""").fetchall()
    out.routes["reconciliation less rows"] = conn.execute(
        "select count(*) from pub.marts.rpt_reconciliation").fetchone()[0]
    out.leaks += [f"reconciliation {r[:3]}: shows amounts over {r[3]} people" for r in found]


def _swedish(amount: Decimal) -> set[str]:
    plain = f"{abs(amount):.2f}"
    whole, ore = plain.split(".")
    grouped = f"{int(whole):,}".replace(",", " ")
    return {plain, f"{grouped},{ore}", f"{whole},{ore}"}


def _normal(token: str) -> str:
    return re.sub(r"[\u202f\u00a0 −-]", "", token).replace(",", ".")


def _values_anywhere(conn: duckdb.DuckDBPyConnection, published: Path, out: Attack) -> None:
    """A withheld payroll row's, line's or cell's amount, written out anywhere a reader
    gets text: the findings' messages, every CSV, every report and voucher page."""
    withheld = {abs(Decimal(r[0])) for r in conn.execute("""
        select amount_sek from pay where published_sek is null
        union all select amount_sek from lines where published_sek is null
        union all select sum(amount_sek) from lines where published_sek is null
            group by initiative_id, committee_id, year, month, account, responsibility_code,
                object_code""").fetchall() if r[0] is not None}
    # amounts also published openly (a budget of the same size) are no leak
    shown: set[Decimal] = set()
    for table, in conn.execute("select table_name from duckdb_tables() "
                               "where database_name = 'pub' and schema_name = 'marts'").fetchall():
        for name, kind, *_ in conn.execute(f"describe pub.marts.{table}").fetchall():
            if kind.startswith("DECIMAL"):
                shown |= {abs(r[0]) for r in conn.execute(
                    f"select distinct {name} from pub.marts.{table} "
                    f"where {name} is not null").fetchall()}
    secret = {_normal(s) for a in withheld - shown for s in _swedish(a)}
    files = [p for p in published.rglob("*") if p.suffix in (".csv", ".html", ".json")]
    hits = []
    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        hits += [f"{path.relative_to(published)}: {t}" for t in AMOUNT.findall(text)
                 if _normal(t) in secret]
    out.routes["withheld amounts in text files"] = len(files)
    out.leaks += hits[:20]
