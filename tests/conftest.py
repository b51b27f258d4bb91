"""Shared fixtures: the small sample written once per session, and one real nightly run of it
(Dagster + dbt + DuckDB + GX) that the integration tests read."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
# the suite publishes many times: reports as HTML only there; tests/browser builds the PDF
os.environ.setdefault("UPPFOLJNING_REPORT_PDF", "0")

SHARED_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


@pytest.fixture(scope="session")
def sample_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from orchestration.sample.generate import generate

    raw = tmp_path_factory.mktemp("raw")
    generate(raw)
    return raw


@pytest.fixture(scope="session")
def pipeline_env(tmp_path_factory: pytest.TempPathFactory, sample_raw: Path) -> Iterator[dict]:
    """RAW_DIR, WAREHOUSE_DIR and DAGSTER_HOME pointed at temporary folders for the session."""
    warehouse = tmp_path_factory.mktemp("warehouse")
    home = tmp_path_factory.mktemp("dagster_home")
    saved = {k: os.environ.get(k) for k in ("RAW_DIR", "WAREHOUSE_DIR", "DAGSTER_HOME",
                                            "AS_OF_DATE", "PAYROLL_HASH_KEY")}
    os.environ.update(RAW_DIR=str(sample_raw), WAREHOUSE_DIR=str(warehouse),
                      DAGSTER_HOME=str(home), PAYROLL_HASH_KEY="test-key-not-secret")
    os.environ.pop("AS_OF_DATE", None)
    yield {"raw": sample_raw, "warehouse": warehouse, "dagster_home": home}
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def nightly(pipeline_env: dict):
    """One real nightly run over the sample; integration tests share its warehouse."""
    from orchestration.run import run_nightly
    from orchestration.settings import get_settings

    report = run_nightly(get_settings())
    return report


@pytest.fixture()
def mart(nightly, pipeline_env: dict):
    import duckdb

    conn = duckdb.connect(str(pipeline_env["warehouse"] / "governance.duckdb"), read_only=True)
    yield conn
    conn.close()
