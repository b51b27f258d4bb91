"""`uppfoljning report`: one report (or all) on demand, from the published copy."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from orchestration.settings import get_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--body", help="organet, t.ex. KS (utelämnas: alla rapporter)")
    parser.add_argument("--period", help="perioden, t.ex. 2022, 2022-H1 eller 2023-T2")
    parser.add_argument("--format", choices=["html", "pdf"], default="html",
                        help="html (standard) eller pdf (taggad PDF bredvid HTML-filen; "
                        "motorn väljs med UPPFOLJNING_PDF_ENGINE)")
    parser.add_argument("--out", help="mapp att skriva till (standard: "
                        "$WAREHOUSE_DIR/rapporter-pa-begaran/)")


def report_main(args: argparse.Namespace) -> int:
    import duckdb  # the heavy imports only when a report is built

    from orchestration.followup_report.build import CHART_CACHE, write_followup_reports
    from orchestration.followup_report.pdf import PdfEngineError

    settings = get_settings()
    source = settings.published_duckdb_path
    if not source.exists():
        print(f"Ingen publicerad kopia finns ({source}); kör `uppfoljning run` först.",
              file=sys.stderr)
        return 2
    if bool(args.body) != bool(args.period):
        print("Ange både --body och --period, eller ingen av dem för alla rapporter.",
              file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else settings.warehouse_dir / "rapporter-pa-begaran"
    only = (args.body, args.period) if args.body else None
    try:
        with duckdb.connect(str(source), read_only=True) as conn:
            built = write_followup_reports(conn, out, settings.as_of_date, only=only,
                                           pdf=args.format == "pdf",
                                           chart_cache=settings.warehouse_dir / CHART_CACHE)
    except (ValueError, PdfEngineError) as e:
        print(str(e), file=sys.stderr)
        return 2
    for report in built.reports:
        print(out / report[args.format])
    drawn = f", {built.pdfs_drawn} PDF ({built.pdf_engine})" if built.pdf_engine else ""
    print(f"Version {built.version}; {len(built.reports)} rapporter{drawn}, "
          f"{built.voucher_pages} verifikationssidor, {built.seconds:.1f} s.")
    return 0
