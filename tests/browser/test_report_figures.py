"""The sample's KS 2022 report read the way a person reads it (from the HTML in a browser,
not from the generator) and checked against the mart; two clicks from a figure to the
vouchers; the PDF beside it holds the same totals."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from test_report_pages import open_page

pytestmark = pytest.mark.integration


def amount(text: str) -> Decimal:
    """'12 600 000 kr' (narrow no-break spaces, a real minus) -> Decimal('12600000')."""
    digits = re.sub(r"[\s\u202f\u00a0]|kr|mnkr", "", text).replace("\u2212", "-")
    return Decimal(digits.replace(",", "."))


def one(conn: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    return conn.execute(sql, params or []).fetchall()[0][0]


def test_the_nightly_materialised_the_reports(nightly, reports_dir: Path) -> None:
    assert "published/followup_reports" in nightly.materialized
    index = (reports_dir / "index.html").read_text(encoding="utf-8")
    assert "KS-2022.html" in index and "TB-2023-T2.html" in index


def test_ks_2022_figures_match_the_mart(chromium, reports_dir: Path, published: Path) -> None:
    page, _, _ = open_page(chromium, reports_dir / "KS-2022.html", published)
    with duckdb.connect(str(published / "governance.duckdb"), read_only=True) as conn:
        try:
            used = page.locator('[data-mandate-used="9120-2022"]').inner_text()
            assert amount(used) == one(conn, "select mandate_used_sek from "
                                       "marts.rpt_mandate_projects where year = 2022 and "
                                       "mandate_project_code = '9120'") == Decimal("12600000")
            section = page.locator('section[aria-labelledby="mandat"]').inner_text()
            assert "2022 12,6\u00a0mnkr" in section
            grant = page.locator('[data-grant="SOS-UO-2022"]').inner_text()
            assert amount(grant) == one(conn, "select amount_sek from marts.rpt_grant_followup "
                                        "where grant_id = 'SOS-UO-2022'") == Decimal("11300000")
            missing = page.locator('#rapporteringskalender tr[data-report="trygga_unga/2022-H1"]')
            assert missing.get_attribute("data-status") == "missing"
            assert "saknas" in missing.inner_text() and "Trygga unga" in missing.inner_text()
            assert one(conn, "select status from marts.rpt_reporting_compliance where body = "
                       "'KS' and initiative_id = 'trygga_unga' and period = '2022-H1'") == "missing"
            budget = one(conn, "select sum(budget_full_year_sek) from "
                         "marts.rpt_budget_vs_outcome where year = 2022 and month = 1")
            outcome = one(conn, "select sum(outcome_sek) from marts.rpt_budget_vs_outcome "
                          "where year = 2022")
            status = page.locator("#status tfoot").inner_text()
            assert f"{budget:,.0f}".replace(",", "\u202f") in status
            assert f"{outcome:,.0f}".replace(",", "\u202f") in status
            assert page.locator("#version").inner_text() == one(
                conn, "select version from publication")
        finally:
            page.close()


def test_two_clicks_from_a_ks_figure_to_the_vouchers(chromium, reports_dir: Path,
                                                     published: Path) -> None:
    page, _, outside = open_page(chromium, reports_dir / "KS-2022.html", published)
    try:
        figure = page.locator("#status tbody tr", has_text="Trygga unga").first \
            .locator("a[href*='verifikationer/']")
        shown = amount(figure.inner_text())
        figure.click()  # first click: the initiative's months of 2022
        page.wait_for_load_state("load")
        assert page.url.endswith("verifikationer/trygga_unga/2022.html")
        months = page.locator("tbody tr")
        assert sum(amount(months.nth(i).locator("td.num").first.inner_text())
                   for i in range(months.count())) == shown
        months.nth(0).locator("a").click()  # second click: the voucher lines of one month
        page.wait_for_load_state("load")
        rows = page.locator("table").first.locator("tbody tr")
        assert rows.count() > 0
        header = page.locator("table").first.locator("thead").inner_text()
        for column in ("Fil", "Serie och nummer", "Datum", "Konto", "Nämnd", "Objekt", "Belopp"):
            assert column in header
        cells = [rows.nth(i).locator("td.num").inner_text().strip()
                 for i in range(rows.count()) if "kostnad" in rows.nth(i).inner_text()]
        total = amount(page.locator("main ul li", has_text="Kostnad").inner_text().split(":")[1])
        # a withheld line ("skyddat") is in the total but not shown: the month is checked
        # line by line against the working mart in the test below
        cost_lines = [amount(c) for c in cells if c != "skyddat"]
        assert cost_lines and ("skyddat" in cells or sum(cost_lines) == total)
        assert outside == []
    finally:
        page.close()


def test_a_month_with_withheld_lines_still_adds_up(chromium, reports_dir: Path,
                                                   published: Path, pipeline_env: dict) -> None:
    """A month whose payroll lines are withheld ("skyddat") prints the month's whole cost, the
    report's outcome: the lines shown plus the withheld ones, as the working mart has them."""
    from orchestration.followup_report.drilldown import month_href

    with duckdb.connect(str(published / "governance.duckdb"), read_only=True) as conn:
        initiative, year, month = conn.execute(
            "select initiative_id, year, month from marts.fct_ledger_lines where amount_sek "
            "is null and line_kind = 'cost' group by all order by count(*) desc, "
            "initiative_id, year, month limit 1").fetchall()[0]
        outcome = one(conn, "select sum(outcome_sek) from marts.rpt_budget_vs_outcome where "
                      "initiative_id = ? and year = ? and month = ?", [initiative, year, month])
    with duckdb.connect() as both:  # the lines the copy withholds, from the working mart
        both.execute(f"attach '{published / 'governance.duckdb'}' as pub (read_only)")
        both.execute(f"attach '{pipeline_env['warehouse'] / 'governance.duckdb'}' as work "
                     "(read_only)")
        cost, hidden = both.execute(
            "select sum(w.amount_sek), sum(w.amount_sek) filter (where p.amount_sek is null) "
            "from work.marts.fct_ledger_lines w join pub.marts.fct_ledger_lines p "
            "using (source_file, source_line) where w.initiative_id = ? and w.year = ? and "
            "w.month = ? and w.line_kind = 'cost'", [initiative, year, month]).fetchall()[0]
    shown, withheld, total = [], 0, None
    for k in range(1000):
        path = reports_dir / month_href(initiative, year, month, k)
        if not path.is_file():
            break
        page, _, _ = open_page(chromium, path, published)
        try:
            rows = page.locator("table").first.locator("tbody tr")
            for i in range(rows.count()):
                if "kostnad" not in rows.nth(i).inner_text():
                    continue
                cell = rows.nth(i).locator("td.num").inner_text().strip()
                if cell == "skyddat":
                    withheld += 1
                else:
                    shown.append(amount(cell))
            total = amount(page.locator("main ul li", has_text="Kostnad").inner_text()
                           .split(":")[1])
        finally:
            page.close()
    assert withheld > 0 and total == outcome == cost
    assert sum(shown) + hidden == total


@pytest.mark.parametrize("engine", ["chromium", "weasyprint"])
def test_pdf_beside_the_html_holds_the_same_totals(engine: str, published: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf import PdfReader

    from orchestration.followup_report.build import write_followup_reports

    monkeypatch.setenv("UPPFOLJNING_PDF_ENGINE", engine)
    with duckdb.connect(str(published / "governance.duckdb"), read_only=True) as conn:
        built = write_followup_reports(conn, tmp_path, date_of(conn), only=("KS", "2022"),
                                       pdf=True)
    (report,) = built.reports
    assert report["pdf_engine"] == built.pdf_engine == engine
    if engine == "chromium":  # `make browser` installs the headless shell, and it draws them
        from orchestration.followup_report.pdf import chromium_executable

        assert Path(chromium_executable() or "").name == "chromium-headless-shell"
    html = (tmp_path / report["html"]).read_text(encoding="utf-8")
    pdf = tmp_path / report["pdf"]
    reader = PdfReader(pdf)
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root  # tagged
    assert root["/Lang"] == "sv" and bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title == re.search(r"<title>([^<]+)</title>", html).group(1)
    if engine == "weasyprint":  # PDF/UA-1 says so in its XMP metadata
        assert b"pdfuaid:part" in root["/Metadata"].get_object().get_data()
    text = "\n".join(p.extract_text() for p in reader.pages)
    figures = re.findall(r'data-figure="(\w+)">(?:<a [^>]*>)?([^<]+)<', html)
    assert len(figures) >= 6
    for name, shown in figures:
        assert shown.strip() in text, (name, shown)
    assert built.version in text and "12\u202f600\u202f000\u00a0kr" in text


def test_an_unchanged_report_keeps_its_pdf_across_publications(published: Path, tmp_path: Path
                                                               ) -> None:
    """The next publication (another version, another time, the next day's data date, one
    initiative renamed): every report whose HTML changed only by the version, time and data
    date takes the previous PDF, the same file, and says which version and date it prints,
    while its HTML prints the new ones; exactly the reports that name the renamed initiative
    are drawn again."""
    import shutil

    from pypdf import PdfReader

    from orchestration.followup_report.build import write_followup_reports

    first, second = tmp_path / "first", tmp_path / "second"
    with duckdb.connect(str(published / "governance.duckdb"), read_only=True) as conn:
        as_of = date_of(conn)
        built = write_followup_reports(conn, first, as_of, pdf=True)
    later = tmp_path / "later.duckdb"
    shutil.copyfile(published / "governance.duckdb", later)
    with duckdb.connect(str(later)) as conn:
        conn.execute("update publication set version = '29991231T000000.000000Z', "
                     "published_at = published_at + interval 1 day, as_of_date = "
                     "cast(cast(as_of_date as date) + 1 as varchar)")
        next_day = (as_of + timedelta(days=1)).isoformat()
        conn.execute("update marts.dim_initiatives set initiative_name = 'Lovstöd (ny)' "
                     "where initiative_id = 'lovstod'")
        again = write_followup_reports(conn, second, as_of, pdf=True, previous=first)
    assert again.version == "29991231T000000.000000Z" != built.version
    assert len(again.reports) == len(built.reports) >= 20
    renamed = {r["html"] for r in again.reports
               if "Lovstöd (ny)" in (second / r["html"]).read_text(encoding="utf-8")}
    redrawn = {r["html"] for r in again.reports if r["pdf_version"] == again.version}
    assert redrawn == renamed and again.pdfs_drawn == len(redrawn)
    assert 0 < len(redrawn) < len(again.reports)
    for report in again.reports:
        html = (second / report["html"]).read_text(encoding="utf-8")
        assert again.version in html and f"Data per <time data-stamp=\"as-of\">{next_day}" in html
        same_file = (second / report["pdf"]).stat().st_ino == (first / report["pdf"]).stat().st_ino
        assert same_file == (report["html"] not in redrawn)
        if report["html"] not in redrawn:
            assert report["pdf_version"] == built.version
    kept = next(r for r in again.reports if r["html"] not in redrawn)
    assert f"byggd ur version {built.version}, data per {as_of.isoformat()}" in \
        (second / "index.html").read_text("utf-8")
    kept_text = "".join(p.extract_text() for p in PdfReader(second / kept["pdf"]).pages)
    assert built.version in kept_text and f"Data per {as_of.isoformat()}" in kept_text
    ks = PdfReader(second / "KS-2022.pdf")
    assert "Lovstöd (ny)" in "".join(p.extract_text() for p in ks.pages)


def test_a_later_month_leaves_the_reports_of_ended_periods_as_they_were(published: Path,
                                                                       tmp_path: Path) -> None:
    """What a new month brings (a ledger file with later vouchers, a payroll file, a finding
    about a later month) changes every report whose period reaches that month and no report
    of a period that ended before it: a closed period's report, and so its PDF, stays as it
    was."""
    import shutil
    from datetime import date

    from orchestration.followup_report.build import write_followup_reports
    from orchestration.followup_report.periods import parse_period

    later = tmp_path / "later.duckdb"
    shutil.copyfile(published / "governance.duckdb", later)
    with duckdb.connect(str(later)) as conn:
        as_of = date_of(conn)
        month = date(as_of.year, as_of.month, 1) - timedelta(days=1)  # the month before
        month = date(month.year, month.month, 1)
        before = write_followup_reports(conn, tmp_path / "before", as_of, pdf=False)
        conn.execute("insert into marts.fct_findings by name select 'late-1' as finding_id, "
                     "'ledger_object_codes' as check_name, 'warning' as severity, "
                     "'9999' as subject, ? as period, 'En avvikelse om en senare månad' "
                     "as detail, ? as first_seen_on, ? as last_seen_on, true as is_open",
                     [month.strftime("%Y-%m"), as_of, as_of])
        conn.execute("insert into marts.fct_ledger_lines by name select 'late-line' as "
                     "ledger_line_id, 'huvudbok_senare.se' as source_file, 1 as source_line, "
                     "? as voucher_date, ? as year, ? as month, 100.00 as amount_sek",
                     [month + timedelta(days=9), month.year, month.month])
        conn.execute("insert into marts.fct_payroll_monthly by name select ? as month, ? as "
                     "period, 'lon_senare.csv' as source_file", [month, month.strftime("%Y-%m")])
        after = write_followup_reports(conn, tmp_path / "after", as_of, pdf=False)
    reaching = {r["html"] for r in after.reports if parse_period(r["period"]).end >= month}
    changed = {r["html"] for r in after.reports if (tmp_path / "before" / r["html"]).read_text(
        encoding="utf-8") != (tmp_path / "after" / r["html"]).read_text(encoding="utf-8")}
    assert len(after.reports) == len(before.reports)
    assert changed == reaching and 0 < len(reaching) < len(after.reports)
    for name in reaching:
        html = (tmp_path / "after" / name).read_text(encoding="utf-8")
        assert "En avvikelse om en senare månad" in html and "huvudbok_senare.se" in html
        assert f"till {month:%Y-%m}.</p>" in html  # the payroll files, up to the new month


def test_the_next_build_draws_only_the_charts_that_changed(published: Path, pipeline_env: dict,
                                                           tmp_path: Path) -> None:
    """The nightly keeps its charts beside the warehouse; a build in a fresh process that
    finds them draws none of an unchanged publication's charts, for the same HTML."""
    from orchestration.followup_report import charts
    from orchestration.followup_report.build import CHART_CACHE, write_followup_reports

    assert (pipeline_env["warehouse"] / CHART_CACHE).is_file()  # the session's nightly kept it
    cache = tmp_path / CHART_CACHE
    with duckdb.connect(str(published / "governance.duckdb"), read_only=True) as conn:
        as_of = date_of(conn)
        charts._DRAWN.clear()
        first = write_followup_reports(conn, tmp_path / "a", as_of, pdf=False, chart_cache=cache)
        charts._DRAWN.clear()  # as in the next night's process
        second = write_followup_reports(conn, tmp_path / "b", as_of, pdf=False,
                                        chart_cache=cache)
    assert first.charts_drawn > 20 and second.charts_drawn == 0
    for report in first.reports:
        assert (tmp_path / "a" / report["html"]).read_bytes() == \
            (tmp_path / "b" / report["html"]).read_bytes()


def test_voucher_pages_are_paged(published: Path, tmp_path: Path) -> None:
    """A month with more lines than a page holds is split; every line is on exactly one page,
    the first page keeps the month's address, and every page shows the month's totals."""
    from orchestration.followup_report.build import environment
    from orchestration.followup_report.drilldown import month_href, write_drilldown
    from orchestration.followup_report.model import publication

    with duckdb.connect(str(published / "governance.duckdb"), read_only=True) as conn:
        iid, year, month, lines = conn.execute(
            "select initiative_id, year, month, count(*) from marts.fct_ledger_lines "
            "where initiative_id is not null group by all order by 4 desc limit 1").fetchall()[0]
        pub = publication(conn, date_of(conn))
        write_drilldown(conn, environment(), tmp_path, {"pub": pub, "css": ""}, page_lines=3)
    pages = -(-lines // 3)
    assert lines > 3
    files = [tmp_path / month_href(iid, year, month, k) for k in range(pages)]
    assert files[0].name == f"{year}-{month:02d}.html"
    assert not (tmp_path / month_href(iid, year, month, pages)).exists()
    html = [f.read_text("utf-8") for f in files]
    body_rows = [re.findall(r"<tbody>(.*?)</tbody>", h, re.S)[0].count("<tr>") for h in html]
    assert body_rows == [3] * (pages - 1) + [lines - 3 * (pages - 1)]
    for k, h in enumerate(html):
        assert f"Sida {k + 1} av {pages}" in h and "Kostnad:" in h
        for other in files:
            assert other == files[k] or f'href="{other.name}"' in h
    assert "står på sida 1" not in html[0] and "står på sida 1" in html[-1]


def date_of(conn: duckdb.DuckDBPyConnection):
    from datetime import date

    return date.fromisoformat(str(one(conn, "select as_of_date from publication")))


def test_payroll_cells_of_fewer_than_three_people_are_blank(reports_dir: Path,
                                                            published: Path) -> None:
    with duckdb.connect(str(published / "governance.duckdb"), read_only=True) as conn:
        initiative, period, blanked = conn.execute(
            "select initiative_id, period, count(*) from marts.fct_payroll_monthly "
            "where head_count is null group by all order by period limit 1").fetchall()[0]
    page = (reports_dir / "verifikationer" / initiative / f"{period}.html").read_text("utf-8")
    payroll = page.split("Lön per månad och kontering", 1)[1]
    rows = [r for r in payroll.split("<tr>")[1:] if "<td" in r]
    dashes = [r for r in rows if r.count('<td class="num">–</td>') == 3]
    assert len(dashes) == blanked  # amount, FTE and head count all blank, the row kept
