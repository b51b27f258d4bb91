"""Benchmark: loading a fiscal year as one yearly SIE file against twelve monthly period files
holding the same vouchers (a script, not a test).

    python tests/benchmarks/bench_ledger_files.py --file YEAR.se [--runs 3] [--nightly]

The period files are cut from the yearly file by tests/sie_split.py (each with the head's
#UB/#RES restated for the months up to its own, as programs export them). Each run loads into
a fresh warehouse through the ledger's own reader and `landing.ingest`, with the fiscal-year
balance check, exactly as the ledger asset does:

- `yearly`: the one file;
- `periods`: the twelve files in one batch;
- `nightly` (with --nightly): the twelve files one a night, one ingest each, in month order.

Printed: wall and CPU seconds, rows, and per-row cost against the yearly file, with the time
spent in read_sie, in the ledger's own per-file work and in the rest of landing.ingest. A batch
of period files is read two at a time, so its read_sie and file_facts columns add up both
reading threads' time and may exceed the wall time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for sie_split

from sie_split import SieYear  # noqa: E402

from orchestration import landing  # noqa: E402
from orchestration.defs.ledger import assets  # noqa: E402
from orchestration.defs.ledger.completeness import check_fiscal_year  # noqa: E402

DIMENSIONS = assets.DEFAULT_DIMENSIONS
_CLOCKED = defaultdict(float)


def _clock(owner: Any, name: str, label: str) -> None:
    original = getattr(owner, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            _CLOCKED[label] += time.perf_counter() - start

    setattr(owner, name, timed)


_clock(assets, "read_sie", "read_sie")
_clock(assets, "_file_facts", "file_facts")
_clock(landing, "_replace", "insert")
_clock(landing.Delivery, "sha256", "hash")
_clock(landing.Delivery, "stamp", "stamp")


def _checked(conn: Any, key: str) -> str | None:
    start = time.perf_counter()
    try:
        return check_fiscal_year(conn, key)
    finally:
        _CLOCKED["balance_check"] += time.perf_counter() - start


def _load(batches: list[list[Path]], work: Path) -> dict[str, Any]:
    """Each batch one ingest into a fresh warehouse; the files stay in raw/ between nights."""
    raw = work / "raw"
    raw.mkdir()
    _CLOCKED.clear()
    start, cpu = time.perf_counter(), time.process_time()
    with landing.connect(work / "warehouse.duckdb") as conn:
        for batch in batches:
            for path in batch:
                (raw / path.name).hardlink_to(path)
            items = landing.deliveries(raw, assets.SIE_SUFFIXES)
            with tempfile.TemporaryDirectory(dir=work, prefix=".sie-") as tmp:
                outcomes = landing.ingest(
                    conn, "ledger", items, assets._reader(Path(tmp), DIMENSIONS),
                    assets.TABLES, work / "quarantine", salt="bench",
                    check=_checked)
            bad = [o for o in outcomes if o.status == "quarantined"]
            if bad:
                raise RuntimeError(f"quarantined: {bad[0].name}: {bad[0].reason}")
        rows = conn.execute("select count(*) from landing.ledger_transactions "
                            "where counts_in_ledger").fetchall()[0][0]
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "cpu_seconds": time.process_time() - cpu, "rows": rows,
            "files": sum(len(b) for b in batches), **dict(_CLOCKED)}


def run(path: Path, runs: int, nightly: bool) -> dict[str, list[dict[str, Any]]]:
    results: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with tempfile.TemporaryDirectory(prefix="bench_ledger_files_") as scratch:
        scratch_dir = Path(scratch)
        split = scratch_dir / "split"
        split.mkdir()
        periods = SieYear(path).periods(split, path.stem)
        modes = {"yearly": [[path]], "periods": [periods]}
        if nightly:
            modes["nightly"] = [[p] for p in periods]
        for n in range(runs):
            for mode, batches in modes.items():
                work = scratch_dir / f"{mode}-{n}"
                work.mkdir()
                results[mode].append(_load(batches, work))
    return results


def markdown(results: dict[str, list[dict[str, Any]]]) -> str:
    parts = ("read_sie", "file_facts", "hash", "stamp", "insert", "balance_check")
    lines = ["| load | files | rows | seconds | CPU s | µs/row | per row vs yearly | "
             + " | ".join(parts) + " |",
             "|---|---:|---:|---:|---:|---:|---:|" + "---:|" * len(parts)]
    base = None
    for mode, rs in results.items():
        med = {k: statistics.median(r.get(k, 0.0) for r in rs)
               for k in ("seconds", "cpu_seconds", *parts)}
        per_row = med["seconds"] / rs[0]["rows"] * 1e6
        base = per_row if base is None else base
        lines.append(f"| {mode} | {rs[0]['files']} | {rs[0]['rows']:,} | {med['seconds']:.2f} "
                     f"| {med['cpu_seconds']:.2f} | {per_row:.2f} | {per_row / base:.2f}x | "
                     + " | ".join(f"{med[p]:.2f}" for p in parts) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, required=True, help="a yearly SIE 4 file")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--nightly", action="store_true",
                        help="also load the period files one ingest each")
    args = parser.parse_args(argv)
    print(f"{args.file.name}: medians of {args.runs} runs")
    print(markdown(run(args.file, args.runs, args.nightly)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
