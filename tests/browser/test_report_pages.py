"""Every kind of report page opened in real headless Chromium: a screenshot, no console error,
no request outside the report's own files, and zero axe-core violations at WCAG 2.1 AA."""

from __future__ import annotations

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
