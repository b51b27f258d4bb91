"""The `uppfoljning` console command: one subcommand per thing a person does."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _run(args: argparse.Namespace) -> int:
    from orchestration.run import main as run_main

    return run_main(force=args.force)


def _generate(args: argparse.Namespace) -> int:
    from orchestration.sample.cli import run

    return run(args)


def _inspect_sie(args: argparse.Namespace) -> int:
    from orchestration.readers.sie.inspect import inspect_sie

    summary, status = inspect_sie(Path(args.file))
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return status


def _status(args: argparse.Namespace) -> int:
    from orchestration.status import status_main

    return status_main(["--json"] if args.json else [])


def _report(args: argparse.Namespace) -> int:
    from orchestration.followup_report.cli import report_main

    return report_main(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="uppfoljning", description="Uppföljning av programmedel: nattkörning och verktyg.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="kör nattjobbet (skriver exempeldata om raw/ är tom)")
    run.add_argument("--force", action="store_true",
                     help="kör även om Dagster anger att en annan körning pågår")
    run.set_defaults(func=_run)

    gen = sub.add_parser("generate-sample", help="skriv exempelkommunen till en raw/-mapp")
    from orchestration.sample.cli import add_arguments

    add_arguments(gen)
    gen.set_defaults(func=_generate)

    inspect = sub.add_parser("inspect-sie", help="granska en SIE-fil innan den läggs i raw/ledger/")
    inspect.add_argument("file")
    inspect.set_defaults(func=_inspect_sie)

    status = sub.add_parser(
        "status", help="senaste körningen, publicerad version, öppna avvikelser")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=_status)

    report = sub.add_parser(
        "report", help="bygg uppföljningsrapporten för ett organ och en period (HTML eller PDF)")
    from orchestration.followup_report.cli import add_arguments as report_arguments

    report_arguments(report)
    report.set_defaults(func=_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
