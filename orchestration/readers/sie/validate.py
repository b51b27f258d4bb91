"""Checks that need the whole file, run at the end over the Parquet files just written.

Reading back a column or two of our own Parquet is far cheaper than keeping sets of accounts,
objects or voucher numbers in Python while the rows stream past.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from . import tokens
from .outputs import writer_options
from .parse import ChunkError, ChunkParser, fiscal_year_sql, in_fiscal_years_sql
from .summary import MAX_UNBALANCED, MAX_WARNINGS, TEXTS, kronor
from .tokens import sql_literal as lit

_LISTED = MAX_WARNINGS  # per check: more than this are counted, not listed


def _pq(path: Path) -> str:
    return f"read_parquet({lit(str(path))})"


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    return con.execute(sql).fetchall()


def require_fiscal_years(parser: ChunkParser, paths: dict[str, Path], import_file: bool) -> None:
    """A ledger export with vouchers but no #RAR cannot be placed in a year: reject it.

    SIE 4I import files (.SI) carry only vouchers, so there it is a warning.
    """
    if parser.vouchers == 0 or parser.fiscal_years:
        return
    first = _rows(parser.con, f"SELECT min(source_line) FROM {_pq(paths['vouchers'])}")[0][0]
    if import_file:
        parser.warnings.add(
            "no_fiscal_year",
            "importfil (SIE 4I) utan #RAR: verifikationerna får inget räkenskapsår",
            first,
        )
        return
    raise ChunkError(
        first,
        f"missing #RAR: the file holds {parser.vouchers} vouchers but declares no fiscal year",
    )


def flag_repeated_vouchers(parser: ChunkParser, paths: dict[str, Path]) -> None:
    """A voucher number used again within its series: kept apart by position, with a warning.

    BL Administration numbers every voucher of its fixed-asset series 1, each balancing on its
    own, so a repeat is not by itself an error: every voucher keeps its own line (source_line)
    and rows. A voucher that repeats an earlier one exactly (date, text and every row) is
    flagged as a probable double booking instead. Empty numbers (import files) are exempt.
    """
    con, vouchers = parser.con, _pq(paths["vouchers"])
    if not _rows(
        con,
        f"""SELECT count(*) FROM (SELECT 1 FROM {vouchers} WHERE voucher_number <> ''
            GROUP BY voucher_series, voucher_number HAVING count(*) > 1)""",
    )[0][0]:
        return
    # Rows reach their voucher by an ASOF join on line (rows follow their #VER); only the
    # vouchers whose number repeats get a digest, which tells exact repeats apart.
    found = _rows(
        con,
        f"""WITH v AS (
              SELECT source_line, voucher_series, voucher_number, voucher_date, voucher_text,
                     row_count, amount_sum,
                     min(source_line) OVER (PARTITION BY voucher_series, voucher_number)
                       AS first_line
              FROM {vouchers} WHERE voucher_number <> ''
              QUALIFY count(*) OVER (PARTITION BY voucher_series, voucher_number) > 1),
            r AS (
              SELECT a.source_line AS vline,
                     md5(string_agg(concat_ws(chr(31), t.row_kind, t.account, t.object_list,
                                              t.amount::VARCHAR, t.quantity::VARCHAR,
                                              t.transaction_date::VARCHAR, t.transaction_text),
                                    chr(30) ORDER BY t.source_line)) AS digest
              FROM {_pq(paths['transactions'])} t
              ASOF JOIN (SELECT source_line FROM {vouchers}) a ON t.source_line > a.source_line
              WHERE a.source_line IN (SELECT source_line FROM v)
              GROUP BY a.source_line),
            d AS (
              SELECT v.*, md5(concat_ws(chr(31), voucher_date::VARCHAR, voucher_text,
                                        row_count::VARCHAR, amount_sum::VARCHAR,
                                        coalesce(r.digest, ''))) AS whole
              FROM v LEFT JOIN r ON r.vline = v.source_line)
            SELECT d.source_line, d.voucher_series, d.voucher_number, d.first_line,
                   (SELECT min(e.source_line) FROM d e
                    WHERE e.voucher_series = d.voucher_series
                      AND e.voucher_number = d.voucher_number
                      AND e.whole = d.whole AND e.source_line < d.source_line) AS same_as
            FROM d WHERE d.source_line > d.first_line ORDER BY d.source_line""",
    )
    log = parser.warnings
    for kind in ("probable_double_booking", "repeated_voucher_number"):
        hits = [f for f in found if (f[4] is not None) == (kind == "probable_double_booking")]
        for line, series, number, first, same_as in hits[:_LISTED]:
            log.add(kind, TEXTS[kind].format(series=series, number=number,
                                             first=same_as or first), line)
        log.count_more(kind, max(0, len(hits) - _LISTED))


def refresh_fiscal_years(
    parser: ChunkParser, paths: dict[str, Path], schemas: dict[str, pa.Schema]
) -> None:
    """If a #RAR came after vouchers were written, recompute fiscal_year in their files.

    Streams batch by batch through the same writer settings, so memory stays bounded.
    """
    final = tuple(sorted(parser.years, key=lambda y: y.year_index))
    if not parser.years_used_for_rows or parser.years_used_for_rows == {final}:
        return
    for name in ("transactions", "vouchers"):
        path, target = paths[name], schemas[name]
        redo = path.with_name(path.name + ".redo")
        batches = parser.con.sql(
            f"""SELECT * REPLACE ({fiscal_year_sql('voucher_date', parser.years)}
                                  AS fiscal_year) FROM {_pq(path)}"""
        ).to_arrow_reader(1 << 16)
        with pq.ParquetWriter(redo, target, **writer_options(target)) as writer:
            for batch in batches:
                writer.write_table(pa.Table.from_batches([batch]).cast(target))
        redo.replace(path)
    parser.warnings.add(
        "late_fiscal_year",
        "#RAR står efter verifikationerna; räkenskapsåren sattes i efterhand",
        None,
    )


def flag_dates_outside_fiscal_years(parser: ChunkParser, paths: dict[str, Path]) -> None:
    years = parser.years
    if not years:
        return
    con, log = parser.con, parser.warnings
    # the count rides along with the listed rows: one query where there were two
    found = _rows(
        con,
        f"""SELECT source_line, voucher_series, voucher_number, voucher_date, count(*) OVER ()
            FROM {_pq(paths['vouchers'])} WHERE fiscal_year IS NULL
            ORDER BY source_line LIMIT {_LISTED}""",
    )
    total = found[0][4] if found else 0
    for line, series, number, when, _ in found:
        log.add(
            "date_outside_fiscal_years",
            f"verifikationen {series} {number} daterad {when.isoformat()} ligger utanför "
            "alla räkenskapsår (#RAR)",
            line,
        )
    log.count_more("date_outside_fiscal_years", max(0, total - _LISTED))
    inside = in_fiscal_years_sql("transaction_date", years)
    where = f"transaction_date IS NOT NULL AND NOT {inside}"
    found = _rows(
        con,
        f"""SELECT source_line, transaction_date, count(*) OVER ()
            FROM {_pq(paths['transactions'])}
            WHERE {where} ORDER BY source_line LIMIT {_LISTED}""",
    )
    total = found[0][2] if found else 0
    for line, when, _ in found:
        log.add(
            "date_outside_fiscal_years",
            f"transaktionsdatumet {when.isoformat()} ligger utanför alla räkenskapsår (#RAR)",
            line,
        )
    log.count_more("date_outside_fiscal_years", max(0, total - _LISTED))


def _declared_elsewhere(paths: dict[str, Path], columns: str) -> str:
    """The balance and budget rows (few), as rows of `columns`."""
    return " UNION ALL ".join(
        f"SELECT {columns} FROM {_pq(paths[name])}" for name in ("balances", "budgets"))


def _registered(con: duckdb.DuckDBPyConnection, name: str, parts: list[pa.Table],
                schema: pa.Schema) -> None:
    con.register(name, pa.concat_tables(parts) if parts else schema.empty_table())


def flag_undeclared_accounts(parser: ChunkParser, paths: dict[str, Path],
                             used: list[pa.Table], declared: int) -> None:
    """`used`: per chunk of rows, each account with its first line and its number of rows;
    `declared`: how many accounts #KONTO declares."""
    con = parser.con
    if not declared:
        return  # a file without a chart of accounts (e.g. SIE 4I) declares nothing to miss
    _registered(con, "used_accounts", used, pa.schema(
        [("account", pa.string()), ("first", pa.int64()), ("n", pa.int64())]))
    try:
        found = _rows(
            con,
            f"""SELECT account, min(first) AS first, sum(n)::BIGINT AS n FROM (
                  SELECT account, first, n FROM used_accounts
                  UNION ALL
                  SELECT account, min(source_line), count(*) FROM (
                    {_declared_elsewhere(paths, 'account, source_line')}) GROUP BY account)
                WHERE account NOT IN (SELECT account FROM acc_konto)
                GROUP BY account ORDER BY first""",
        )
    finally:
        con.unregister("used_accounts")
    for account, first, n in found:
        parser.warnings.add(
            "undeclared_account", f"kontot {account} används ({n} rader) men saknar #KONTO", first
        )


def flag_undeclared_objects(parser: ChunkParser, paths: dict[str, Path],
                            used: list[pa.Table]) -> None:
    """`used`: per chunk of rows, each object list with its first line."""
    con = parser.con
    pair = lit(tokens.OBJECT_PAIR_RX)
    _registered(con, "used_objects", used,
                pa.schema([("object_list", pa.string()), ("first", pa.int64())]))
    try:
        found = _rows(
            con,
            f"""WITH lists AS (
                  SELECT object_list, min(first) AS first FROM (
                    SELECT object_list, first FROM used_objects
                    UNION ALL
                    {_declared_elsewhere(paths, 'object_list, source_line')})
                  WHERE object_list <> '' GROUP BY object_list),
                pairs AS (
                  SELECT first,
                         unnest(regexp_extract_all(object_list, {pair}, 1)) AS dim,
                         unnest(regexp_extract_all(object_list, {pair}, 2)) AS q,
                         unnest(regexp_extract_all(object_list, {pair}, 3)) AS u
                  FROM lists),
                used AS (
                  SELECT TRY_CAST(dim AS INTEGER) AS dim,
                         nullif(replace(coalesce(q, ''), '\\"', '"') || coalesce(u, ''), '')
                           AS code, first FROM pairs)
                SELECT dim, code, min(first) AS first, count(*) FROM used
                WHERE dim IN (SELECT dimension_no FROM acc_obj) AND code IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM acc_obj o
                                  WHERE o.dimension_no = used.dim AND o.object_code = used.code)
                GROUP BY ALL ORDER BY first""",
        )
    finally:
        con.unregister("used_objects")
    for dim, code, first, _ in found:
        parser.warnings.add(
            "undeclared_object",
            f"objektet {code!r} i dimension {dim} används men saknar #OBJEKT",
            first,
        )


def unbalanced_vouchers(parser: ChunkParser, vouchers: Path) -> list[dict[str, Any]]:
    con = parser.con
    found = _rows(
        con,
        f"""SELECT voucher_series, voucher_number, source_line, amount_sum, count(*) OVER ()
            FROM {_pq(vouchers)} WHERE NOT is_balanced ORDER BY source_line
            LIMIT {MAX_UNBALANCED}""",
    )
    total = found[0][4] if found else 0
    out = []
    for series, number, line, diff, _ in found:
        out.append({"series": series, "number": number, "line": line, "difference": str(diff)})
        parser.warnings.add(
            "unbalanced_voucher",
            f"verifikationen {series} {number} balanserar inte: raderna summerar till "
            f"{kronor(diff)}",
            line,
        )
    if total > MAX_UNBALANCED:
        parser.warnings.count_more("unbalanced_voucher", total - MAX_UNBALANCED)
    return out

