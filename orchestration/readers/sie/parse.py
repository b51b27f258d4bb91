"""One chunk of lines at a time: DuckDB SQL over the whole chunk, never a Python object per row.

A chunk never splits a voucher, so everything about a voucher (its rows, its sum, a missing
#RTRANS twin) is decided inside one chunk (vouchers.py). The records outside vouchers are read
here: small declarations (#KONTO, #KTYP, #SRU, #DIM, #UNDERDIM, #OBJEKT, #RAR) are gathered in
DuckDB tables across chunks and written at the end; balances and budgets go to Parquet chunk by
chunk; the identification records (#FLAGGA, #PROGRAM, #GEN, ...) feed the summary.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import tokens, vouchers
from .object_lists import object_list_sql
from .structure import RECORD, VER
from .structure import LineError as ChunkError
from .summary import TEXTS, WarningLog
from .tokens import sql_literal as lit

# Records the reader understands; any other label is counted as unknown.
KNOWN_RECORDS = frozenset(
    (
        "#FLAGGA", "#PROGRAM", "#FORMAT", "#GEN", "#SIETYP", "#PROSA", "#FTYP", "#FNR", "#ORGNR",
        "#BKOD", "#ADRESS", "#FNAMN", "#RAR", "#TAXAR", "#OMFATTN", "#KPTYP", "#VALUTA", "#KONTO",
        "#KTYP", "#ENHET", "#SRU", "#DIM", "#UNDERDIM", "#OBJEKT", "#IB", "#UB", "#OIB", "#OUB",
        "#RES", "#PSALDO", "#PBUDGET", "#VER", "#TRANS", "#RTRANS", "#BTRANS", "#KSUMMA",
    )
)
META_RECORDS = ("#FLAGGA", "#PROGRAM", "#FORMAT", "#GEN", "#SIETYP", "#FNAMN", "#ORGNR")
BALANCE_RECORDS = ("#IB", "#UB", "#OIB", "#OUB", "#RES", "#PSALDO", "#PBUDGET")


# The declarations (#KONTO, #KTYP, ...) of every chunk, kept as their fields in one table and
# read through a view per kind: one insert a chunk instead of one per kind it holds.
DECLARATIONS = frozenset(("#KONTO", "#KTYP", "#SRU", "#DIM", "#UNDERDIM", "#OBJEKT"))
DECLARATIONS_TABLE = "CREATE TEMP TABLE acc_decl(tag VARCHAR, f VARCHAR[], ln BIGINT)"
_NAME_FROM = "array_to_string(list_transform(f[{i}:], lambda x: sie_unq(x)), ' ')"
DECLARATION_VIEWS = (
    "CREATE TEMP VIEW acc_konto AS SELECT sie_unq(f[2]) AS account, "
    + _NAME_FROM.format(i=3) + " AS name, ln FROM acc_decl WHERE tag = '#KONTO' AND len(f) >= 2",
    "CREATE TEMP VIEW acc_ktyp AS SELECT sie_unq(f[2]) AS account, sie_unq(f[3]) AS account_type,"
    " ln FROM acc_decl WHERE tag = '#KTYP' AND len(f) >= 3",
    "CREATE TEMP VIEW acc_sru AS SELECT sie_unq(f[2]) AS account, sie_unq(f[3]) AS sru_code, ln"
    " FROM acc_decl WHERE tag = '#SRU' AND len(f) >= 3",
    "CREATE TEMP VIEW acc_dim AS SELECT TRY_CAST(sie_unq(f[2]) AS INTEGER) AS dimension_no, "
    + _NAME_FROM.format(i=3) + " AS name, NULL::INTEGER AS parent_dimension, ln FROM acc_decl"
    " WHERE tag = '#DIM' UNION ALL SELECT TRY_CAST(sie_unq(f[2]) AS INTEGER), sie_unq(f[3]),"
    " TRY_CAST(sie_unq(f[4]) AS INTEGER), ln FROM acc_decl WHERE tag = '#UNDERDIM'",
    "CREATE TEMP VIEW acc_obj AS SELECT TRY_CAST(sie_unq(f[2]) AS INTEGER) AS dimension_no,"
    " sie_unq(f[3]) AS object_code, " + _NAME_FROM.format(i=4)
    + " AS name, ln FROM acc_decl WHERE tag = '#OBJEKT'",
)


@dataclass(frozen=True)
class FiscalYear:
    year_index: int
    start: date
    end: date
    line: int


def _in_list(values: tuple[str, ...] | frozenset[str]) -> str:
    return "(" + ", ".join(lit(v) for v in sorted(values)) + ")"


def fiscal_year_sql(column: str, years: list[FiscalYear]) -> str:
    """SQL for the fiscal year (the calendar year its #RAR starts in) holding a date."""
    if not years:
        return "NULL::INTEGER"
    arms = " ".join(
        f"WHEN {column} BETWEEN DATE '{y.start.isoformat()}' AND DATE '{y.end.isoformat()}' "
        f"THEN {y.start.year}"
        for y in sorted(years, key=lambda y: -y.year_index)  # year 0 wins an overlap
    )
    return f"(CASE {arms} END)::INTEGER"


def in_fiscal_years_sql(column: str, years: list[FiscalYear]) -> str:
    if not years:
        return "TRUE"
    return "(" + " OR ".join(
        f"{column} BETWEEN DATE '{y.start.isoformat()}' AND DATE '{y.end.isoformat()}'"
        for y in years
    ) + ")"


class Outputs(Protocol):
    """Where a parser sends its results (implemented by the reader's output thread)."""

    def emit(self, name: str, table: pa.Table) -> None: ...

    def assemble(self, extracted: vouchers.Extracted) -> None: ...


class ChunkParser:
    """Parses the chunks of one file on one DuckDB connection (the reader's thread)."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        source_name: str,
        dimensions: Mapping[str, int],
        outputs: Outputs,
        warnings: WarningLog,
        fresh: bool = True,
    ):
        self.con = con
        self.source = source_name
        self.dimensions = dict(dimensions)
        self.outputs = outputs
        self.warnings = warnings
        self.fiscal_years: dict[int, FiscalYear] = {}
        self.meta: dict[str, tuple[list[str], int]] = {}
        self.unknown: Counter[str] = Counter()
        self.vouchers = 0  # set from the output thread's count at the end
        # The fiscal years known each time vouchers were extracted: if a #RAR only comes
        # later, validate.refresh_fiscal_years recomputes fiscal_year at the end.
        self.years_used_for_rows: set[tuple[FiscalYear, ...]] = set()
        if fresh:  # a connection of its own; else one a finished read left set up
            for statement in (*tokens.SQL_MACROS, DECLARATIONS_TABLE, *DECLARATION_VIEWS):
                self.run(statement)
        else:
            self.run("DELETE FROM acc_decl")

    # -- small helpers -------------------------------------------------------------------
    def run(self, sql: str) -> None:
        self.con.execute(sql).fetchall()  # drain: DuckDB 2 refuses new work on a pending result

    def rows_of(self, sql: str) -> list[tuple[Any, ...]]:
        return self.con.execute(sql).fetchall()

    def arrow(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    def line_text(self, ln: int) -> str:
        row = self.rows_of(f"SELECT line FROM lines WHERE ln = {int(ln)}")
        return row[0][0].rstrip("\r\n") if row else ""

    @property
    def years(self) -> list[FiscalYear]:
        return list(self.fiscal_years.values())

    # -- one chunk -----------------------------------------------------------------------
    def process(self, lines: pa.Table, codes: np.ndarray, voucher_line: np.ndarray) -> None:
        table = lines.append_column("code", pa.array(codes, pa.int8())).append_column(
            "vline", pa.array(voucher_line, pa.int64())
        )
        self.con.register("lines", table)
        try:
            if bool(np.any(codes == RECORD)):
                self._records()
            if bool(np.any(codes == VER)):
                self.years_used_for_rows.add(
                    tuple(sorted(self.years, key=lambda y: y.year_index))
                )
                years = [
                    (y.start.toordinal() - 719163, y.end.toordinal() - 719163, y.start.year)
                    for y in sorted(self.years, key=lambda y: -y.year_index)  # year 0 first
                ]
                self.outputs.assemble(vouchers.extract(self.con, lines, years, self.warnings))
        finally:
            self.con.unregister("lines")

    # -- records outside vouchers --------------------------------------------------------
    def _records(self) -> None:
        self.run(
            "CREATE OR REPLACE TEMP TABLE o AS SELECT ln, f[1] AS tag, f FROM"
            f" (SELECT ln, regexp_extract_all(line, {lit(tokens.FIELD_RX)}) AS f"
            " FROM lines WHERE code = 7)"
        )
        # which records the chunk holds, once: a query per kind it does not hold would cost a
        # small file (a month's period file) more than its rows
        tags = {tag: (count, first) for tag, count, first in self.rows_of(
            "SELECT tag, count(*), min(ln) FROM o GROUP BY tag")}
        wanted = set(META_RECORDS) | {"#RAR"}
        if tags.keys() & wanted:
            rar = []
            for tag, fields, ln in self.rows_of(
                f"SELECT tag, f, ln FROM o WHERE tag IN {_in_list(wanted)} ORDER BY ln"
            ):
                if tag == "#RAR":
                    rar.append((ln, fields))
                else:
                    self.meta.setdefault(tag, ([tokens.unquote(f) for f in fields[1:]], ln))
            if rar:
                self._fiscal_years(rar)
        if tags.keys() & DECLARATIONS:
            self.run(f"INSERT INTO acc_decl SELECT tag, f, ln FROM o"
                     f" WHERE tag IN {_in_list(DECLARATIONS)}")
        for tag, (count, first) in sorted(tags.items(), key=lambda t: t[1][1]):
            if tag is None or tag in KNOWN_RECORDS:
                continue
            if tag not in self.unknown:
                self.warnings.add(
                    "unknown_record", f"okänd posttyp {tag} (räknad, inte läst)", first
                )
            self.unknown[tag] += count
        if tags.keys() & set(BALANCE_RECORDS):
            self._balances()

    def _balance_deviations(self) -> None:
        """Each tolerated spelling of a balance record: a warning per line, counted by kind."""
        cases = (
            ("balance_without_object_list", "wants_obj AND NOT braces"),
            ("balance_with_object_list", "NOT wants_obj AND braces"),
            ("account_period_swapped", "swapped"),
            ("quoted_number", "quoted"),
        )
        # every kind counted in one query: most files have none, and a query each cost a
        # small file (a month's period file) more than its records
        totals = self.rows_of("SELECT " + ", ".join(
            f"count(*) FILTER (WHERE {where})" for _, where in cases) + " FROM b")[0]
        for (kind, where), total in zip(cases, totals, strict=True):
            if not total:
                continue
            for ln, record, account, period in self.rows_of(
                f"SELECT ln, '#' || record_type, account, period_tok FROM b WHERE {where}"
                f" ORDER BY ln LIMIT {vouchers.MAX_LISTED}"
            ):
                text = TEXTS[kind]
                if kind != "quoted_number":
                    text = text.format(record=record, account=account, period=period)
                self.warnings.add(kind, text, ln)
            self.warnings.count_more(kind, max(0, total - vouchers.MAX_LISTED))

    def _fiscal_years(self, records: list[tuple[int, list[str]]]) -> None:
        for ln, fields in records:
            index, start, end = (tokens.unquote(f) if f is not None else None
                                 for f in (fields[1:4] + [None] * 3)[:3])
            year_index = _int_or_none(index)
            if year_index is None:
                raise ChunkError(ln, f"#RAR year number {index!r} is not an integer")
            if not start and not end:
                self.warnings.add(
                    "fiscal_year_without_dates", f"#RAR {year_index} saknar datum", ln
                )
                continue
            start_date, end_date = _parse_date(start), _parse_date(end)
            if start_date is None or end_date is None:
                bad = start if start_date is None else end
                raise ChunkError(ln, f"bad date {bad!r} in #RAR (expected YYYYMMDD)")
            if end_date < start_date:
                raise ChunkError(ln, f"#RAR {year_index} ends before it starts")
            if year_index in self.fiscal_years:
                self.warnings.add(
                    "duplicate_fiscal_year",
                    f"#RAR {year_index} förekommer igen; den sista gäller", ln
                )
            self.fiscal_years[year_index] = FiscalYear(year_index, start_date, end_date, ln)

    def _balances(self) -> None:
        # SIE 4B: #IB/#UB/#RES year account amount [qty]; #OIB/#OUB year account {objects}
        # amount [qty]; #PSALDO/#PBUDGET year period account {objects} amount [qty]. Real
        # programs leave out the {} or write an empty one where none belongs, and older BL
        # Administration writes the account before the period: each reads one way only when
        # the braces (or #KONTO and the YYYYMM form) say which field is which.
        self.run(
            f"""CREATE OR REPLACE TEMP TABLE b AS
            WITH x AS (
              SELECT ln, tag, f,
                     CASE WHEN tag IN ('#PSALDO', '#PBUDGET') THEN 1 ELSE 0 END AS p,
                     tag IN ('#OIB', '#OUB', '#PSALDO', '#PBUDGET') AS wants_obj
              FROM o WHERE tag IN {_in_list(BALANCE_RECORDS)}),
            y AS (
              SELECT *, coalesce(starts_with(f[4 + p], '{{'), false) AS braces,
                     CASE WHEN p = 1 THEN sie_unq(f[3]) END AS t3,
                     CASE WHEN p = 1 THEN sie_unq(f[4]) END AS t4
              FROM x),
            z AS (
              SELECT *, braces::INTEGER AS nb,
                     p = 1 AND NOT coalesce(regexp_matches(t3, {lit(_PERIOD_RX)}), false)
                       AND coalesce(regexp_matches(t4, {lit(_PERIOD_RX)}), false)
                       AND t3 IN (SELECT account FROM acc_konto)
                       AND t4 NOT IN (SELECT account FROM acc_konto) AS swapped
              FROM y)
            SELECT ln, substr(tag, 2) AS record_type, wants_obj, braces, swapped,
                   sie_unq(f[2]) AS year_tok,
                   CASE WHEN swapped THEN t4 ELSE t3 END AS period_tok,
                   CASE WHEN swapped THEN t3 ELSE sie_unq(f[3 + p]) END AS account,
                   CASE WHEN braces THEN f[4 + p][2:-2] END AS written_obj,
                   -- no braces where objects belong: the account's own total, as {{}} is
                   CASE WHEN wants_obj THEN coalesce(written_obj, '') END AS obj,
                   coalesce(starts_with(f[4 + p + nb], '"'), false) AS quoted,
                   sie_unq(f[4 + p + nb]) AS amt,
                   sie_unq(f[5 + p + nb]) AS qty
            FROM z"""
        )
        checks = self.rows_of(
            f"""SELECT
              min(ln) FILTER (WHERE TRY_CAST(year_tok AS INTEGER) IS NULL),
              min(ln) FILTER (WHERE period_tok IS NOT NULL
                              AND NOT regexp_matches(period_tok, {lit(_PERIOD_RX)})),
              min(ln) FILTER (WHERE account IS NULL OR account = ''),
              min(ln) FILTER (WHERE NOT wants_obj AND trim(written_obj) <> ''),
              min(ln) FILTER (WHERE sie_bad_amount(amt)),
              min(ln) FILTER (WHERE sie_bad_quantity(qty))
            FROM b"""
        )[0]
        reasons = (
            "year number is not an integer",
            "bad period (expected YYYYMM; account and period cannot be told apart by #KONTO)",
            "account missing",
            "object list on a record that has none (only #OIB, #OUB, #PSALDO and #PBUDGET "
            "carry objects): it cannot be told whether the amount is the account's or the "
            "object's",
            "bad amount",
            "bad quantity",
        )
        found = [(ln, why) for ln, why in zip(checks, reasons, strict=True) if ln is not None]
        if found:
            ln, why = min(found)
            raise ChunkError(ln, f"{why} in balance record: {self.line_text(ln)}")
        self._balance_deviations()
        self.run(
            f"""CREATE OR REPLACE TEMP TABLE bd AS
                SELECT obj, {object_list_sql(self.dimensions)}
                FROM (SELECT DISTINCT obj FROM b WHERE obj IS NOT NULL)"""
        )
        bad = self.rows_of(
            "SELECT min(b.ln) FROM bd JOIN b USING (obj) WHERE NOT bd.ok"
        )[0][0]
        if bad is not None:
            raise ChunkError(
                bad,
                "malformed object list: expected pairs of dimension number and object code, "
                f'e.g. {{1 "100" 6 "P1"}}: {self.line_text(bad).strip()}',
            )
        dims = "".join(f", d.{name}_code" for name in self.dimensions)
        both = self.arrow(f"""SELECT {lit(self.source)} AS source_file, b.ln AS source_line,
                   b.record_type, year_tok::INTEGER AS year_index,
                   period_tok::INTEGER AS period, b.account, d.object_list{dims},
                   amt::DECIMAL(18,2) AS amount,
                   TRY_CAST(nullif(qty, '') AS DECIMAL(18,4)) AS quantity
            FROM b LEFT JOIN bd d ON b.obj = d.obj ORDER BY b.ln""")
        # one query for both, split here: budgets go to their own table
        is_budget = pc.equal(both["record_type"], "PBUDGET")
        balances = both.filter(pc.invert(is_budget))
        budgets = both.filter(is_budget).drop_columns(["record_type"])
        if balances.num_rows:
            self.outputs.emit("balances", balances)
        if budgets.num_rows:
            self.outputs.emit("budgets", budgets)


_PERIOD_RX = "^[0-9]{4}(0[1-9]|1[0-2])$"


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _parse_date(text: str | None) -> date | None:
    if not text or len(text) != 8 or not text.isdigit():
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None
