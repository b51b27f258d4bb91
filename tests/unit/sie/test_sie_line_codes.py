"""The fast arms of structure.CODE_SQL give every line the code the patterns give it."""

from __future__ import annotations

import itertools
import random

import duckdb
import pyarrow as pa

from orchestration.readers.sie import structure

PIECES = ["", " ", "\t", "   ", "#TRANS", "#TRANS ", "#VER", "#VER ", "#RTRANS ", "#BTRANS",
          "#TRANSX", "#VERA", "#", "{", "}", "{ ", "} x", "abc", "\x1a", "\r", "\n", "\r\n",
          "\r\r\n", "#KONTO 1", "å", '"', "\t#TRANS\t", "   #TRANS 1930 {} 1.00"]


def test_fast_arms_agree_with_the_patterns():
    rng = random.Random(12)
    lines = ["".join(p) for p in itertools.product(PIECES, repeat=2)]
    lines += ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 5)))
              for _ in range(5000)]
    with duckdb.connect() as con:
        con.register("block", pa.table({"line": lines}))
        fast, slow = con.sql(f"SELECT list({structure.CODE_SQL}), "
                             f"list({structure.CODE_BY_PATTERN_SQL}) FROM block").fetchall()[0]
    assert fast == slow
    assert {structure.TRANS, structure.VER, structure.OPEN, structure.CLOSE} <= set(fast)
