"""The `uppfoljning` console command: one subcommand per thing a person does."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def _run(args: argparse.Namespace) -> int:
    from orchestration.run import main as run_main

    return run_main(force=args.force)


def _rebuild(args: argparse.Namespace) -> int:
    from orchestration.run import main as run_main

    return run_main(rebuild=True)


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


def _raw_dir(given: Path | None) -> Path:
    """A folder given on the command line, else the pipeline's own (RAW_DIR, or raw/)."""
    if given is not None:
        return given
    from orchestration.settings import get_settings

    return get_settings().raw_dir


def _registry_template(args: argparse.Namespace) -> int:
    from orchestration.onboarding.convert import write_template

    out = args.out or _raw_dir(args.raw_dir) / "registry" / "styrmodell.xlsx"
    return write_template(out, force=args.force)


def _registry_export(args: argparse.Namespace) -> int:
    from orchestration.onboarding.convert import export

    return export(_raw_dir(args.raw_dir) / "registry", args.format, args.out, args.in_place)


def _init(args: argparse.Namespace) -> int:
    from orchestration.onboarding.init import init_main

    args.raw_dir = _raw_dir(args.raw_dir)
    return init_main(args)


def _check(args: argparse.Namespace) -> int:
    from orchestration.onboarding.check import check_main

    return check_main(_raw_dir(args.raw_dir), as_json=args.json)


def _add_onboarding(sub) -> None:
    raw = {"nargs": "?", "default": None, "type": Path,
           "help": "raw/-mappen (annars RAW_DIR eller projektets raw/)"}
    tpl = sub.add_parser("registry-template", help="skriv en tom styrmodell (Excel)")
    tpl.add_argument("raw_dir", **raw)
    tpl.add_argument("--out", type=Path, help="fil att skriva (annars RAW_DIR/registry/)")
    tpl.add_argument("--force", action="store_true", help="skriv över en befintlig fil")
    tpl.set_defaults(func=_registry_template)

    exp = sub.add_parser("registry-export", help="gör om styrmodellen mellan Excel och YAML")
    exp.add_argument("raw_dir", **raw)
    exp.add_argument("--format", choices=("xlsx", "yaml"), required=True)
    exp.add_argument("--out", type=Path, help="mapp att skriva till (annars registry-export/)")
    exp.add_argument("--in-place", action="store_true",
                     help="byt formen i RAW_DIR/registry/ (den gamla formen tas bort)")
    exp.set_defaults(func=_registry_export)

    init = sub.add_parser("init", help="skissa styrmodellen ur kommunens SIE-export")
    init.add_argument("--from", dest="export", type=Path, required=True, action="append",
                      help="SIE-exporten (flera gånger för flera år)")
    init.add_argument("--raw-dir", type=Path, default=None,
                      help="raw/-mappen (annars RAW_DIR eller projektets raw/)")
    init.add_argument("--municipality-code", help="kommunkoden (fyra siffror, t.ex. 0484)")
    init.add_argument("--format", choices=("xlsx", "yaml"), default="xlsx")
    init.add_argument("--force", action="store_true", help="skriv över en befintlig styrmodell")
    init.set_defaults(func=_init)

    check = sub.add_parser("check", help="kontrollera en hel leverans utan att läsa in den")
    check.add_argument("raw_dir", **raw)
    check.add_argument("--json", action="store_true")
    check.set_defaults(func=_check)


def _report(args: argparse.Namespace) -> int:
    from orchestration.followup_report.cli import report_main

    return report_main(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="uppfoljning", description="Uppföljning av programmedel: nattkörning och verktyg.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="kör nattjobbet (skriver exempeldata om raw/ är tom)")
    run.add_argument("--force", action="store_true",
                     help="kör även om Dagster anger att en körning pågår vars arbetsprocess inte "
                     "kan ses (en körning vars process är borta känns igen utan flaggan)")
    run.set_defaults(func=_run)

    rebuild = sub.add_parser(
        "rebuild", help="bygg om arbetsdatabasen från raw/ och kör nattjobbet (historiken "
        "behålls)")
    rebuild.set_defaults(func=_rebuild)

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
    _add_onboarding(sub)



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
