"""Tagged PDFs (PDF/UA-1) beside the HTML reports, with WeasyPrint.

Why this is the slow part, as profiled (cProfile, KS-2022 of the sample: 14 A4 pages, about
2 900 HTML elements, 7 charts): WeasyPrint is pure Python and costs about a millisecond per
element, spread over every stage: HTML parsing (about 15 %), the CSS cascade (15 %), layout
and line breaking (35 %), drawing and writing the PDF (30 %). No single feature is to blame:
the inline SVG charts are about 10 %, the PDF/UA tagging and compression are noise, fixed
table layout saves nothing measurable. A report costs 2.5–3 s of CPU however it is styled.

So the cost is met by design, not by tuning:
- a PDF is rebuilt only when its report's content changed. The key is a hash of the HTML with
  the publication's own version and time taken out; an unchanged report takes the PDF of the
  previous publication, which prints the version it was built from (index.json says so as
  `pdf_version`). The HTML always prints the current version.
- the worker processes start (and import WeasyPrint, about 1 s) while the report contexts and
  charts are still being built, get the reports longest first (the last one to start is a
  short one), and import nothing but this module (not DuckDB, Altair or the report model).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any


def render_pdf(html_path: Path) -> Path:
    """A tagged PDF (PDF/UA-1) beside the HTML, from the same HTML."""
    from weasyprint import HTML

    target = html_path.with_suffix(".pdf")
    tmp = target.with_name(f".{target.name}.tmp")
    HTML(filename=str(html_path)).write_pdf(str(tmp), pdf_variant="pdf/ua-1")
    tmp.replace(target)
    return target


def _warm() -> None:
    import weasyprint  # noqa: F401 - the import is the cost being paid early


def content_key(html: str, version: str, published_at: str | None) -> str:
    """What the PDF shows, without the publication it happens to be part of."""
    text = html.replace(version, "\0version\0")
    if published_at:  # as stored and as the footer prints it
        for shown in (published_at, published_at.replace("T", " ")):
            text = text.replace(shown, "\0published\0")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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


class PdfPool:
    """Renders PDFs on `workers` processes, started at once so that their start-up overlaps
    the HTML build. Used as a context manager; `wait` raises the first failure."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self.pending: list[Path] = []
        self.futures: list[Future[Path]] = []

    def __enter__(self) -> PdfPool:
        if self.workers > 1:
            ctx = multiprocessing.get_context("spawn")  # no fork of a process holding DuckDB
            self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx,
                                            initializer=_warm)
            # the pool starts its processes on submission: start them now, not when the
            # first PDF is due
            for _ in range(self.workers):
                self.pool.submit(_warm)
        return self

    def submit(self, html_path: Path) -> None:
        if self.pool is None:
            self.pending.append(html_path)
        else:
            self.futures.append(self.pool.submit(render_pdf, html_path))

    def wait(self) -> None:
        for path in self.pending:
            render_pdf(path)
        self.pending.clear()
        for future in self.futures:
            future.result()

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=exc[0] is not None)
