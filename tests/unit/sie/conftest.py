"""Helpers for the SIE reader tests: the self-written fixtures, the real exports (read from
../shared/fixtures, skipped when that folder is absent) and reading the Parquet results."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from orchestration.readers.sie import SieSummary, read_sie

REPO = Path(__file__).resolve().parents[3]
OWN = REPO / "tests" / "fixtures" / "sie"
# ../shared beside the checkout (/work/main), or beside the folder of worktrees (/work/wt/x)
REAL = next((p / "shared" / "fixtures" / "sie" for p in (REPO.parent, REPO.parent.parent)
             if (p / "shared" / "fixtures" / "sie").is_dir()),
            REPO.parent / "shared" / "fixtures" / "sie")
DIMENSIONS = {"responsibility": 1, "project": 6, "activity": 21, "subproject": 61}


@pytest.fixture()
def own() -> Path:
    return OWN


@pytest.fixture()
def real() -> Path:
    if not REAL.is_dir():
        pytest.skip(f"real SIE exports not available ({REAL})")
    return REAL


class Result:
    """One read: the summary and the Parquet tables as lists of dicts."""

    def __init__(self, summary: SieSummary, out: Path):
        self.summary = summary
        self.out = out

    def rows(self, table: str) -> list[dict[str, Any]]:
        return pq.read_table(self.out / f"{table}.parquet").to_pylist()

    def warnings(self, kind: str) -> list[dict[str, Any]]:
        return [w for w in self.summary.warnings if w["kind"] == kind]


@pytest.fixture()
def read(tmp_path: Path) -> Callable[..., Result]:
    counter = iter(range(10_000))

    def run(path: Path, dimensions: dict[str, int] | None = None, **kwargs: Any) -> Result:
        out = tmp_path / f"out{next(counter)}"
        summary = read_sie(path, out, DIMENSIONS if dimensions is None else dimensions,
                           **kwargs)
        return Result(summary, out)

    return run
