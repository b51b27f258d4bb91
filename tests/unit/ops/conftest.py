"""The real code location, loaded once for the operations tests (about five seconds)."""

from __future__ import annotations

import dagster as dg
import pytest


@pytest.fixture(scope="session")
def ops_defs() -> dg.Definitions:
    from orchestration.definitions import defs

    return defs()
