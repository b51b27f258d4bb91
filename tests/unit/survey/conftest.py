"""Fixtures for the statistics tests (helpers live in survey_replay.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from survey_replay import FakeTime, ReplayServer

REPO_ROOT = Path(__file__).resolve().parents[3]
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "survey"
# The real SCB responses live beside the repository (never copied in); overridable for CI.
SHARED_PXWEB = Path(
    os.environ.get("SURVEY_SHARED_PXWEB", REPO_ROOT.parent / "shared" / "fixtures" / "pxweb")
)



@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    server = ReplayServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def survey_fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def shared_pxweb() -> Path:
    """The real SCB responses kept outside the repository; skip when they are absent."""
    if not SHARED_PXWEB.is_dir():
        pytest.skip(f"shared SCB fixtures not found at {SHARED_PXWEB}")
    return SHARED_PXWEB
