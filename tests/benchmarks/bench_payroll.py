"""Benchmark read_payroll on a synthetic month file (a script, not a test).

    python tests/benchmarks/bench_payroll.py --rows 3000000 [--runs 3] [--keep]

Writes one file in the raw/ contract's format to a temporary folder outside the repo, then
times read_payroll and, as the floor, DuckDB's own read_csv materialising the same file. Each
run is a fresh child process whose resident memory the parent samples with psutil, so peaks do
not leak between runs. Prints a markdown table; `run(path, runs)` returns the raw numbers.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from child_process import measure_child

from orchestration.readers.payroll import PAYROLL_COLUMNS, read_payroll

METHODS = ("read_payroll", "duckdb_read_csv")
TARGET_ROWS_PER_S = 500_000
TARGET_PEAK_BYTES = 2 * 1024**3


def write_month_file(path: Path, rows: int, period: str = "2022-05") -> Path:
    """A synthetic month: about 7,500 employees, several pay types each, Swedish numbers.

    Amounts get NBSP thousands separators and some are negative; the file gets a BOM and
    CRLF line endings, as payroll systems on Windows write them.
    """
    nbsp = "chr(160)"
    amount = "((i * 7919) % 6000000 - 300000) / 100.0"
    # format() gives 1,234.50; swap to Swedish 1 234,50 with a no-break space.
    swedish = f"replace(replace(format('{{:,.2f}}', {amount}), ',', {nbsp}), '.', ',')"
    body = path.with_suffix(".body")
    con = duckdb.connect()
    try:
        con.execute(
            f"""
            COPY (
                SELECT '{period}' AS period,
                    'E' || lpad(CAST(i % 7500 + 1 AS VARCHAR), 6, '0') AS anstallningsnr,
                    CAST(19700101 + i % 7500 AS VARCHAR) || '-' ||
                        lpad(CAST(i % 9973 AS VARCHAR), 4, '0') AS personnummer,
                    'Förnamn' || (i % 7500) || ' Efternamnsson' AS namn,
                    ['Fritidsledare', 'Socialsekreterare', 'Lärare', 'Ungdomsutvecklare',
                     'Samordnare'][i % 7500 % 5 + 1] AS befattning,
                    ['1100', '1200', '2100', '1310'][i // 7500 % 4 + 1] AS lonart,
                    ['Månadslön', 'Timlön', 'OB-tillägg', 'Arbetsgivaravgift'][i // 7500 % 4 + 1]
                        AS lonartstext,
                    replace(printf('%.2f', i % 160 + 0.25), '.', ',') AS antal,
                    {swedish} AS belopp,
                    ['5020', '5021', '5022', '5060', '5061', '5110'][i // 7500 % 6 + 1] AS konto,
                    CAST(410000 + i % 7500 % 40 AS VARCHAR) AS ansvar,
                    ['350', '440', '569', '610'][i % 4 + 1] AS verksamhet,
                    CASE WHEN i % 3 = 0 THEN '9120' ELSE '' END AS projekt,
                    ['7101', '7102', '7201', '7301', '', ''][i % 6 + 1] AS objekt,
                    ['100', '75', '50', '100', '62,5'][i % 7500 % 5 + 1] AS sysselsattningsgrad
                FROM range({rows}) AS t(i)
            ) TO '{body}' (DELIMITER ';', HEADER false, QUOTE '', NEW_LINE '\\r\\n')
            """
        ).fetchall()
    finally:
        con.close()
    with path.open("wb") as out, body.open("rb") as src:
        out.write(b"\xef\xbb\xbf" + ";".join(PAYROLL_COLUMNS).encode() + b"\r\n")
        shutil.copyfileobj(src, out, 1 << 22)
    body.unlink()
    return path


def _floor(path: Path) -> int:
    """DuckDB's read_csv parsing every field of the same file into a table."""
    columns = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in PAYROLL_COLUMNS) + "}"
    con = duckdb.connect()
    try:
        con.execute(
            f"CREATE TABLE t AS SELECT * FROM read_csv('{path}', delim = ';', header = true, "
            f"all_varchar = true, auto_detect = false, quote = '\"', columns = {columns})"
        ).fetchall()
        return con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    finally:
        con.close()


def _child(method: str, path: Path) -> None:
    start = time.perf_counter()
    if method == "read_payroll":
        table = read_payroll(path, b"benchmark-key")
        groups = table.num_rows
        rows = int(sum(table.column("source_rows").to_pylist()))
    else:
        rows = _floor(path)
        groups = None
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "rows": rows, "groups": groups}))


def _measure(method: str, path: Path) -> dict:
    return measure_child(__file__, ["--child", method, "--path", str(path)], method)


def run(path: Path, runs: int) -> list[dict]:
    """Time each method `runs` times on `path`; one dict per (method, run)."""
    results = []
    for n in range(1, runs + 1):
        for method in METHODS:
            result = _measure(method, Path(path))
            result["run"] = n
            results.append(result)
    return results


def markdown(results: list[dict], file_bytes: int) -> str:
    lines = [
        f"File: {file_bytes / 1e6:.0f} MB. Medians over runs; peak RSS is the largest seen.",
        "",
        "| method | rows | runs | seconds (median) | rows/s (median) | peak RSS (MB) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for method in METHODS:
        mine = [r for r in results if r["method"] == method]
        if not mine:
            continue
        seconds = statistics.median(r["seconds"] for r in mine)
        rate = statistics.median(r["rows_per_s"] for r in mine)
        peak = max(r["peak_rss_bytes"] for r in mine)
        lines.append(
            f"| {method} | {mine[0]['rows']:,} | {len(mine)} | {seconds:.2f} | {rate:,.0f} "
            f"| {peak / 1024**2:,.0f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the generated file")
    parser.add_argument("--child", choices=METHODS, help=argparse.SUPPRESS)
    parser.add_argument("--path", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.path)
        return 0

    folder = Path(tempfile.mkdtemp(prefix="bench_payroll_"))
    try:
        path = folder / "lon_2022-05.csv"
        start = time.perf_counter()
        write_month_file(path, args.rows)
        print(f"Wrote {args.rows:,} rows to {path} in {time.perf_counter() - start:.1f} s\n")
        results = run(path, args.runs)
        print(markdown(results, path.stat().st_size))
        mine = [r for r in results if r["method"] == "read_payroll"]
        rate = statistics.median(r["rows_per_s"] for r in mine)
        peak = max(r["peak_rss_bytes"] for r in mine)
        ok = rate >= TARGET_ROWS_PER_S and peak < TARGET_PEAK_BYTES
        print(
            f"\nTarget >= {TARGET_ROWS_PER_S:,} rows/s and peak < 2 GB: "
            f"{'met' if ok else 'NOT met'}"
        )
        return 0 if ok else 1
    finally:
        if args.keep:
            print(f"Kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
