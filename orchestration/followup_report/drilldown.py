"""The auditor's pages behind every money figure: per year, per initiative and year, and per
initiative and month with the voucher lines (file, series and number, date, account,
committee, object code, amount) and payroll per month and coding. DuckDB assembles the table
rows of the voucher pages, so Python holds one string per page, never one object per line.
A month's lines are paged (PAGE_LINES a page, the first page at the month's own address) so
that no page grows with the ledger; every page carries the month's totals. Payroll cells
that cover fewer than three people are blanked, as in the exports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import jinja2

from orchestration.followup_report.queries import rows, sql_escape, sql_kr

SMALL_CELL_LIMIT = 3
PAGE_LINES = 500  # voucher lines per page: a page stays readable and quick to open
KIND_LABELS = {"cost": "kostnad", "grant_income": "bidragsintäkt",
               "internal_compensation": "internersättning", "unknown_object_code":
               "okänd objektkod", "other": "övrigt"}


def month_href(initiative_id: str, year: int, month: int, page: int = 0) -> str:
    """The month's voucher lines; page 0 (the first) is the address every figure links to."""
    suffix = f"-s{page + 1}" if page else ""
    return f"verifikationer/{initiative_id}/{year}-{month:02d}{suffix}.html"


def year_href(initiative_id: str | None, year: int) -> str:
    return f"verifikationer/{initiative_id}/{year}.html" if initiative_id else \
        f"verifikationer/{year}.html"


def _line_html() -> str:
    """SQL for one ledger line as a table row."""
    kind = "case line_kind " + " ".join(f"when '{k}' then '{v}'" for k, v in KIND_LABELS.items()) \
        + " else line_kind end"
    cell = "concat('<td>', {}, '</td>')".format
    num = "concat('<td class=\"num\">', {}, '</td>')".format
    return ("concat('<tr>', " + ", ".join([
        cell(sql_escape("source_file")),
        f"concat('<td>', {sql_escape('voucher_series')}, '\u00a0', {sql_escape('voucher_number')},"
        f" '</td>')",
        cell("strftime(voucher_date, '%Y-%m-%d')"),
        cell(sql_escape("account")),
        cell(sql_escape("committee_id")),
        cell(sql_escape("object_code")),
        cell(kind),
        # null only where publication withholds it (fct_ledger_lines.amount_sek is never
        # null in the mart): a payroll line about fewer than three people
        num(f"case when amount_sek is null then 'skyddat' else {sql_kr('amount_sek')} end"),
        cell(sql_escape("transaction_text")),
    ]) + ", '</tr>')")


def _months(conn: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """One row per initiative and month with its totals (for the year pages and every page).
    Withheld payroll lines still count in the month's cost: the month's outcome as the
    report prints it (the lines shown plus those withheld; derivable from what is published)."""
    withheld = "count(*) filter (where amount_sek is null) > 0"
    cost = "sum(amount_sek) filter (where line_kind = 'cost')"
    return rows(conn, f"""
        with outcome as (
            select initiative_id, year, month, sum(outcome_sek) as outcome_sek
            from marts.rpt_budget_vs_outcome group by all)
        select initiative_id, year, month, count(*) as lines,
            case when {withheld} then max(o.outcome_sek) else {cost} end as cost,
            sum(amount_sek) filter (where line_kind = 'grant_income') as grant_income,
            sum(amount_sek) filter (where line_kind = 'internal_compensation') as compensation,
            case when {withheld} then coalesce(sum(amount_sek), 0) + max(o.outcome_sek)
                - coalesce({cost}, 0) else sum(amount_sek) end as total
        from marts.fct_ledger_lines
        left join outcome as o using (initiative_id, year, month)
        where initiative_id is not null
        group by initiative_id, year, month
        order by initiative_id, year, month""")


def _voucher_pages(conn: duckdb.DuckDBPyConnection, page_lines: int
                   ) -> Iterator[tuple[str, int, int, int, int, int, str]]:
    """(initiative, year, month, page, first line, last line, rows as HTML) per page, read a
    few pages at a time: memory holds a few pages, not the ledger."""
    cur = conn.execute(f"""
        with numbered as (
            select initiative_id, year, month, {_line_html()} as row_html,
                row_number() over (partition by initiative_id, year, month
                    order by voucher_date, voucher_series, voucher_number, source_file,
                             source_line) - 1 as n
            from marts.fct_ledger_lines
            where initiative_id is not null)
        select initiative_id, year, month, n // {int(page_lines)} as page,
            min(n) + 1 as first_line, max(n) + 1 as last_line,
            string_agg(row_html, '' order by n) as body
        from numbered
        group by all
        order by initiative_id, year, month, page""")
    while batch := cur.fetchmany(16):
        yield from batch


def _payroll_rows(conn: duckdb.DuckDBPyConnection) -> dict[tuple[str, int, int], str]:
    # published copies withhold these cells (orchestration/publish_privacy.py marks them in
    # `suppression`); a copy without that column is judged by its head counts
    marked = conn.execute("select count(*) from information_schema.columns where table_schema "
                          "= 'marts' and table_name = 'fct_payroll_monthly' and column_name = "
                          "'suppression'").fetchone()[0]
    small = f"(head_count is null or head_count < {SMALL_CELL_LIMIT}" + \
        (" or suppression is not null)" if marked else ")")
    blank = "'<td class=\"num\">–</td>'"

    def guarded(expr: str) -> str:
        cell = f"concat('<td class=\"num\">', {expr}, '</td>')"
        return f"case when {small} then {blank} else {cell} end"

    row = ("concat('<tr>', " + ", ".join([
        f"concat('<td>', {sql_escape('committee_id')}, '</td>')",
        f"concat('<td>', {sql_escape('account')}, '</td>')",
        f"concat('<td>', {sql_escape('responsibility_code')}, '</td>')",
        f"concat('<td>', {sql_escape('object_code')}, '</td>')",
        f"concat('<td>', {sql_escape('job_title')}, '</td>')",
        guarded(sql_kr("amount_sek")),
        guarded("replace(format('{:.1f}', cast(fte as double)), '.', ',')"),
        guarded("cast(head_count as varchar)"),
    ]) + ", '</tr>')")
    return {(r["initiative_id"], r["y"], r["m"]): r["body"] for r in rows(conn, f"""
        select initiative_id, year(month) as y, month(month) as m,
            string_agg({row}, '' order by committee_id, account, object_code, job_title) as body
        from marts.fct_payroll_monthly where initiative_id is not null
        group by all""")}


def write_drilldown(conn: duckdb.DuckDBPyConnection, env: jinja2.Environment, out: Path,
                    context: dict[str, Any], page_lines: int = PAGE_LINES) -> int:
    """Writes every voucher page; returns the number of pages."""
    names = {r["initiative_id"]: r["initiative_name"]
             for r in rows(conn, "select initiative_id, initiative_name "
                           "from marts.dim_initiatives")}
    months = _months(conn)
    by_key = {(m["initiative_id"], m["year"], m["month"]): m for m in months}
    payroll = _payroll_rows(conn)
    page = env.get_template("vouchers_month.html.j2")
    per_year = env.get_template("vouchers_year.html.j2")
    count = 0
    for iid, year, month, number, first, last, body in _voucher_pages(conn, page_lines):
        m = by_key[(iid, year, month)]
        pages = -(-m["lines"] // page_lines)
        target = out / month_href(iid, year, month, number)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.render(
            **context, root="../../", m=m, name=names.get(iid, iid), kinds=KIND_LABELS,
            rows_html=body, page=number, pages=pages, first_line=first, last_line=last,
            page_hrefs=[month_href(iid, year, month, k).rsplit("/", 1)[1]
                        for k in range(pages)],
            payroll_html=payroll.get((iid, year, month)) if number == 0 else None),
            encoding="utf-8")
        count += 1
    years = sorted({m["year"] for m in months})
    for y in years:
        in_year = [m for m in months if m["year"] == y]
        (out / year_href(None, y)).parent.mkdir(parents=True, exist_ok=True)
        (out / year_href(None, y)).write_text(per_year.render(
            **context, root="../", year=y, months=in_year, names=names, initiative=None,
            month_href=month_href), encoding="utf-8")
        count += 1
        for iid in sorted({m["initiative_id"] for m in in_year}):
            target = out / year_href(iid, y)
            target.write_text(per_year.render(
                **context, root="../../", year=y, names=names, initiative=iid,
                months=[m for m in in_year if m["initiative_id"] == iid], month_href=month_href),
                encoding="utf-8")
            count += 1
    return count
