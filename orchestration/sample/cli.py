"""Command line for the sample generator (also `uppfoljning generate-sample`)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from orchestration.sample.generate import SCALES, generate


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("raw_dir", nargs="?", default="raw", type=Path)
    parser.add_argument("--scale", choices=sorted(SCALES), default="S")
    parser.add_argument("--seed", type=int, default=484)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    manifest = generate(args.raw_dir, scale=args.scale, seed=args.seed)
    counts = manifest["counts"]
    print(f"Exempelkommunen skriven till {args.raw_dir} (skala {args.scale}): "
          f"{counts['ledger_transactions']:,} verifikationsrader, "
          f"{counts['payroll_rows']:,} lönerader på {time.perf_counter() - started:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.sample")
    add_arguments(parser)
    return run(parser.parse_args(argv))
