"""A real headless Chromium (Debian's, never one that `playwright install` downloads) for the
report tests. A test that needs it fails when it cannot be had: `make test` installs it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from orchestration.followup_report.pdf_chromium import ARGS

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright

        pw = sync_playwright().start()
    except Exception as e:  # noqa: BLE001 - the reason is the message
        pytest.fail(f"Playwright kunde inte startas: {e}")
    try:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    except Exception as e:  # noqa: BLE001
        pw.stop()
        pytest.fail(f"Chromium ({CHROMIUM}) kunde inte startas; `make browser` installerar "
                    f"Debians chromium: {e}")
    yield browser
    browser.close()
    pw.stop()


@pytest.fixture(scope="session")
def published(nightly, pipeline_env: dict) -> Path:
    return pipeline_env["warehouse"] / "published"


@pytest.fixture(scope="session")
def reports_dir(published: Path) -> Path:
    folder = published / "rapporter"
    assert (folder / "index.html").is_file(), "publiceringen skrev inga rapporter"
    return folder
