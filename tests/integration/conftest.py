"""Fixtures shared by the two crash chains (test_crash_landing.py, test_crash_publication.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from crashkit import CHILD_CPU, cpu_report, mart_digest


@pytest.fixture(scope="module")
def crash_baseline(nightly, pipeline_env: dict) -> dict:
    """The digest of the uninterrupted session run's mart: what every recovery must reach."""
    assert nightly.success
    return mart_digest(pipeline_env["warehouse"] / "governance.duckdb")


@pytest.fixture
def crash_cpu_report() -> Iterator[None]:
    """Prints the CPU of every run the test started (wall time on a shared machine says
    little)."""
    CHILD_CPU.clear()
    yield
    print(f"\n{cpu_report()}")
