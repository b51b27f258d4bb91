"""Every kind of report page opened in real headless Chromium: a screenshot, no console error,
no request outside the report's own files, and zero axe-core violations at WCAG 2.1 AA."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

# one page of each kind: a closed period's report, a preliminary one, the index, the
# auditor's year and month pages, and the validation report
PAGES = {
    "arsrapport": "rapporter/KS-2022.html",
    "preliminar_tertial": "rapporter/TB-2023-T2.html",
    "index": "rapporter/index.html",
    "verifikationer_ar": "rapporter/verifikationer/trygga_unga/2022.html",
    "verifikationer_manad": "rapporter/verifikationer/trygga_unga/2022-03.html",
    "valideringsrapport": "valideringsrapport.html",
}


def open_page(chromium, path: Path, allowed: Path):
    page = chromium.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def guard(route) -> None:
        url = route.request.url
        if url.startswith(f"file://{allowed}/"):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    page.route("**/*", guard)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, errors, outside


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_page_in_chromium(kind: str, chromium, published: Path, reports_dir: Path,
                          tmp_path: Path) -> None:
    from axe_playwright_python.sync_playwright import Axe

    path = published / PAGES[kind]
    assert path.is_file(), path
    page, errors, outside = open_page(chromium, path, published)
    try:
        shot = tmp_path / f"{kind}.png"
        page.screenshot(path=str(shot), full_page=False)
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 5000
        assert page.evaluate("document.documentElement.lang") == "sv"
        assert page.locator("h1").count() == 1
        levels = [int(h[1]) for h in page.eval_on_selector_all(
            "h1, h2, h3, h4, h5, h6", "els => els.map(e => e.tagName.toLowerCase())")]
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
        assert page.locator("script").count() == 0  # no JavaScript in a report
        result = Axe().run(page, options=WCAG_21_AA)
        problems = [(v["id"], v["nodes"][0]["html"][:120]) for v in result.response["violations"]]
        assert result.violations_count == 0, problems
        assert errors == [] and outside == []
    finally:
        page.close()


def test_preliminary_period_is_marked(chromium, reports_dir: Path) -> None:
    page, _, _ = open_page(chromium, reports_dir / "TB-2023-T2.html", reports_dir.parent)
    try:
        assert "Preliminär" in page.locator("#preliminar").inner_text()
        assert page.locator("#preliminar").count() == 1
    finally:
        page.close()
    final, _, _ = open_page(chromium, reports_dir / "TB-2023-T1.html", reports_dir.parent)
    try:
        assert final.locator("#preliminar").count() == 0
    finally:
        final.close()


def a4_text_width_px() -> int:
    """A4's width less the left and right page margins of the reports' own style sheet, in
    CSS pixels (96 per inch)."""
    from orchestration.followup_report.build import TEMPLATES

    css = (TEMPLATES / "style.css").read_text(encoding="utf-8")
    margins = re.search(r"@page\s*{[^}]*?margin:\s*([\d.]+mm(?:\s+[\d.]+mm)*)", css)
    assert margins, "the style sheet sets no @page margin"
    sizes = [float(m[:-2]) for m in margins.group(1).split()]
    right = sizes[1] if len(sizes) > 1 else sizes[0]
    left = sizes[3] if len(sizes) > 3 else right
    return int((210 - left - right) / 25.4 * 96)


def test_every_report_fits_the_a4_page_when_printed(chromium, reports_dir: Path) -> None:
    """Nothing in a printed report is wider than the A4 text width: WeasyPrint cuts such a
    table off at the margin, Chromium shrinks the whole page to fit it."""
    width = a4_text_width_px()
    page = chromium.new_page(viewport={"width": width, "height": 1100})
    page.emulate_media(media="print")
    too_wide = {}
    try:
        reports = sorted(p for p in reports_dir.glob("*.html") if p.name != "index.html")
        assert len(reports) >= 20
        for path in reports:
            page.goto(path.as_uri())
            widest = page.evaluate("document.documentElement.scrollWidth")
            if widest > width:
                too_wide[path.name] = widest
    finally:
        page.close()
    assert too_wide == {}, f"wider than {width} px in print: {too_wide}"
