"""What a municipality's SIE export tells about its registry: dimensions, responsibility,
project and object codes with their names, bookings per year and the accounts in use.

The file is parsed by the pipeline's own reader (`read_sie`) into a scratch folder, twice: once
to learn which dimensions exist, once with every dimension as a column. DuckDB sums the rows;
no Python object per ledger row.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

from orchestration.readers.sie import read_sie

# SIE 4's reserved dimension numbers (the free ones, 20 and up, are named by #DIM).
SIE_RESERVED = {1: "responsibility", 2: "cost_bearer", 6: "project", 7: "employee",
                8: "customer", 9: "supplier", 10: "invoice"}
# Dimensions that hold people: never drafted into the registry (names are personal data).
PERSONAL = {7}
_NAME_HINTS = (("objekt", "object"), ("ansvar", "responsibility"), ("projekt", "project"),
               ("verksamhet", "activity"), ("aktivitet", "activity"))


@dataclass
class SieFacts:
    files: list[str]
    company_name: str | None
    years: list[int]
    dimensions: dict[int, str]  # number -> the name #DIM gives
    names: dict[int, dict[str, str]]  # dimension -> code -> #OBJEKT name
    # (dimension, code) -> year -> cost booked (net, on the BAS cost classes 4-7)
    booked: dict[tuple[int, str], dict[int, Decimal]] = field(default_factory=dict)
    budget: dict[tuple[int, str], dict[int, Decimal]] = field(default_factory=dict)
    # object code -> responsibility codes it is booked under
    object_responsibility: dict[str, set[str]] = field(default_factory=dict)
    account_classes: list[str] = field(default_factory=list)
    series: dict[str, int] = field(default_factory=dict)  # series -> vouchers about pay
    warnings: list[str] = field(default_factory=list)


def is_personal(number: int, name: str | None) -> bool:
    """Dimension 7 (Anställd) or any dimension named for people: never drafted."""
    return number in PERSONAL or any(w in (name or "").lower()
                                     for w in ("anställd", "person", "medarbetare"))


def guess_roles(dimensions: dict[int, str]) -> dict[str, int]:
    """Registry dimension name -> SIE number, from #DIM names and SIE 4's reserved numbers."""
    roles: dict[str, int] = {}
    for number, name in sorted(dimensions.items()):
        if is_personal(number, name):
            continue
        low = (name or "").lower()
        role = next((r for hint, r in _NAME_HINTS if hint in low), None)
        role = role or SIE_RESERVED.get(number)
        if role and role not in roles and role in ("responsibility", "project", "activity",
                                                    "object"):
            roles[role] = number
    return roles


def _scalar_rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def read_facts(paths: list[Path]) -> SieFacts:
    facts = SieFacts([p.name for p in paths], None, [], {}, {})
    with tempfile.TemporaryDirectory(prefix="uppfoljning-init-") as scratch:
        con = duckdb.connect()
        for n, path in enumerate(paths):
            first = Path(scratch) / f"{n}a"
            summary = read_sie(path, first, {})
            facts.company_name = facts.company_name or summary.company_name
            facts.warnings += [f"{path.name}: {w['message']}" for w in summary.warnings[:20]]
            for number, name in _scalar_rows(
                    con, f"select dimension_no, name from '{first}/dimensions.parquet'"):
                facts.dimensions.setdefault(number, name)
            for number, code, name in _scalar_rows(
                    con, f"select dimension_no, object_code, name from "
                         f"'{first}/objects.parquet' where object_code is not null"):
                facts.dimensions.setdefault(number, "")
                if not is_personal(number, facts.dimensions[number]):  # no names of people
                    facts.names.setdefault(number, {}).setdefault(code, name)
            dims = {f"d{k}": k for k, name in sorted(facts.dimensions.items())
                    if not is_personal(k, name)}
            second = Path(scratch) / f"{n}b"
            read_sie(path, second, dims)
            _sum(con, facts, second, dims)
        con.close()
    facts.years = sorted({y for by_year in facts.booked.values() for y in by_year})
    return facts


def _sum(con: duckdb.DuckDBPyConnection, facts: SieFacts, folder: Path,
         dims: dict[str, int]) -> None:
    tx = f"'{folder}/transactions.parquet'"
    for col, number in dims.items():
        for code, year, amount in _scalar_rows(
                con, f"select {col}_code, fiscal_year, sum(amount) from {tx} "
                     f"where counts_in_ledger and {col}_code is not null "
                     f"and left(account, 1) in ('4', '5', '6', '7') group by all"):
            by_year = facts.booked.setdefault((number, code), {})
            by_year[year] = by_year.get(year, Decimal(0)) + amount
        for code, year, amount in _scalar_rows(
                con, f"select b.{col}_code, year(f.start_date) + 0, sum(b.amount) "
                     f"from '{folder}/budgets.parquet' b join '{folder}/fiscal_years.parquet' f "
                     f"on f.year_index = b.year_index "
                     f"where b.{col}_code is not null group by all"):
            by_year = facts.budget.setdefault((number, code), {})
            by_year[year] = by_year.get(year, Decimal(0)) + amount
    roles = guess_roles(facts.dimensions)
    if "object" in roles and "responsibility" in roles:
        o, r = f"d{roles['object']}_code", f"d{roles['responsibility']}_code"
        for obj, resp in _scalar_rows(con, f"select distinct {o}, {r} from {tx} where "
                                           f"{o} is not null and {r} is not null"):
            facts.object_responsibility.setdefault(obj, set()).add(resp)
    classes = {c for (c,) in _scalar_rows(
        con, f"select distinct left(account, 1) from {tx} where counts_in_ledger")}
    facts.account_classes = sorted(set(facts.account_classes) | classes)
    for series, count in _scalar_rows(
            con, f"select voucher_series, count(distinct voucher_number) from {tx} "
                 "where lower(voucher_text) like '%lön%' group by 1"):
        facts.series[series] = facts.series.get(series, 0) + count
