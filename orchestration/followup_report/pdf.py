"""PDFs beside the HTML reports: which engine draws them, and reusing an unchanged one.

Two engines (docs/operations.md, "Rapporternas PDF"):
- `chromium` (default where Debian's chromium is installed): a tagged PDF, fast
  (pdf_chromium.py says why it is the default);
- `weasyprint`: PDF/UA-1, about 3–4 s of CPU per report (pdf_weasyprint.py).
UPPFOLJNING_PDF_ENGINE chooses (`auto`, the default: Chromium where found, else WeasyPrint);
UPPFOLJNING_CHROMIUM names the browser; otherwise Debian's `chromium-headless-shell` is taken
where it is on PATH, else `chromium`.

A PDF is drawn again only when its report's content changed. The key is a hash of the HTML
and the engine, with the publication's own version, time and data date taken out; an
unchanged report takes the PDF of the previous publication, which prints the version and data
date it was built from (index.json says so as `pdf_version` and `pdf_as_of`). The HTML always
prints the current ones."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any, Protocol

ENGINE_SETTING = "UPPFOLJNING_PDF_ENGINE"
CHROMIUM_SETTING = "UPPFOLJNING_CHROMIUM"
# The headless shell is Chromium's build for automation, without the browser's windowing
# layers: the same Blink and Skia draw the same PDF (same pages, text, structure tree,
# language and outline on the sample's 25 reports) for about a third less CPU. `chromium`,
# which the browser tests need anyway, is the fallback.
CHROMIUM_NAMES = ("chromium-headless-shell", "chromium")
ENGINES = ("chromium", "weasyprint")


class PdfEngineError(RuntimeError):
    """The PDF engine asked for cannot be used (a Swedish message for the operator)."""


class Pdfs(Protocol):
    """A renderer: a context manager that draws the PDFs submitted to it; `wait` raises the
    first failure."""

    def __enter__(self) -> Pdfs: ...
    def __exit__(self, *exc: object) -> None: ...
    def submit(self, html_path: Path) -> None: ...
    def wait(self) -> None: ...


def chromium_executable() -> str | None:
    named = os.environ.get(CHROMIUM_SETTING, "").strip()
    if named:
        return named if Path(named).is_file() else None
    return next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)


def engine() -> str:
    """The engine this run uses: the setting, or `auto`."""
    wanted = os.environ.get(ENGINE_SETTING, "auto").strip().lower() or "auto"
    if wanted not in (*ENGINES, "auto"):
        raise PdfEngineError(f"{ENGINE_SETTING}={wanted!r} är okänt; ange chromium, "
                             "weasyprint eller auto.")
    if wanted == "weasyprint":
        return "weasyprint"
    if chromium_executable():
        return "chromium"
    if wanted == "chromium":
        raise PdfEngineError(f"{ENGINE_SETTING}=chromium men ingen Chromium hittades "
                             f"(PATH eller {CHROMIUM_SETTING}); installera Debians "
                             "chromium-headless-shell eller chromium, eller välj weasyprint.")
    return "weasyprint"


def open_pdfs(name: str, workers: int) -> Pdfs:
    """The engine's renderer, drawing on `workers` processes or pages at a time."""
    if name == "chromium":
        from orchestration.followup_report.pdf_chromium import ChromiumPdfs

        executable = chromium_executable()
        if executable is None:
            raise PdfEngineError("Ingen Chromium hittades för PDF:erna.")
        return ChromiumPdfs(executable, workers)
    from orchestration.followup_report.pdf_weasyprint import WeasyPrintPdfs

    return WeasyPrintPdfs(workers)


AS_OF_STAMP = re.compile(r'<time data-stamp="as-of">[^<]*</time>')


def content_key(html: str, version: str, published_at: str | None, name: str) -> str:
    """What the PDF shows, without the publication it happens to be part of: its version,
    time and data date as printed (the data date moves every night, so a closed period's
    report would otherwise be drawn again each night with nothing else changed; anything
    the date changes in the figures, a status or a days-late count, still counts)."""
    text = AS_OF_STAMP.sub("\0as-of\0", html).replace(version, "\0version\0")
    if published_at:  # as stored and as the footer prints it
        for shown in (published_at, published_at.replace("T", " ")):
            text = text.replace(shown, "\0published\0")
    return hashlib.sha256(f"{name}\0{text}".encode()).hexdigest()


def previous_pdfs(previous: Path | None) -> dict[str, dict[str, Any]]:
    """The reports of the previous publication whose PDF can be reused, by HTML file name."""
    index = previous / "index.json" if previous else None
    if index is None or not index.is_file():
        return {}
    try:
        reports = json.loads(index.read_text(encoding="utf-8"))["reports"]
    except (ValueError, KeyError, OSError):
        return {}
    return {r["html"]: r for r in reports
            if r.get("pdf") and r.get("pdf_key") and (previous / r["pdf"]).is_file()}


def reuse_pdf(previous: Path, entry: dict[str, Any], target: Path) -> None:
    """The previous publication's PDF into this one (a hard link where the file system allows:
    published versions are never changed in place)."""
    source = previous / entry["pdf"]
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(source, tmp)
    except OSError:
        shutil.copyfile(source, tmp)
    tmp.replace(target)
