"""Invariants that hold for any municipality's mart, whatever its registry shape: checked on
both sample profiles (tests/integration/test_profiles.py) and on random registry shapes and
deliveries (tests/property/). Each returns nothing and fails with what differs."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import answers
import duckdb


def _rows(conn: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return conn.execute(sql).fetchall()


def programme_lines_equal_the_mart(conn: duckdb.DuckDBPyConnection, a: answers.Answers) -> None:
    expected: dict[tuple[int, str], list] = defaultdict(lambda: [0, Decimal(0)])
    for line in a.programme:
        expected[(line.year, line.account)][0] += 1
        expected[(line.year, line.account)][1] += line.amount
    found = {(y, acc): [n, s] for y, acc, n, s in _rows(
        conn, "select year(voucher_date), account, count(*), sum(amount_sek) "
              "from marts.fct_ledger_lines group by all")}
    assert found == dict(expected)


def funding_sums_to_cost(conn: duckdb.DuckDBPyConnection, a: answers.Answers) -> None:
    rows = _rows(conn, "select initiative_id, year, sum(amount_sek), min(cost_sek), "
                       "max(cost_sek) from marts.rpt_funding_by_source group by all")
    assert {(i, y): s for i, y, s, _, _ in rows} == a.cost
    assert all(lo == hi == s for _, _, s, lo, hi in rows)


def no_source_pays_more_than_it_has(conn: duckdb.DuckDBPyConnection, raw_grants: list[dict],
                                    a: answers.Answers) -> None:
    paid = {(i, y, s): v for i, y, s, v in _rows(
        conn, "select initiative_id, year, funding_source, amount_sek "
              "from marts.rpt_funding_by_source")}
    assert all(v >= 0 for (_, _, s), v in paid.items() if s != "frame"), paid
    shares = _rows(conn, "select grant_id, initiative_id, year, share_sek "
                         "from intermediate.int_grants__initiative_shares")
    granted = {d["grant_id"]: Decimal(d["amount_sek"]) for d in raw_grants}
    per_grant: dict[str, Decimal] = defaultdict(Decimal)
    per_initiative: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for g, i, y, share in shares:
        per_grant[g] += share
        per_initiative[(i, y)] += share
    assert all(per_grant[g] <= granted[g] for g in per_grant), (per_grant, granted)
    for (i, y, s), v in paid.items():
        if s == "state_grant":
            assert v <= per_initiative.get((i, y), Decimal(0)), (i, y, v)
    pools = _rows(conn, "select mandate_project_code, year, mandate_used_sek, "
                        "mandate_available_sek from marts.rpt_mandate_projects")
    project_of = {i["id"]: i.get("mandate_project") for i in a.reg["initiatives"]}
    mandate_paid: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for (i, y, s), v in paid.items():
        if s == "mandate":
            mandate_paid[(project_of[i], y)] += v
    for p, y, used, available in pools:
        assert mandate_paid.get((p, y), Decimal(0)) == used <= available, (p, y)
        # available is the year's allocation plus what earlier years left (carry-over)
        assert available == a.mandate_available[(p, y)], (p, y, available)


def planted_found_and_nothing_else(conn: duckdb.DuckDBPyConnection,
                                   expected: set[tuple[str, str, str | None]]) -> None:
    found = set(_rows(conn, "select check_name, subject, period from marts.fct_findings "
                            "where is_open"))
    assert found == expected, {"unexpected": found - expected, "missed": expected - found}


KNOWN_DIMENSIONS = ("responsibility", "activity", "project", "object", "counterpart")


def _as_dict(value: object) -> dict | None:
    """A DuckDB MAP as Python gives it back (a dict, or keys and values side by side)."""
    if value is None or isinstance(value, dict) and set(value) != {"key", "value"}:
        return value  # type: ignore[return-value]
    return dict(zip(value["key"], value["value"], strict=True))  # type: ignore[index]


def dimensions_reach_the_mart(conn: duckdb.DuckDBPyConnection, a: answers.Answers) -> None:
    """Every programme line carries its counterpart and free dimensions into fct_ledger_lines
    as written: the counterpart in its column, every other declared dimension under its name
    in free_dimensions (null where the line has none); null where none is declared."""
    free = sorted(set(a.reg["ledger"]["dimensions"]) - set(KNOWN_DIMENSIONS))
    expected: dict[tuple, int] = defaultdict(int)
    for line in a.programme:
        extra = {n: line.codes.get(n) for n in free} if free else None
        key = (line.account, line.amount, line.codes.get("counterpart"),
               tuple(sorted(extra.items())) if extra is not None else None)
        expected[key] += 1
    found: dict[tuple, int] = defaultdict(int)
    for account, amount, counterpart, extra in _rows(
            conn, "select account, amount_sek, counterpart_code, free_dimensions "
                  "from marts.fct_ledger_lines"):
        extra = _as_dict(extra)
        found[(account, amount, counterpart,
               tuple(sorted(extra.items())) if extra is not None else None)] += 1
    assert dict(found) == dict(expected), {"unexpected": set(found) - set(expected),
                                           "missed": set(expected) - set(found)}


LEDGER_STAGING = ("stg_ledger__transactions", "stg_ledger__budgets", "stg_ledger__balances")


def ledger_staging_has_every_dimension(conn: duckdb.DuckDBPyConnection) -> None:
    """Each ledger staging model yields every known dimension's column and free_dimensions,
    whatever the registry declares: the models downstream never depend on its shape."""
    wanted = {f"{d}_code" for d in KNOWN_DIMENSIONS} | {"free_dimensions"}
    for model in LEDGER_STAGING:
        have = {r[0] for r in _rows(conn, "select column_name from information_schema.columns "
                                          f"where table_name = '{model}'")}
        assert wanted <= have, (model, wanted - have)
