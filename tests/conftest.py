"""Shared fixtures: the small sample written once per session, and one real nightly run of it
(Dagster + dbt + DuckDB + GX) that the integration tests read."""

from __future__ import annotations

import fcntl
import os
import pickle
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
# With several workers (make test) the longest files start first and the many small ones fill
# the gaps at the end, so that the workers finish together (longest first keeps the last one
# from running alone for minutes). CPU seconds per file on 2 cores (Dec 2026), without the
# session's nightly (about 70 s, run once per make test: see `nightly`); only the order depends
# on them. One of the first two files needs no nightly, so one worker has work while the other
# runs it. A file not listed weighs what its folder does. Measured again on 1 Dec 2026 (load
# 2 to 6): the crash chain after publication, the concurrency test, the new month, the missing
# sources and the publication switch (user + system CPU of `pytest <file>`, less a session
# nightly's 56 s where the file uses it).
FILE_SECONDS = {
    "integration/test_any_shape.py": 179,  # no session nightly: see above
    "integration/test_disk_and_damage.py": 150,
    "integration/test_onboarding_guide.py": 50,
    "integration/test_operations.py": 150,  # waits: wall, not CPU
    "integration/test_crash_publication.py": 177,
    "integration/test_nightly_run.py": 100,
    "integration/test_crash_landing.py": 90,
    "integration/test_missing_sources.py": 104,
    "integration/test_new_month.py": 91,
    "integration/test_concurrency.py": 102,
    "property/test_invariants.py": 78,
    "integration/test_profiles.py": 70,
    "integration/test_lock_retry.py": 50,
    "fuzz/test_fuzz_sie.py": 55,
    "fuzz/test_fuzz_readers.py": 50,
    "integration/test_ledger_styles.py": 50,
    "integration/test_publication_switch.py": 11,
    "unit/onboarding/test_init_and_check.py": 40,
    "unit/ops/test_ops_raw_sensor.py": 40,
    "browser/test_report_figures.py": 60,  # 25 PDFs drawn fresh, and both engines
    "integration/test_critical_blocks_publication.py": 30,
    "integration/test_incremental_code_change.py": 30,
    "browser/test_report_pages.py": 30,
    "integration/test_bad_input.py": 26,
    "integration/test_file_modes.py": 25,
}
FOLDER_SECONDS = {"integration": 20, "property": 20, "browser": 20}


def _ram_disk_has_room() -> bool:
    try:
        usage = shutil.disk_usage(RAM_DISK)
    except OSError:
        return False
    return usage.free >= RAM_DISK_NEEDED and os.access(RAM_DISK, os.W_OK)


@pytest.hookimpl(tryfirst=True)  # before anything asks pytest for its temporary folder
def pytest_configure(config: pytest.Config) -> None:
    # an xdist worker gets its folder from the controller; a basetemp given stays
    if not hasattr(config, "workerinput"):
        # xdist would put the files with most tests first (and the long crash and concurrency
        # files, which have one or two tests each, last): the order below is kept instead
        config.option.loadscopereorder = False
    if hasattr(config, "workerinput") or config.option.basetemp:
        return
    if os.environ.get("UPPFOLJNING_TEST_TMP", "ram") == "ram" and _ram_disk_has_room():
        os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", str(RAM_DISK))


def file_seconds(path: Path) -> int:
    parts = path.relative_to(TESTS).parts
    return FILE_SECONDS.get("/".join(parts), FOLDER_SECONDS.get(parts[0], 1) if parts else 1)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # stable: the tests of a file stay together and in their order
    items.sort(key=lambda item: -file_seconds(item.path))


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
def nightly(pipeline_env: dict, tmp_path_factory: pytest.TempPathFactory):
    """One real nightly run over the sample; integration tests share its warehouse.

    With several test processes (make test) the first process to need it runs it and leaves
    a copy of its warehouse, its Dagster home and its report; the others copy those into their
    own folders instead of running the same night on the same files again (the sample is
    written the same way in every process). Each process still has a warehouse of its own."""
    from orchestration.run import run_nightly
    from orchestration.settings import get_settings

    if "PYTEST_XDIST_WORKER" not in os.environ:
        return run_nightly(get_settings())
    shared = tmp_path_factory.getbasetemp().parent / "session-nightly"
    copies = {"warehouse": shared / "warehouse", "dagster_home": shared / "dagster_home"}
    report_file = shared / "report.pickle"
    with open(shared.with_name("session-nightly.lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the others wait here while the first one runs
        if report_file.exists():
            return _copy_session_nightly(copies, pipeline_env, report_file)
        report = run_nightly(get_settings())
        if report.success:  # a failed night is not shared: each process shows its own
            for name, copy in copies.items():
                shutil.copytree(pipeline_env[name], copy, symlinks=True)
            report_file.write_bytes(pickle.dumps(report))
    return report


def _copy_session_nightly(copies: dict[str, Path], pipeline_env: dict, report_file: Path):
    from orchestration.run import ensure_dagster_home

    for name, copy in copies.items():
        shutil.copytree(copy, pipeline_env[name], symlinks=True, dirs_exist_ok=True)
    ensure_dagster_home()  # what a run sets in its process (the umask), as if it had run here
    return pickle.loads(report_file.read_bytes())


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
