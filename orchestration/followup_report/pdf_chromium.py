"""Tagged PDFs drawn by Chromium (headless, driven by Playwright), several pages at a time.

Why Chromium is the default engine: WeasyPrint is pure Python at about a millisecond per
element, 3–4 s of CPU for one of the sample's reports (2 900 elements, 7 charts), so the
sample's 25 reports alone took 65–90 s. Chromium lays the same report out in a fraction of
that, and its PDF is tagged: a structure tree, `/Lang` from `lang="sv"`, the title shown
from `<title>`, an outline from the headings. It does not claim PDF/UA-1 conformance;
WeasyPrint's PDF/UA-1 variant stays available (`UPPFOLJNING_PDF_ENGINE=weasyprint`,
orchestration/followup_report/pdf_weasyprint.py) and is used where no Chromium is installed.

The browser runs on its own thread with its own event loop, so it starts (with the first PDF
to draw) while the HTML is still being built and the caller keeps a plain, synchronous
interface. Scripts and the
network are off: a report is static HTML and must not load anything.

What a report costs (measured on the sample's 25 reports, 2 cores): a fresh page per report
starts a renderer process each time, and a page laid out and painted for a screen is laid out
again for print. Keeping `pages` pages for the whole publication, in print media from the
start, with a viewport one line high (nothing is painted that no one sees) and without the
GPU process, took about 30 % less wall and CPU time for PDFs with the same text and pages."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from orchestration.followup_report.pdf import ENGINE_SETTING, PdfEngineError

# Chromium's own services that would otherwise try the network or write a profile; no GPU
# process, which only composites frames for a screen that is not there
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-default-apps", "--disable-sync",
        "--no-first-run", "--disable-extensions",
        "--disable-features=Translate,OptimizationHints,MediaRouter"]
PDF_OPTIONS: dict[str, Any] = {"tagged": True, "outline": True, "prefer_css_page_size": True,
                               "print_background": True}
VIEWPORT: Any = {"width": 794, "height": 100}  # A4's width at 96 dpi; the height is never painted


class ChromiumPdfs:
    """Renders PDFs beside their HTML with one headless Chromium and `pages` pages at a time.
    A context manager; `wait` raises the first failure."""

    def __init__(self, executable: str, pages: int) -> None:
        self.executable = executable
        self.pages = max(1, pages)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="chromium-pdf",
                                       daemon=True)
        self.futures: list[Future[Path]] = []
        self._started: Future[None] | None = None
        self.playwright: Any = None
        self.browser: Any = None

    def __enter__(self) -> ChromiumPdfs:
        self.thread.start()
        return self

    async def _start(self) -> None:
        from playwright.async_api import async_playwright

        self.playwright = await async_playwright().start()
        self.browser = await self.playwright.chromium.launch(executable_path=self.executable,
                                                             args=ARGS)
        self.context = await self.browser.new_context(java_script_enabled=False, offline=True,
                                                      viewport=VIEWPORT)
        self.idle: asyncio.Queue[Any] = asyncio.Queue()
        for _ in range(self.pages):
            self.idle.put_nowait(await self._new_page())

    async def _new_page(self) -> Any:
        page = await self.context.new_page()
        await page.emulate_media(media="print")
        return page

    async def _render(self, html_path: Path) -> Path:
        assert self._started is not None
        await asyncio.wrap_future(self._started)
        target = html_path.with_suffix(".pdf")
        tmp = target.with_name(f".{target.name}.tmp")
        page = await self.idle.get()
        try:
            await page.goto(html_path.resolve().as_uri(), wait_until="load")
            await page.pdf(path=str(tmp), **PDF_OPTIONS)
        except Exception:
            # a page that failed may be in any state: the next report gets a new one (or, if
            # the browser is gone, this one back, so that it fails at once instead of waiting)
            with contextlib.suppress(Exception):
                await page.close()
            with contextlib.suppress(Exception):
                page = await self._new_page()
            raise
        finally:
            self.idle.put_nowait(page)
        tmp.replace(target)
        return target

    def submit(self, html_path: Path) -> None:
        # the browser starts with the first PDF to draw: a night whose reports are all
        # unchanged reuses every PDF and starts none (about 1,7 s of CPU)
        if self._started is None:
            self._started = asyncio.run_coroutine_threadsafe(self._start(), self.loop)
        self.futures.append(asyncio.run_coroutine_threadsafe(self._render(html_path),
                                                             self.loop))

    def wait(self) -> None:
        try:
            for future in self.futures:
                try:
                    future.result()
                except Exception as e:  # noqa: BLE001 - said in Swedish, with the cause
                    raise PdfEngineError(
                        f"Chromium ({self.executable}) kunde inte rita rapporternas PDF: "
                        f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}. "
                        f"{ENGINE_SETTING}=weasyprint ritar dem utan Chromium.") from e
        finally:
            self.futures.clear()

    async def _stop(self) -> None:
        if self._started is not None:
            # a failed start is raised by `wait`; here only what did start is closed
            with contextlib.suppress(Exception):
                await asyncio.wrap_future(self._started)
        if self.browser is not None:
            await self.browser.close()
        if self.playwright is not None:
            await self.playwright.stop()

    def __exit__(self, *exc: object) -> None:
        try:
            for future in self.futures:
                future.cancel()
            asyncio.run_coroutine_threadsafe(self._stop(), self.loop).result(timeout=60)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(timeout=60)
            self.loop.close()
