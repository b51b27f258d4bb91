"""Reads share one DuckDB database (reader._database) but never each other's state, and a file
of a few MB is read in several blocks so that its steps overlap (reader.block_bytes)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from orchestration.readers.errors import SourceFileError
from orchestration.readers.sie import read_sie, reader

DIMENSIONS = {"responsibility": 1, "project": 6, "activity": 21}
FILES = ["tokens.se", "dev_balances_braces.se", "late_rar.se", "repeat_exact_voucher.se"]


def _read_all(own: Path, out: Path, name: str) -> dict:
    summary = read_sie(own / name, out, DIMENSIONS)
    return {"summary": summary.to_dict(),
            **{t: pq.read_table(out / f"{t}.parquet").to_pylist()
               for t in ("accounts", "objects", "transactions", "balances", "vouchers")}}


def test_reads_in_parallel_threads_see_only_their_own_file(own: Path, tmp_path: Path):
    alone = {n: _read_all(own, tmp_path / f"alone-{n}", n) for n in FILES}
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = dict(zip(FILES, pool.map(
            lambda n: _read_all(own, tmp_path / f"together-{n}", n), FILES), strict=True))
    assert together == alone
    # declarations gathered in one read's temp tables do not reach the next read
    assert {a["source_file"] for n in FILES for a in alone[n]["accounts"]} == set(FILES)


def test_a_rejected_file_leaves_nothing_for_the_next_read(own: Path, tmp_path: Path):
    with pytest.raises(SourceFileError):
        read_sie(own / "bad_object_list.se", tmp_path / "bad", DIMENSIONS)
    again = _read_all(own, tmp_path / "good", "tokens.se")
    assert again == _read_all(own, tmp_path / "good2", "tokens.se")


def test_block_size_follows_the_file():
    mb = 1 << 20
    assert reader.block_bytes(8 * mb) == 2 * mb  # a month's period file: four blocks
    assert reader.block_bytes(40 * mb) == 10 * mb
    assert reader.block_bytes(400 * mb) == reader.BLOCK_BYTES  # a yearly file: as before
    assert reader.block_bytes(10_000) == reader.MIN_BLOCK_BYTES
