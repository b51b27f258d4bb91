"""Benchmark the SIE 4 reader on one big file (a script, not a test).

    python tests/benchmarks/bench_sie.py --file BIG.se [--runs 3] [--pysie | --no-pysie]

Three methods, each run in a fresh child process whose resident memory the parent samples
with psutil, so peaks never leak from one run into the next:

- read_sie: the reader, writing its Parquet files to a temporary folder;
- duckdb_lines: the I/O floor: the same bytes transcoded to UTF-8 in large chunks with
  Python's codec (as the reader does) and scanned by DuckDB as one VARCHAR column of lines;
- pysie: pysie-accounting 0.0.2, a peer library. Known defects: it decodes UTF-8 unless told
  otherwise (it is told cp437 here), keeps amounts as strings, needs series and number quoted
  in #VER and keys vouchers by number alone, so series overwrite each other. Its row count is
  reported as returned, next to the reader's. It keeps everything in memory, so by default it
  only runs on files below PYSIE_DEFAULT_MAX_BYTES.

Rows are #TRANS rows that count (read_sie), #TRANS lines (floor) or rows returned (pysie).
CPU seconds (all threads of the child) are reported beside wall time: on a shared machine they
say more about the code. `run(path, runs)` returns one dict per (method, run) for the harness.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from child_process import measure_child

METHODS = ("read_sie", "duckdb_lines", "pysie")
TARGET_ROWS_PER_S = 1_000_000
TARGET_PEAK_BYTES = 1024**3
PYSIE_DEFAULT_MAX_BYTES = 150 * 1024**2  # ~1.5 M rows: beyond that it needs many GB
DIMENSIONS = {"responsibility": 1, "activity": 21, "project": 6, "object": 22}
_CHUNK = 16 << 20


# -- the methods, each run inside a child process ------------------------------------------
def _read_sie(path: Path) -> dict[str, Any]:
    from orchestration.readers.sie import read_sie

    with tempfile.TemporaryDirectory(prefix="bench_sie_") as out:
        start = time.perf_counter()
        summary = read_sie(path, Path(out), DIMENSIONS)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": summary.transactions, "vouchers": summary.vouchers,
            "encoding": summary.encoding}


def _duckdb_lines(path: Path) -> dict[str, Any]:
    import duckdb

    from orchestration.readers.sie.encoding import detect

    with tempfile.TemporaryDirectory(prefix="bench_sie_floor_") as scratch:
        text = Path(scratch) / "lines.txt"
        start = time.perf_counter()
        with path.open("rb") as src:
            encoding = detect(src.read(1 << 20)).encoding
            src.seek(0)
            with text.open("wb") as dst:
                carry = b""
                while block := src.read(_CHUNK):
                    block = carry + block
                    cut = block.rfind(b"\n") + 1 or len(block)  # keep characters whole
                    carry = block[cut:]
                    dst.write(block[:cut].decode(encoding).encode("utf-8"))
                dst.write(carry.decode(encoding).encode("utf-8"))
        transcoded = time.perf_counter() - start
        con = duckdb.connect()
        try:
            lines, rows = con.execute(
                f"""SELECT count(*), count(*) FILTER (WHERE ltrim(line, ' ' || chr(9))
                                                         LIKE '#TRANS%')
                    FROM read_csv('{text}', columns = {{'line': 'VARCHAR'}}, header = false,
                                  delim = chr(1), quote = '', escape = '',
                                  auto_detect = false, strict_mode = false)"""
            ).fetchall()[0]
        finally:
            con.close()
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "rows": rows, "lines": lines, "transcode_seconds": transcoded}


def _pysie(path: Path) -> dict[str, Any]:
    import pandas as pd
    from pysie_accounting.pysie import PySIE

    start = time.perf_counter()
    sie = PySIE()
    sie.sie_encoding = "cp437"  # its default is UTF-8, which fails on a PC8 file
    # open() merges with an SRU translation table it otherwise reads from a CSV file.
    sie.dftrans = pd.DataFrame({"SRU": pd.Series(dtype="int64"),
                                "Ink2": pd.Series(dtype="object")})
    sie.open(str(path))
    rows = sum(len(v[3]) for v in sie.verifikat.values())
    seconds = time.perf_counter() - start
    amount_types = sorted({type(r[2]).__name__ for v in sie.verifikat.values() for r in v[3]})
    return {"seconds": seconds, "rows": rows, "vouchers": len(sie.verifikat),
            "amount_types": amount_types}


_RUNNERS = {"read_sie": _read_sie, "duckdb_lines": _duckdb_lines, "pysie": _pysie}


# -- the parent: one child per measurement -------------------------------------------------
def _measure(method: str, path: Path) -> dict[str, Any]:
    return measure_child(__file__, ["--child", method, "--file", str(path)], method)


def run(path: Path, runs: int, pysie: bool | None = None) -> list[dict[str, Any]]:
    """Time each method `runs` times on `path`: one dict per (method, run) with method, run,
    seconds, rows, rows_per_s and peak_rss_bytes. pysie runs when asked, or by default on
    files small enough for it."""
    path = Path(path)
    if pysie is None:
        pysie = path.stat().st_size <= PYSIE_DEFAULT_MAX_BYTES
    methods = [m for m in METHODS if pysie or m != "pysie"]
    results = []
    for n in range(1, runs + 1):
        for method in methods:
            result = _measure(method, path)
            result["run"] = n
            results.append(result)
    return results


def markdown(results: list[dict[str, Any]], file_bytes: int) -> str:
    lines = [
        f"File: {file_bytes / 1e6:,.0f} MB. Medians over runs; peak RSS is the largest seen.",
        "",
        "| method | rows | runs | seconds (median) | CPU s (median) | rows/s (median) "
        "| peak RSS (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    floor = None
    for method in METHODS:
        mine = [r for r in results if r["method"] == method]
        if not mine:
            continue
        seconds = statistics.median(r["seconds"] for r in mine)
        rate = statistics.median(r["rows_per_s"] for r in mine)
        peak = max(r["peak_rss_bytes"] for r in mine)
        floor = seconds if method == "duckdb_lines" else floor
        cpu = statistics.median(r.get("cpu_seconds", 0.0) for r in mine)
        lines.append(f"| {method} | {mine[0]['rows']:,} | {len(mine)} | {seconds:.2f} "
                     f"| {cpu:.2f} | {rate:,.0f} | {peak / 1024**2:,.0f} |")
    mine = {r["method"]: r for r in results}
    if floor and "read_sie" in mine:
        sie = statistics.median(r["seconds"] for r in results if r["method"] == "read_sie")
        lines += ["", f"read_sie / floor: {sie / floor:.1f}x"]
        if "pysie" in mine:
            py = statistics.median(r["seconds"] for r in results if r["method"] == "pysie")
            lines.append(f"pysie / read_sie: {py / sie:.1f}x; pysie returned "
                         f"{mine['pysie']['rows']:,} of {mine['read_sie']['rows']:,} rows, "
                         f"amounts as {', '.join(mine['pysie']['amount_types']) or 'n/a'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, required=True, help="a SIE 4 file")
    parser.add_argument("--runs", type=int, default=3)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--pysie", dest="pysie", action="store_true", default=None,
                       help="also time pysie-accounting, however big the file")
    group.add_argument("--no-pysie", dest="pysie", action="store_false")
    parser.add_argument("--child", choices=METHODS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        cpu = time.process_time()
        result = _RUNNERS[args.child](args.file)
        # CPU seconds of all threads: a fairer figure than wall time on a busy machine.
        result["cpu_seconds"] = time.process_time() - cpu
        print(json.dumps(result))
        return 0
    results = run(args.file, args.runs, args.pysie)
    print(markdown(results, args.file.stat().st_size))
    mine = [r for r in results if r["method"] == "read_sie"]
    rate = statistics.median(r["rows_per_s"] for r in mine)
    peak = max(r["peak_rss_bytes"] for r in mine)
    ok = rate >= TARGET_ROWS_PER_S and peak < TARGET_PEAK_BYTES
    print(f"\nTarget >= {TARGET_ROWS_PER_S:,} rows/s and peak < 1 GB: "
          f"{'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
