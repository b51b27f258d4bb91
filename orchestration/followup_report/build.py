"""Building the reports: every body and period, the index, the voucher pages and a tagged PDF
beside each report. `write_followup_reports` is what publication calls with the copy being
published, so the reports land in the same staging folder as the exports and go live with the
mart version they were built from."""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import jinja2

from orchestration.followup_report import charts
from orchestration.followup_report.drilldown import write_drilldown
from orchestration.followup_report.formatting import FILTERS, decimal, mnkr
from orchestration.followup_report.model import (
    Publication,
    ReportSpec,
    build_context,
    publication,
    report_specs,
)
from orchestration.followup_report.pdf import (
    content_key,
    engine,
    open_pdfs,
    previous_pdfs,
    reuse_pdf,
)
from orchestration.followup_report.periods import parse_period
from orchestration.followup_report.queries import Marts, has_table

TEMPLATES = Path(__file__).with_name("templates")
REPORTS_DIR = "rapporter"


@dataclass
class Built:
    out_dir: Path
    version: str
    reports: list[dict[str, Any]] = field(default_factory=list)
    voucher_pages: int = 0
    html_seconds: float = 0.0
    pdfs_drawn: int = 0
    pdf_engine: str | None = None
    seconds: float = 0.0
    chart_jobs: list[charts.ChartJob] = field(default_factory=list)
    charts_drawn: int = 0  # the rest came from this process's or the previous build's charts


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                             autoescape=jinja2.select_autoescape(["html", "j2"]),
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True)
    env.filters.update(FILTERS)
    return env


def _add_charts(ctx: dict[str, Any]) -> list[charts.ChartJob]:
    """The report's charts: outcome against budget per month and funding by source per year
    for everything the report covers, and each indicator against its targets."""
    jobs = []
    months = ctx["monthly"]
    ctx["chart_monthly"] = None
    if any(m["budget"] or m["outcome"] for m in months):
        used = sum(m["outcome"] for m in months)
        budget = sum(m["budget"] for m in months)
        ctx["chart_monthly_text"] = (f"Utfall {mnkr(used)} mot budget {mnkr(budget)} "
                                     f"{months[0]['month_label']}–{months[-1]['month_label']}.")
        ctx["chart_monthly"] = charts.monthly_outcome(
            months, f"Utfall mot budget per månad {ctx['period'].year}")
        jobs.append(ctx["chart_monthly"])
    ctx["chart_funding"] = None
    if ctx["funding_years"]:
        ctx["chart_funding_text"] = " ".join(
            f"{f['year']}: kostnad {mnkr(f['cost'])}, varav statsbidrag "
            f"{mnkr(f['by_source']['state_grant'])}, mandatmedel "
            f"{mnkr(f['by_source']['mandate'])} och ram {mnkr(f['by_source']['frame'])}."
            for f in ctx["funding_years"])
        ctx["chart_funding"] = charts.funding_by_year(ctx["chart_funding_rows"],
                                                      "Finansiering per källa och år")
        jobs.append(ctx["chart_funding"])
    for ind in ctx["indicators"]:
        points = [y for y in ind["years"] if y["whole"]
                  and (y["outcome"] is not None or y["target"] is not None)]
        ind["chart"] = None
        if points:
            ind["chart_text"] = " ".join(
                f"{y['year']}: mål {decimal(y['target']) if y['target'] is not None else '–'}, "
                f"utfall {decimal(y['outcome']) if y['outcome'] is not None else 'saknas'}."
                for y in points)
            ind["chart"] = charts.indicator_vs_target(
                points, ind["unit"] or "", f"Utfall mot målnivå, {ind['indicator_name']}")
            jobs.append(ind["chart"])
    return jobs


def _entry(spec: ReportSpec, ctx: dict[str, Any], pub: Publication, html: str,
           pdf_engine: str | None) -> dict[str, Any]:
    entry = {"body": spec.body, "body_name": ctx["body_name"], "period": spec.period.code,
             "period_label": ctx["period_label"], "preliminary": spec.preliminary,
             "html": f"{spec.slug}.html", "pdf": f"{spec.slug}.pdf" if pdf_engine else None,
             "version": pub.version, "totals": {k: str(v) for k, v in ctx["totals"].items()}}
    if pdf_engine:  # the version the PDF prints: this one unless an unchanged PDF is reused
        entry.update(pdf_version=pub.version, pdf_as_of=pub.as_of.isoformat(),
                     pdf_engine=pdf_engine,
                     pdf_key=content_key(html, pub.version, pub.published_at, pdf_engine))
    return entry


REQUIRED_MARTS = ("rpt_reporting_compliance", "rpt_budget_vs_outcome", "dim_initiatives",
                  "fct_ledger_lines")
# the charts the last publication drew, kept for the next: pipeline state beside the working
# warehouse (charts.remember/keep), not part of what is published
CHART_CACHE = ".report_charts.json"
PDF_SETTING = "UPPFOLJNING_REPORT_PDF"  # 0: HTML only (the test suite's many publications)


def pdf_wanted() -> bool:
    return os.environ.get(PDF_SETTING, "1").strip().lower() not in ("0", "false", "nej", "no")


def write_followup_reports(conn: duckdb.DuckDBPyConnection, out: Path, as_of: date,
                           only: tuple[str, str] | None = None, pdf: bool | None = None,
                           workers: int = 2, previous: Path | None = None,
                           chart_cache: Path | None = None) -> Built:
    """Every report (or only one body and period) with its index and voucher pages. A
    warehouse without the marts the reports read (a partial build) gets no reports.
    `previous` is the previous publication's report folder: a PDF whose report did not change
    is taken from there instead of being drawn again (orchestration/followup_report/pdf.py).
    `chart_cache` is a file of the charts the previous build drew (charts.remember/keep)."""
    started = time.perf_counter()
    pdf = pdf_wanted() if pdf is None else pdf
    pub = publication(conn, as_of)
    if not all(has_table(conn, "marts", t) for t in REQUIRED_MARTS):
        return Built(out, pub.version)
    out.mkdir(parents=True, exist_ok=True)
    pdf_engine = engine() if pdf else None
    # one report on demand is drawn here: starting workers would cost more than it saves
    renderer = open_pdfs(pdf_engine, workers if not only else 0) if pdf_engine else None
    reusable = previous_pdfs(previous) if renderer is not None else {}
    drawn: list[Path] = []

    def place_pdf(entry: dict[str, Any]) -> None:
        """Reuse the previous PDF of an unchanged report, else draw it now: the drawing
        overlaps the rest of the HTML and the voucher pages (the PDF never loads those)."""
        before = reusable.get(entry["html"])
        if previous and before and before["pdf_key"] == entry["pdf_key"]:
            reuse_pdf(previous, before, out / entry["pdf"])
            entry["pdf_version"] = before.get("pdf_version") or before["version"]
            entry["pdf_as_of"] = before.get("pdf_as_of")
        elif renderer is not None:
            drawn.append(out / entry["html"])
            renderer.submit(drawn[-1])

    charts.remember(chart_cache)
    with renderer or contextlib.nullcontext():
        built = _write_html(conn, out, pub, only, pdf_engine, workers,
                            place_pdf if renderer is not None else None)
        built.pdf_engine, built.pdfs_drawn = pdf_engine, len(drawn)
        if not only:  # a single report on demand leaves the index and the kept charts alone
            charts.keep(chart_cache, built.chart_jobs)
            _write_index(out, pub, built)
        if renderer is not None:
            renderer.wait()
    built.seconds = time.perf_counter() - started
    return built


def _write_html(conn: duckdb.DuckDBPyConnection, out: Path, pub: Publication,
                only: tuple[str, str] | None, pdf_engine: str | None, workers: int,
                on_report: Callable[[dict[str, Any]], None] | None) -> Built:
    started = time.perf_counter()
    env = environment()
    css = (TEMPLATES / "style.css").read_text(encoding="utf-8")
    specs = report_specs(conn, pub.as_of)
    if only:
        body, period = only
        specs = [s for s in specs if s.body == body and s.period.code == period] or \
            _on_demand_spec(conn, body, period, pub.as_of)
    built = Built(out, pub.version)
    marts = Marts(conn)
    template = env.get_template("report.html.j2")
    # one report at a time, so that its PDF is drawn while the next one's charts are
    with ThreadPoolExecutor(max(1, workers)) as chart_threads:
        for spec in specs:
            ctx = build_context(marts, spec, pub)
            jobs = _add_charts(ctx)
            built.charts_drawn += charts.render_all(jobs, chart_threads)
            built.chart_jobs += jobs
            html = template.render(**ctx, css=css, root="")
            (out / f"{spec.slug}.html").write_text(html, encoding="utf-8")
            built.reports.append(_entry(spec, ctx, pub, html, pdf_engine))
            if on_report is not None:
                on_report(built.reports[-1])
    built.voucher_pages = write_drilldown(conn, env, out, {"pub": pub, "css": css})
    built.html_seconds = time.perf_counter() - started
    return built


def _write_index(out: Path, pub: Publication, built: Built) -> None:
    env = environment()
    css = (TEMPLATES / "style.css").read_text(encoding="utf-8")
    years = sorted({parse_period(r["period"]).year for r in built.reports})
    (out / "index.html").write_text(env.get_template("index.html.j2").render(
        pub=pub, css=css, root="", reports=built.reports, years=years), encoding="utf-8")
    (out / "index.json").write_text(json.dumps(
        {"version": pub.version, "as_of_date": pub.as_of.isoformat(),
         "reports": built.reports}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _on_demand_spec(conn: duckdb.DuckDBPyConnection, body: str, period: str, as_of: date
                    ) -> list[ReportSpec]:
    known = conn.execute("select count(*) from marts.rpt_reporting_compliance where body = ?",
                         [body]).fetchall()[0][0]
    if not known:
        raise ValueError(f"Organet {body!r} har inga rapporter i rapporteringskalendern.")
    p = parse_period(period)
    if p.start > as_of:
        raise ValueError(f"Perioden {period} har inte börjat per {as_of.isoformat()}.")
    return [ReportSpec(body, p, p.end >= as_of)]
