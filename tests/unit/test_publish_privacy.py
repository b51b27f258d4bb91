"""The suppression rule on a small warehouse made for it: primary cells, the secondary cells
that keep them from being derived from the group's total, rows inside a published cell, and a
group too small to protect. The sample has no case that needs secondary suppression (its job
titles are either small or cover a whole cell), so these cases are built here."""

from __future__ import annotations

import duckdb

from orchestration.publish_privacy import prepare, published_select

PAYROLL = [  # account, responsibility, object, job title, head count, amount
    ("5020", "R1", "O1", "Samordnare", 1, 40000),        # cell A: 1 person (primary)
    ("5020", "R2", "O1", "Fältassistent", 4, 120000),    # cell B: 4 people
    ("5020", "R3", "O1", "Socialsekreterare", 5, 180000),  # cell C: 5 + 1 people
    ("5020", "R3", "O1", "Enhetschef", 1, 55000),
    ("5610", "R1", "O1", "Samordnare", 1, 12000),        # the same people's contributions
    ("5610", "R2", "O1", "Fältassistent", 4, 36000),
    ("5610", "R3", "O1", "Socialsekreterare", 5, 54000),
    ("5610", "R3", "O1", "Enhetschef", 1, 16500),
    ("5020", "R9", "O2", "Lovledare", 2, 30000),         # a group of two people only
]


def _warehouse(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute("attach ':memory:' as src")
    conn.execute("create schema src.marts")
    conn.execute("create schema src.staging")
    conn.execute("create table src.staging.stg_registry__ledger_settings as "
                 "select 'L' as payroll_series")
    conn.execute("""create table src.marts.fct_payroll_monthly (month date, period varchar,
        initiative_id varchar, committee_id varchar, account varchar,
        responsibility_code varchar, object_code varchar, job_title varchar,
        amount_sek decimal(18, 2), hours decimal(18, 2), head_count integer,
        fte decimal(10, 2), source_file varchar)""")
    conn.execute("""create table src.marts.fct_ledger_lines (ledger_line_id varchar,
        voucher_series varchar, year integer, month integer, account varchar,
        committee_id varchar, responsibility_code varchar, object_code varchar,
        initiative_id varchar, line_kind varchar, amount_sek decimal(18, 2))""")
    for account, resp, obj, title, people, amount in PAYROLL:
        initiative = "stor" if obj == "O1" else "liten"
        conn.execute("insert into src.marts.fct_payroll_monthly values ('2023-03-01', "
                     "'2023-03', ?, 'SN', ?, ?, ?, ?, ?, 0, ?, 1, 'lon_2023-03.csv')",
                     [initiative, account, resp, obj, title, amount, people])
    conn.execute("""insert into src.marts.fct_ledger_lines
        select 'l' || row_number() over (), 'L', 2023, 3, account, 'SN', responsibility_code,
            object_code, initiative_id, 'cost', sum(amount_sek)
        from src.marts.fct_payroll_monthly group by all""")
    conn.execute("insert into src.marts.fct_ledger_lines values ('inv1', 'A', 2023, 3, "
                 "'4010', 'SN', 'R1', 'O1', 'stor', 'cost', 9999)")


def _published(conn: duckdb.DuckDBPyConnection, table: str) -> list[tuple]:
    return conn.execute(f"select * from ({published_select(conn, table)}) "
                        "order by all").fetchall()


def test_primary_secondary_and_the_rows_of_a_published_cell() -> None:
    with duckdb.connect() as conn:
        _warehouse(conn)
        prepare(conn)
        cells = {(r[0], r[1], r[2]): r[3] for r in conn.execute(
            "select responsibility_code, account, object_code, suppression "
            "from privacy_cells").fetchall()}
        # A is one person (wages and contributions); withheld alone, A would be the group's
        # total less the lines shown, so the smallest other cell (B's wages) is withheld too:
        # the withheld sum then covers five people (counted on the account with most)
        assert cells[("R1", "5020", "O1")] == cells[("R1", "5610", "O1")] == "primary"
        assert cells[("R2", "5020", "O1")] == "secondary"
        assert cells[("R2", "5610", "O1")] is None
        assert cells[("R3", "5020", "O1")] is None and cells[("R3", "5610", "O1")] is None
        assert cells[("R9", "5020", "O2")] == "primary"  # a group of two: all of it
        rows = {(r[0], r[1]): (r[2], r[3]) for r in conn.execute(
            f"select job_title, account, amount_sek, suppression "
            f"from ({published_select(conn, 'fct_payroll_monthly')})").fetchall()}
        # inside the published cell C: the manager (1) and, so that C's line less the
        # social workers' row does not give the manager's pay, the social workers (5) too
        assert rows[("Enhetschef", "5020")] == (None, "primary")
        assert rows[("Socialsekreterare", "5020")] == (None, "secondary")
        assert rows[("Fältassistent", "5020")] == (None, "secondary")
        lines = {r[0]: (r[-2], r[-1]) for r in _published(conn, "fct_ledger_lines")}
        shown = [k for k, (amount, flag) in lines.items() if amount is not None]
        assert len(shown) == 4 and lines["inv1"] == (9999, None)  # B's contributions, C, invoice
        assert all(flag in ("primary", "secondary") for k, (a, flag) in lines.items()
                   if a is None)


def test_without_secondary_suppression_the_group_total_gives_the_person_away() -> None:
    """What the rule prevents: with primary suppression alone, the published lines of the
    group and its total (here: the sum of all its lines) leave one person's pay."""
    with duckdb.connect() as conn:
        _warehouse(conn)
        prepare(conn)
        conn.execute("update privacy_cells set suppression = null "
                     "where suppression = 'secondary'")  # the rule weakened
        lines = _published(conn, "fct_ledger_lines")
        total = conn.execute("select sum(amount_sek) from src.marts.fct_ledger_lines "
                             "where object_code = 'O1'").fetchone()[0]
        derived = total - sum(r[-2] for r in lines if r[-2] is not None and r[7] == "O1")
        assert derived == 40000 + 12000  # the coordinator's salary and contributions
