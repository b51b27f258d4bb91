"""Command line for the sample generator (also `uppfoljning generate-sample`)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from orchestration.sample.generate import SCALES
from orchestration.sample.profiles import DEFAULT_PROFILE, PROFILES, generate_profile


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("raw_dir", nargs="?", default="raw", type=Path)
    parser.add_argument("--profile", choices=sorted(PROFILES), default=DEFAULT_PROFILE,
                        help="vilken exempelkommun (standard: eskilstuna)")
    parser.add_argument("--scale", choices=sorted(SCALES), default="S")
    parser.add_argument("--seed", type=int, default=None,
                        help="slumpfrö (standard: profilens eget, 484 för eskilstuna)")
    parser.add_argument("--ledger-style", choices=["period", "yearly"], default=None,
                        help="lillasa: huvudboken som månadsfiler (standard) eller årsfiler")


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    options = {}
    if args.ledger_style is not None:
        if args.profile != "lillasa":
            print("--ledger-style gäller bara profilen lillasa")
            return 2
        options["ledger_style"] = args.ledger_style
    manifest = generate_profile(args.profile, args.raw_dir, scale=args.scale, seed=args.seed,
                                **options)
    counts = manifest["counts"]
    title = PROFILES[args.profile].title
    print(f"{title} skriven till {args.raw_dir} (skala {args.scale}): "
          f"{counts['ledger_transactions']:,} verifikationsrader, "
          f"{counts['payroll_rows']:,} lönerader på {time.perf_counter() - started:.1f} s")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration.sample")
    add_arguments(parser)
    return run(parser.parse_args(argv))
