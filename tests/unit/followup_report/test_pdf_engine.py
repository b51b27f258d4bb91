"""Which engine draws the reports' PDFs: the setting, Chromium where it is found, WeasyPrint
where it is not, and a Swedish message where the one asked for cannot be had."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.followup_report import pdf


@pytest.fixture
def no_chromium(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(pdf.CHROMIUM_SETTING, str(tmp_path / "ingen-chromium"))


def test_auto_takes_chromium_where_it_is_installed(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\n")
    monkeypatch.setenv(pdf.CHROMIUM_SETTING, str(browser))
    monkeypatch.delenv(pdf.ENGINE_SETTING, raising=False)
    assert pdf.engine() == "chromium"
    monkeypatch.setenv(pdf.ENGINE_SETTING, "weasyprint")
    assert pdf.engine() == "weasyprint"


def test_auto_falls_back_to_weasyprint(no_chromium: None,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pdf.ENGINE_SETTING, "auto")
    assert pdf.engine() == "weasyprint"


def test_chromium_asked_for_but_missing_is_a_sentence(no_chromium: None,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pdf.ENGINE_SETTING, "chromium")
    with pytest.raises(pdf.PdfEngineError, match="ingen Chromium hittades"):
        pdf.engine()
    monkeypatch.setenv(pdf.ENGINE_SETTING, "wkhtmltopdf")
    with pytest.raises(pdf.PdfEngineError, match="är okänt"):
        pdf.engine()


def test_the_content_key_ignores_the_publication_but_not_the_engine() -> None:
    html = "<p>Version 20260101T000000Z, publicerad 2026-01-01 02:00:00</p><p>12 kr</p>"
    later = html.replace("20260101T000000Z", "20260102T000000Z").replace(
        "2026-01-01 02:00:00", "2026-01-02 02:00:00")
    key = pdf.content_key(html, "20260101T000000Z", "2026-01-01T02:00:00", "chromium")
    assert key == pdf.content_key(later, "20260102T000000Z", "2026-01-02T02:00:00", "chromium")
    assert key != pdf.content_key(html, "20260101T000000Z", "2026-01-01T02:00:00",
                                  "weasyprint")
    assert key != pdf.content_key(html.replace("12 kr", "13 kr"), "20260101T000000Z",
                                  "2026-01-01T02:00:00", "chromium")


def test_a_chromium_that_cannot_start_is_a_sentence(tmp_path: Path) -> None:
    from orchestration.followup_report.pdf_chromium import ChromiumPdfs

    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\nexit 1\n")
    broken.chmod(0o755)
    html = tmp_path / "r.html"
    html.write_text("<!doctype html><html lang='sv'><title>r</title><p>1 kr</p></html>")
    with pytest.raises(pdf.PdfEngineError, match="kunde inte rita.*weasyprint"), \
            ChromiumPdfs(str(broken), 1) as pdfs:
        pdfs.submit(html)
        pdfs.wait()
    assert not html.with_suffix(".pdf").exists()


@pytest.mark.timeout(120)  # a page lost to a failure would leave the next report waiting
def test_a_page_that_failed_is_replaced(tmp_path: Path) -> None:
    from orchestration.followup_report.pdf_chromium import ChromiumPdfs

    executable = pdf.chromium_executable()
    assert executable, "Debians chromium saknas: `make browser` installerar den"
    good = tmp_path / "bra.html"
    good.write_text("<!doctype html><html lang='sv'><title>r</title><p>1 234 kr</p></html>",
                    encoding="utf-8")
    with ChromiumPdfs(executable, 1) as pdfs:  # one page: the failed one must not be lost
        pdfs.submit(tmp_path / "saknas.html")
        with pytest.raises(pdf.PdfEngineError, match="kunde inte rita"):
            pdfs.wait()
        pdfs.submit(good)
        pdfs.wait()
    assert good.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "saknas.pdf").exists()


def test_no_browser_starts_when_no_pdf_is_drawn(tmp_path: Path) -> None:
    """A night whose reports are all unchanged reuses every PDF: Chromium is not started."""
    from orchestration.followup_report.pdf_chromium import ChromiumPdfs

    executable = pdf.chromium_executable()
    assert executable, "Debians chromium saknas: `make browser` installerar den"
    with ChromiumPdfs(executable, 2) as pdfs:
        pdfs.wait()
    assert pdfs.browser is None and pdfs.playwright is None  # never started


def test_the_headless_shell_is_preferred_and_chromium_is_the_fallback(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in pdf.CHROMIUM_NAMES:
        (tmp_path / name).write_text("#!/bin/sh\n")
        (tmp_path / name).chmod(0o755)
    monkeypatch.delenv(pdf.CHROMIUM_SETTING, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert pdf.chromium_executable() == str(tmp_path / "chromium-headless-shell")
    (tmp_path / "chromium-headless-shell").unlink()
    assert pdf.chromium_executable() == str(tmp_path / "chromium")
    named = tmp_path / "min-chromium"
    named.write_text("#!/bin/sh\n")
    monkeypatch.setenv(pdf.CHROMIUM_SETTING, str(named))  # the setting wins over PATH
    assert pdf.chromium_executable() == str(named)
