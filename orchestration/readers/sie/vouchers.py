"""Vouchers and their rows for one chunk, in two steps.

extract() runs on the reader's thread: DuckDB cuts the fields out of the #VER and row lines
with RE2, on all cores and in line order. assemble() runs on the output thread while DuckDB
already works on the next chunk: numpy and pyarrow.compute type the fields, attach each row to
its voucher and write Parquet.

Rows of a voucher are contiguous and in line order, so a voucher's sum is a segment sum and
its header reaches its rows by a binary search on line numbers: no join, no sort.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import columns as col
from . import tokens
from .object_lists import object_list_sql
from .schema import MONEY, QUANTITY
from .structure import BTRANS, RTRANS, TRANS, LineError
from .summary import TEXTS, WarningLog
from .tokens import sql_literal as lit

_KINDS = pa.array([None, "TRANS", "RTRANS", "BTRANS"], pa.string())
MAX_LISTED = 100  # warnings listed per chunk and kind; the rest are only counted
_VER_GROUPS = ["s", "n", "d", "t", "g", "sg"]


@dataclass
class Extracted:
    """What DuckDB cut out of one chunk, plus what assemble() needs to finish it alone."""

    lines: pa.Table  # the chunk's lines, for messages about a bad line
    ver: pa.Table  # ln and the six #VER fields, quotes kept
    rows: pa.Table  # ln, vline, code, acc, obj, amt, tail{d, t, q}, tail_bad
    years: list[tuple[int, int, int]]  # (first day, last day, start year), year 0 first


@dataclass
class Context:
    """Everything assemble() uses; it must not touch the reader's DuckDB connection."""

    source: str
    dimensions: dict[str, int]
    cursor: duckdb.DuckDBPyConnection  # a second connection, owned by the output thread
    warnings: WarningLog
    write: Callable[[str, pa.Table], None]
    # per chunk, the accounts (first line, rows) and object lists (first line) its rows use:
    # the checks for undeclared ones at the end read these instead of the rows again
    used_accounts: list[pa.Table] = field(default_factory=list)
    used_objects: list[pa.Table] = field(default_factory=list)


@dataclass
class ChunkTotals:
    vouchers: int
    rows_counting: int
    cents: int


def _line_text(lines: pa.Table, ln: int) -> str:
    first = lines.column("ln")[0].as_py()  # a chunk's lines are numbered without gaps
    return lines.column("line")[int(ln) - first].as_py().rstrip("\r\n")


def _fail(lines: pa.Table, ln: int, reason: str) -> None:
    raise LineError(int(ln), f"{reason}: {_line_text(lines, ln).strip()}")


# -- step 1: DuckDB ----------------------------------------------------------------------------
def extract(
    con: duckdb.DuckDBPyConnection,
    lines: pa.Table,
    years: list[tuple[int, int, int]],
    warnings: WarningLog,
) -> Extracted:
    """Cut the fields out of the chunk registered as table `lines` on `con` (reader thread).

    years: (first day, last day, start year) of each fiscal year, year 0 first.
    """
    ver = _arrow(con, _VER_FAST_SQL)
    odd = ver["odd"]
    ver = ver.drop_columns(["odd"])
    if pc.any(odd).as_py():
        ver = _patch_ver(con, lines, ver, col.plain(odd))
    rows = _arrow(con, _rows_sql(lit(tokens.TRANS_FAST_RX), f"code BETWEEN {TRANS} AND {BTRANS}"))
    odd = pc.or_(pc.equal(rows["acc"], ""), rows["tail_bad"])
    if pc.any(odd).as_py():
        rows = _patch_rows(con, lines, rows, odd, warnings)
    return Extracted(lines, ver, rows, years)


# #VER lines in two one-pass steps (tokens.VER_HEAD_RX); `odd` marks a line either step could
# not read: a head that does not match leaves every group empty, a rest that does not leaves
# the text empty although there is a rest (blanks only: VER_RX reads it).
_VER_FAST_SQL = f"""
    SELECT ln, v.s, v.n, v.d, w.t, w.g, w.sg, v.s = '' OR (w.t = '' AND v.r <> '') AS odd
    FROM (SELECT ln, v, regexp_extract(v.r, {lit(tokens.VER_REST_RX)}, ['t', 'g', 'sg']) AS w
          FROM (SELECT ln, regexp_extract(line, {lit(tokens.VER_HEAD_RX)}, ['s', 'n', 'd', 'r'])
                         AS v
                FROM lines WHERE code = 4))"""


def _arrow(con: duckdb.DuckDBPyConnection, sql: str) -> pa.Table:
    return con.sql(sql).to_arrow_table()


def _rows_sql(head_rx: str, where: str, obj: str = "h.o", extra: str = "") -> str:
    tail_rx = lit(tokens.TRANS_TAIL_RX)
    return f"""
        SELECT ln, vline, code, h.a AS acc, {obj} AS obj, h.m AS amt, tail,
               -- a tail that does not match leaves every group empty: only then look again
               tail IS NOT NULL AND tail.d = '' AND tail.t = '' AND tail.q = ''
                 AND NOT regexp_matches(h.r, {tail_rx}) AS tail_bad{extra}
        FROM (SELECT ln, vline, code, h,
                     CASE WHEN h.r <> '' THEN regexp_extract(h.r, {tail_rx}, ['d', 't', 'q'])
                     END AS tail
              FROM (SELECT ln, vline, code, regexp_extract(line, {head_rx}, ['a', 'o', 'm', 'r'])
                             AS h
                    FROM lines WHERE {where}))"""


def _patch(fast: pa.Table, slow: pa.Table, bad: pa.Array) -> pa.Table:
    """fast with the rows flagged in `bad` replaced by slow's rows (same order, same columns)."""
    index = np.cumsum(bad.to_numpy(zero_copy_only=False)) - 1
    index = pa.array(np.maximum(index, 0))
    return pa.table(
        {
            name: pc.if_else(bad, pc.take(slow[name], index), fast[name])
            for name in fast.column_names
        }
    )


def _again(con: duckdb.DuckDBPyConnection, bad_ln: pa.Array, sql: str) -> pa.Table:
    """Run `sql` (which reads `odd_lines`) for the lines flagged in bad_ln, in line order."""
    con.register("odd_lines", pa.table({"ln": bad_ln}))
    try:
        return _arrow(con, f"SELECT * FROM ({sql}) ORDER BY ln")
    finally:
        con.unregister("odd_lines")


def _warn_lines(warnings: WarningLog, kind: str, message: str, lines: list[int]) -> None:
    for line in lines[:MAX_LISTED]:
        warnings.add(kind, message, line)
    warnings.count_more(kind, max(0, len(lines) - MAX_LISTED))


def _patch_rows(
    con: duckdb.DuckDBPyConnection,
    lines: pa.Table,
    rows: pa.Table,
    bad: pa.Array,
    warnings: WarningLog,
) -> pa.Table:
    """Rows in a rarer spelling (quoted amount, a + sign, no braces, a '}' inside a quoted
    object code, ...) take the general pattern; what it cannot read either is rejected."""
    slow = _again(con, pc.filter(rows["ln"], bad), _rows_sql(
        lit(tokens.TRANS_GENERAL_RX), "ln IN (SELECT ln FROM odd_lines)",
        # the general pattern keeps the braces, so that a row without any can be told apart
        obj="CASE WHEN h.o = '' THEN '' ELSE h.o[2:-2] END",
        extra=", h.a <> '' AND h.o = '' AS no_braces, starts_with(h.m, '\"') AS quoted"))
    unread = pc.filter(slow["ln"], pc.or_(pc.equal(slow["acc"], ""), slow["tail_bad"]))
    if len(unread):
        first = unread[0].as_py()
        raise LineError(first, explain_row(_line_text(lines, first)))
    _warn_lines(warnings, "trans_without_object_list", TEXTS["trans_without_object_list"],
                pc.filter(slow["ln"], slow["no_braces"]).to_pylist())
    _warn_lines(warnings, "quoted_number", TEXTS["quoted_number"],
                pc.filter(slow["ln"], slow["quoted"]).to_pylist())
    slow = slow.set_column(3, "acc", col.unquote(col.plain(slow["acc"])))
    slow = slow.set_column(5, "amt", col.unquote(col.plain(slow["amt"])))
    return _patch(rows, slow.select(rows.column_names).cast(rows.schema), bad)


def _patch_ver(
    con: duckdb.DuckDBPyConnection, lines: pa.Table, ver: pa.Table, odd: pa.Array
) -> pa.Table:
    """#VER lines the two fast steps could not read take the whole-line pattern; those in a
    rarer spelling still (quoted date, extra fields) are split field by field."""
    whole = _again(con, pc.filter(ver["ln"], odd), f"""
        SELECT ln, {', '.join(f'v.{g}' for g in _VER_GROUPS)}
        FROM (SELECT ln, regexp_extract(line, {lit(tokens.VER_RX)}, {_VER_GROUPS}) AS v
              FROM lines WHERE ln IN (SELECT ln FROM odd_lines))""")
    ver = _patch(ver, whole.cast(ver.schema), odd)
    bad = pc.equal(col.plain(ver["s"]), "")
    if not pc.any(bad).as_py():
        return ver
    fields = ", ".join(f"coalesce(f[{i + 2}], '') AS {g}" for i, g in enumerate(_VER_GROUPS))
    slow = _again(con, pc.filter(ver["ln"], bad), f"""
        SELECT ln, {fields}
        FROM (SELECT ln, regexp_extract_all(line, {lit(tokens.FIELD_RX)}) AS f
              FROM lines WHERE ln IN (SELECT ln FROM odd_lines))""")
    for name in ("d", "g"):  # dates may be quoted here
        slow = slow.set_column(slow.column_names.index(name), name, col.unquote(slow[name]))
    short = pc.filter(slow["ln"], pc.equal(slow["d"], "")).to_pylist()
    if short:
        _fail(lines, short[0], "malformed #VER (expected: #VER series number date ...)")
    return _patch(ver, slow.cast(ver.schema), bad)


# -- step 2: numpy and pyarrow -----------------------------------------------------------------
def assemble(ctx: Context, x: Extracted) -> ChunkTotals:
    """Type, check and write one chunk's vouchers and rows (output thread)."""
    v = _headers(x)
    t = _typed_rows(x)
    ln = t["ln"]
    code = t["code"].to_numpy()

    v_ln = v["ln"].to_numpy()
    vline = t["vline"].to_numpy()
    vidx = np.searchsorted(v_ln, vline)
    if len(vidx) and (vidx.max() >= len(v_ln) or np.any(v_ln[vidx] != vline)):
        raise LineError(int(ln[0].as_py()), "transaction row without its #VER")  # a guard only
    take_v = pa.array(vidx.astype(np.int64))

    money = col.cents(t["amount"])
    counts = code == TRANS
    if np.any(code == RTRANS):
        counts = counts | _orphan_rtrans(ctx, t, code, money, vline)

    # Voucher sums over the rows that count; a voucher's rows are one contiguous run.
    n_v = len(v_ln)
    row_count = np.bincount(vidx, minlength=n_v).astype(np.int32)
    sums = np.zeros(n_v, dtype=np.int64)
    nonempty = row_count > 0
    if len(vidx):
        run_start = (np.cumsum(row_count) - row_count)[nonempty]
        sums[nonempty] = np.add.reduceat(np.where(counts, money, 0), run_start)

    rows = {
        "source_file": col.constant(ctx.source, len(ln)),
        "source_line": ln,
        "fiscal_year": pc.take(v["fiscal_year"], take_v),
        "voucher_series": pc.take(v["series"], take_v),
        "voucher_number": pc.take(v["number"], take_v),
        "voucher_date": pc.take(v["date"], take_v),
        "voucher_text": pc.take(v["text"], take_v),
        "account": t["account"],
        **_object_columns(ctx, x, t["obj"], ln),
        "amount": t["amount"],
        "quantity": t["quantity"],
        "transaction_date": t["transaction_date"],
        "transaction_text": t["transaction_text"],
        "row_kind": pc.take(_KINDS, pa.array(code)),
        "counts_in_ledger": pa.array(counts),
    }
    ctx.write("transactions", pa.table(rows))
    per_account = pa.table({"account": t["account"], "ln": ln}).group_by("account").aggregate(
        [("ln", "min"), ("ln", "count")])
    ctx.used_accounts.append(pa.table({"account": per_account["account"],
                                       "first": per_account["ln_min"],
                                       "n": per_account["ln_count"]}))
    ctx.write(
        "vouchers",
        pa.table(
            {
                "source_file": col.constant(ctx.source, n_v),
                "source_line": v["ln"],
                "fiscal_year": v["fiscal_year"],
                "voucher_series": v["series"],
                "voucher_number": v["number"],
                "voucher_date": v["date"],
                "voucher_text": v["text"],
                "registration_date": v["registration_date"],
                "signature": v["signature"],
                "row_count": pa.array(row_count),
                "amount_sum": col.money_from_cents(sums),
                "is_balanced": pa.array(sums == 0),
            }
        ),
    )
    return ChunkTotals(n_v, int(counts.sum()), int(sums.sum()))


def _headers(x: Extracted) -> dict[str, pa.Array]:
    ver = x.ver
    ln = col.plain(ver["ln"])
    date, date_bad = col.yyyymmdd(ver["d"])
    reg, reg_bad = col.yyyymmdd(ver["g"])
    bad = col.first_true(date_bad | pc.equal(col.plain(ver["d"]), "").to_numpy(False))
    if bad is not None:
        _fail(x.lines, ln[bad].as_py(),
              f"bad voucher date {ver['d'][bad].as_py()!r} (expected YYYYMMDD)")
    bad = col.first_true(reg_bad)
    if bad is not None:
        _fail(x.lines, ln[bad].as_py(),
              f"bad registration date {ver['g'][bad].as_py()!r} (expected YYYYMMDD)")
    return {
        "ln": ln,
        "series": col.unquote(col.plain(ver["s"])),
        "number": col.unquote(col.plain(ver["n"])),
        "date": date,
        "text": col.empty_to_null(col.unquote(col.plain(ver["t"]))),
        "registration_date": reg,
        "signature": col.empty_to_null(col.unquote(col.plain(ver["sg"]))),
        "fiscal_year": col.fiscal_year(date, x.years),
    }


def _typed_rows(x: Extracted) -> dict[str, pa.Array]:
    raw = x.rows
    ln = col.plain(raw["ln"])
    bad = col.first_true(raw["tail_bad"])
    if bad is not None:
        lnb = ln[bad].as_py()
        raise LineError(lnb, explain_row(_line_text(x.lines, lnb)))
    amt = col.plain(raw["amt"])
    amount, bad = col.to_decimal(amt, MONEY)
    if amount is None:
        _fail(x.lines, ln[bad or 0].as_py(), f"bad amount {amt[bad or 0].as_py()!r} "
              "(expected e.g. -1234.50, at most two decimals)")
    tail = col.plain(raw["tail"])
    when_text = pc.struct_field(tail, "d")
    when, when_bad = col.yyyymmdd(when_text)
    bad = col.first_true(when_bad)
    if bad is not None:
        _fail(x.lines, ln[bad].as_py(),
              f"bad transaction date {when_text[bad].as_py()!r} (expected YYYYMMDD)")
    qty_text = col.empty_to_null(pc.struct_field(tail, "q"))
    quantity, bad = col.to_decimal(qty_text, QUANTITY)
    if quantity is None:
        _fail(x.lines, ln[bad or 0].as_py(), f"bad quantity {qty_text[bad or 0].as_py()!r}")
    return {
        "ln": ln,
        "vline": col.plain(raw["vline"]),
        "code": col.plain(raw["code"]),
        "account": col.plain(raw["acc"]),
        "obj": col.plain(raw["obj"]),
        "amount": amount,
        "quantity": quantity,
        "transaction_date": when,
        "transaction_text": col.empty_to_null(col.unquote(pc.struct_field(tail, "t"))),
    }


def _object_columns(
    ctx: Context, x: Extracted, obj: pa.Array, ln: pa.Array
) -> dict[str, pa.Array]:
    """The `<name>_code` columns and object_list, computed once per distinct object list:
    lists repeat a lot, so the per-dimension patterns run on a few rows only."""
    encoded = pc.dictionary_encode(obj)
    ctx.cursor.register("distinct_objects", pa.table({"obj": encoded.dictionary}))
    try:
        info = ctx.cursor.sql(
            f"SELECT {object_list_sql(ctx.dimensions)} FROM distinct_objects"
        ).to_arrow_table()
    finally:
        ctx.cursor.unregister("distinct_objects")
    indices = encoded.indices
    bad = col.first_true(pc.invert(col.plain(info["ok"])))
    if bad is not None:
        where = col.first_true(pc.equal(indices, bad).to_numpy(False)) or 0
        _fail(x.lines, ln[where].as_py(), "malformed object list: expected pairs of dimension "
              'number and object code, e.g. {1 "100" 6 "P1"}')
    out = {f"{name}_code": pc.take(info[f"{name}_code"], indices) for name in ctx.dimensions}
    trimmed = col.plain(info["object_list"])
    # Lists rarely carry spaces inside the braces; then the text is already the column.
    same = pc.all(pc.equal(trimmed, encoded.dictionary)).as_py() is not False
    out["object_list"] = obj if same else pc.take(trimmed, indices)
    # rows are in line order: a list's first row is its first line
    used, first = np.unique(indices.to_numpy(zero_copy_only=False), return_index=True)
    ctx.used_objects.append(pa.table({
        "object_list": pc.take(trimmed, pa.array(used)),
        "first": pc.take(ln, pa.array(first))}))
    return out


def _orphan_rtrans(
    ctx: Context, t: dict[str, pa.Array], code: np.ndarray, money: np.ndarray, vline: np.ndarray
) -> np.ndarray:
    """#RTRANS rows not followed by their identical #TRANS twin: those count themselves.

    The spec repeats every added row (#RTRANS) as a #TRANS so that old readers see it; if a
    writer left the twin out, dropping the #RTRANS too would lose the row from the ledger.
    """
    r = np.flatnonzero(code == RTRANS)
    nxt = np.minimum(r + 1, len(code) - 1)
    same = (r + 1 < len(code)) & (code[nxt] == TRANS) & (vline[nxt] == vline[r])
    same &= money[nxt] == money[r]
    ri, ni = pa.array(r), pa.array(nxt)
    obj = pc.utf8_trim_whitespace(t["obj"])
    for arr in (t["account"], obj):
        same &= pc.equal(pc.take(arr, ri), pc.take(arr, ni)).to_numpy(zero_copy_only=False)
    orphan = np.zeros(len(code), dtype=bool)
    orphan[r[~same]] = True
    listed = r[~same][:MAX_LISTED]
    for line in pc.take(t["ln"], pa.array(listed, pa.int64())).to_pylist():
        ctx.warnings.add(
            "rtrans_without_twin",
            "#RTRANS följs inte av sin likadana #TRANS; #RTRANS-raden räknas i stället",
            line,
        )
    ctx.warnings.count_more("rtrans_without_twin", int((~same).sum()) - len(listed))
    return orphan


def explain_row(line: str) -> str:
    """Why a #TRANS line could not be read, in words (only ever called for one line)."""
    text = line.strip()
    fields = tokens.split_fields(line)
    label = fields[0] if fields else "#TRANS"
    if len(fields) < 2 or fields[1].startswith("{"):
        return f"{label} without account: {text}"
    if len(fields) < 3 or not fields[2].startswith("{"):
        return f"{label} without object list {{...}} after the account: {text}"
    if len(fields) < 4:
        return f"{label} without amount: {text}"
    amount = tokens.unquote(fields[3])
    try:
        Decimal(amount)
    except InvalidOperation:
        return f"bad amount {amount!r} (expected e.g. -1234.50): {text}"
    if len(fields) > 4:
        when = tokens.unquote(fields[4])
        if when and not (len(when) == 8 and when.isdigit()):
            return f"bad transaction date {when!r} (expected YYYYMMDD): {text}"
    if len(fields) > 6:
        quantity = tokens.unquote(fields[6])
        try:
            Decimal(quantity or "0")
        except InvalidOperation:
            return f"bad quantity {quantity!r}: {text}"
    return f"malformed {label} row: {text}"
