"""PDF/UA-1 PDFs drawn by WeasyPrint: the engine where no Chromium is installed, or chosen
with UPPFOLJNING_PDF_ENGINE=weasyprint.

Why it is not the default, as profiled (cProfile, KS-2022 of the sample: 14 A4 pages, about
2 900 HTML elements, 7 charts): WeasyPrint is pure Python and costs about a millisecond per
element, spread over every stage: HTML parsing (about 15 %), the CSS cascade (15 %), layout
and line breaking (35 %), drawing and writing the PDF (30 %). No single feature is to blame.
A report costs 2.5–4 s of CPU however it is styled.

The worker processes start (and import WeasyPrint, about 1 s) while the report contexts and
charts are still being built, and import nothing but this module (not DuckDB, vl-convert or the
report model)."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path


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


class WeasyPrintPdfs:
    """Renders PDFs on `workers` processes (none: in this process), started at once so that
    their start-up overlaps the HTML build. A context manager; `wait` raises the first
    failure."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self.pending: list[Path] = []
        self.futures: list[Future[Path]] = []

    def __enter__(self) -> WeasyPrintPdfs:
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
        self.futures.clear()

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=exc[0] is not None)
