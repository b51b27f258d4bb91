"""Is a fiscal year's ledger whole? Checked against its own balances, over all its files.

For every balance account, the opening balance (#IB) plus the year's #TRANS is the closing
balance (#UB); for every result account the year's #TRANS is its result (#RES). The balances
are taken once per fiscal year, from the loaded file that reaches furthest into the year (every
export repeats them); the #TRANS sums over every loaded file of the year. A file cut after a
whole voucher, or a period missing between period files, shows as a difference.

A file without any #UB (or #RES) is not checked on that side: SIE allows leaving them out."""

from __future__ import annotations

import duckdb

from orchestration import landing
from orchestration.defs.ledger.style import months_between_text

MAX_LISTED = 5


def check_fiscal_year(conn: duckdb.DuckDBPyConnection, file_key: str) -> str | None:
    """None when the year balances, else a Swedish sentence naming accounts and amounts."""
    files = conn.execute(
        "select file_name, covers_from, covers_to from landing.files where source = 'ledger' "
        "and status = 'loaded' and file_key = ? order by covers_to desc nulls last, "
        "file_name desc", [file_key]).fetchall()
    if not files or not landing.has_table(conn, "ledger_account_totals"):
        return None
    names = [n for n, _, _ in files]
    chosen = names[0]
    differences = conn.execute("""
        with balances as (
            select account,
                   sum(amount) filter (where record_type = 'IB') as ib,
                   sum(amount) filter (where record_type = 'UB') as ub,
                   sum(amount) filter (where record_type = 'RES') as res
            from landing.ledger_balances
            where source_file = $chosen and year_index = 0
              and record_type in ('IB', 'UB', 'RES')
            group by account
        ),
        year as (
            select extract(year from start_date)::integer as fiscal_year
            from landing.ledger_fiscal_years where source_file = $chosen and year_index = 0
        ),
        booked as (
            select account, sum(amount) as amount
            from landing.ledger_account_totals
            where source_file in (select unnest($files::varchar[]))
              and fiscal_year = (select fiscal_year from year)
            group by account
        ),
        kinds as (
            select account, any_value(account_type) as account_type
            from landing.ledger_accounts where source_file = $chosen group by account
        ),
        has as (
            select count(*) filter (where record_type = 'UB') > 0 as has_ub,
                   count(*) filter (where record_type = 'RES') > 0 as has_res
            from landing.ledger_balances where source_file = $chosen and year_index = 0
        ),
        accounts as (
            select coalesce(b.account, t.account) as account, b.ib, b.ub, b.res,
                   coalesce(t.amount, 0) as booked,
                   coalesce(k.account_type in ('T', 'S'),
                            left(coalesce(b.account, t.account), 1) in ('1', '2')) as is_balance
            from balances b full join booked t on t.account = b.account
            left join kinds k on k.account = coalesce(b.account, t.account)
        )
        select account, is_balance,
               case when is_balance then coalesce(ib, 0) + booked else booked end as computed,
               case when is_balance then coalesce(ub, 0) else coalesce(res, 0) end as declared
        from accounts, has
        where (is_balance and has_ub and coalesce(ib, 0) + booked <> coalesce(ub, 0))
           or (not is_balance and has_res and booked <> coalesce(res, 0))
        order by account""", {"chosen": chosen, "files": names}).fetchall()
    if not differences:
        return None
    shown = "; ".join(
        f"konto {account}: {'#IB + #TRANS' if is_balance else '#TRANS'} = "
        f"{_kr(computed)} men {'#UB' if is_balance else '#RES'} = {_kr(declared)} "
        f"(skillnad {_kr(computed - declared)})"
        for account, is_balance, computed, declared in differences[:MAX_LISTED])
    more = (f" och {len(differences) - MAX_LISTED} konton till"
            if len(differences) > MAX_LISTED else "")
    gaps = _missing_months(files, conn, chosen)
    missing = (f" Månader utan fil: {', '.join(gaps)}." if gaps else
               " Huvudboken är inte komplett (en avskuren fil?).")
    return (f"räkenskapsåret {file_key} går inte ihop över filerna {', '.join(sorted(names))}: "
            f"{shown}{more}.{missing} Det inlästa året ligger kvar")


def _missing_months(files: list[tuple], conn: duckdb.DuckDBPyConnection,
                    chosen: str) -> list[str]:
    """Months from the start of the fiscal year to the furthest file that no file covers."""
    start = conn.execute("select strftime(start_date, '%Y-%m') from landing.ledger_fiscal_years "
                         "where source_file = ? and year_index = 0", [chosen]).fetchall()
    ends = [last for _, _, last in files if last]
    if not start or not ends:
        return []
    covered = {m for _, first, last in files if first and last
               for m in months_between_text(first, last)}
    return [m for m in months_between_text(start[0][0], max(ends)) if m not in covered]


def _kr(amount) -> str:
    """1 234 567,50 kr, the Swedish way."""
    text = f"{amount:,.2f}".replace(",", " ").replace(".", ",")
    return f"{text} kr"
