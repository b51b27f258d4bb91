"""The #VER fields read in two fast steps give what the whole-line pattern gives, line by line.

vouchers.extract reads #VER lines with two one-pass patterns (tokens.VER_HEAD_RX, VER_REST_RX)
for speed; a line either cannot read falls back to the whole-line VER_RX, then to the
field-by-field split. These spellings, odd ones included, must come out exactly as the
whole-line pattern (or the split, where it does not match) read them before.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from orchestration.readers.sie import tokens, vouchers
from orchestration.readers.sie.structure import VER
from orchestration.readers.sie.summary import WarningLog
from orchestration.readers.sie.tokens import sql_literal as lit

SPELLINGS = [
    '#VER A 1 20230105 "Faktura 12" 20230106\r\n',
    '#VER A 1 20230105 "Faktura 12" 20230106 "Eva"\r\n',
    '#VER A 1 20230105 "Faktura 12"\n',
    "#VER A 1 20230105\r\n",
    "#VER A 1 20230105   \r\n",
    '#VER "A" "1" 20230105 "med \\"citat\\" i" 20230106 Sign\n',
    '#VER\tB\t7\t20230105\t"tabbar"\t20230106\t"Sig"\r\n',
    '  #VER A 1 20230105 "indrag"   20230106    "S"   \r\n',
    '#VER A 1 20230105 "text"  "S"\r\n',  # no registration date: whole-line pattern reads it
    '#VER A 1 20230105 "text" "" "S"\r\n',  # quoted empty date: the split reads it
    '#VER A 1 "20230105" "citerat datum"\r\n',
    '#VER A 1 20230105 Bartext 20230106\r\n',
    '#VER A 1 20230105 "t" 20230106 "S" extra\r\n',
    '#VER A 1 20230105 "t" 20230106 S T\r\n',
    '#VER A 1 20230105 "t" 2023x\r\n',
    '#VER A "" 20230105 ""\r\n',
    '#VER A 1 20230105 ""\r\n',
    '#VER A 1 20230105 "t"\t\r\n',
]


def _lines(texts: list[str]) -> pa.Table:
    n = len(texts)
    return pa.table({"ln": pa.array(range(1, n + 1), pa.int64()),
                     "line": pa.array(texts, pa.large_string()),
                     "code": pa.array([VER] * n, pa.int8()),
                     "vline": pa.array(range(1, n + 1), pa.int64())})


def _reference(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """The whole-line pattern, and the field split where it does not match (as before)."""
    groups = vouchers._VER_GROUPS
    whole = con.sql(f"""SELECT ln, {', '.join(f'v.{g}' for g in groups)} FROM (
        SELECT ln, regexp_extract(line, {lit(tokens.VER_RX)}, {groups}) AS v FROM lines)
        ORDER BY ln""").fetchall()
    split = con.sql(f"""SELECT ln, {', '.join(f"coalesce(f[{i + 2}], '')"
                                              for i in range(len(groups)))}
        FROM (SELECT ln, regexp_extract_all(line, {lit(tokens.FIELD_RX)}) AS f FROM lines)
        ORDER BY ln""").fetchall()
    out = []
    for w, s in zip(whole, split, strict=True):
        if w[1] != "":
            out.append(w)
        else:  # the split keeps dates' quotes; extract takes them off
            out.append(tuple(tokens.unquote(v) if i in (3, 5) else v for i, v in enumerate(s)))
    return out


@pytest.fixture()
def con():
    with duckdb.connect() as c:
        c.register("lines", _lines(SPELLINGS))
        yield c


def test_fast_steps_read_every_spelling_as_before(con):
    got = vouchers.extract(con, _lines(SPELLINGS), [], WarningLog()).ver
    assert [tuple(r.values()) for r in got.to_pylist()] == _reference(con)


def test_most_common_spellings_take_the_fast_steps(con):
    odd = [r[0] for r in con.sql(
        f"SELECT odd FROM ({vouchers._VER_FAST_SQL}) ORDER BY ln").fetchall()]
    # the usual shapes never take the slow patterns; blanks after the date alone do (VER_RX)
    assert odd[:8] == [False, False, False, False, True, False, False, False]
    assert odd[8] and odd[9] and odd[10]  # these need VER_RX or the split
