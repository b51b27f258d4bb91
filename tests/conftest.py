"""Shared fixtures: the small sample written once per session, and one real nightly run of it
(Dagster + dbt + DuckDB + GX) that the integration tests read."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
# the suite publishes many times: reports as HTML only there; tests/browser builds the PDF
os.environ.setdefault("UPPFOLJNING_REPORT_PDF", "0")

SHARED_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"

# Test folders go to a RAM disk where one has room: every nightly in the suite commits a few
# thousand times to Dagster's SQLite storage and checkpoints DuckDB, and on a disk each fsync
# waits. The files are the same files in the same formats; only the medium differs. pytest's
# own numbered folders (pytest-of-<user>/pytest-<n>) are kept, so sessions side by side never
# share one, and `tmp_path_retention_policy` (pyproject.toml) removes what passed.
RAM_DISK = Path("/dev/shm")
RAM_DISK_NEEDED = 6 * 2**30
# the heavy folders first, so that with several workers (make test) the long tests start at
# once and the many small ones fill the gaps at the end
HEAVY_FIRST = ("integration", "property", "browser")


def _ram_disk_has_room() -> bool:
    try:
        usage = shutil.disk_usage(RAM_DISK)
    except OSError:
        return False
    return usage.free >= RAM_DISK_NEEDED and os.access(RAM_DISK, os.W_OK)


@pytest.hookimpl(tryfirst=True)  # before anything asks pytest for its temporary folder
def pytest_configure(config: pytest.Config) -> None:
    # an xdist worker gets its folder from the controller; a basetemp given stays
    if hasattr(config, "workerinput") or config.option.basetemp:
        return
    if os.environ.get("UPPFOLJNING_TEST_TMP", "ram") == "ram" and _ram_disk_has_room():
        os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", str(RAM_DISK))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def weight(item: pytest.Item) -> int:
        parts = item.path.relative_to(TESTS).parts
        return 0 if parts and parts[0] in HEAVY_FIRST else 1

    items.sort(key=weight)  # stable: the order within each folder stays


TESTS = Path(__file__).resolve().parent


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


@pytest.fixture(autouse=True)
def _no_dagster_instance_left_open() -> Iterator[None]:
    """A schedule or sensor evaluation context opens an instance of its own and sets it as the
    one Dagster's definitions loading reads; left open, it points every later test of the
    process at an instance that is gone ("undefined DagsterInstance weakref"). This names the
    test that leaves one open instead of a later test failing for it."""
    from dagster._core.storage.defs_state.base import DefsStateStorage

    before = DefsStateStorage.get()
    yield
    if DefsStateStorage.get() is not before:
        pytest.fail("Testet lämnade en Dagster-instans öppen (ett schedule- eller "
                    "sensorkontext utan `with`)", pytrace=False)
