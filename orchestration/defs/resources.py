"""The resources every asset shares: the warehouse (settings + DuckDB connection) and dbt."""


import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from importlib.metadata import version
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource
from packaging.version import Version

from orchestration import landing
from orchestration.diskspace import disk_full_message, is_disk_full
from orchestration.settings import DBT_PROJECT_DIR, Settings, get_settings, secure_once

LOCK_RETRIES = 3
LOCK_WAIT_ENV = "UPPFOLJNING_LOCK_WAIT_SECONDS"
DEFAULT_LOCK_WAIT_SECONDS = 60


@contextmanager
def retry_when_locked(what: Path) -> Iterator[None]:
    """DuckDB refuses a file that another process holds (a second writer, or a tool that
    opened the working file instead of the published copy), and that passes when the other
    one ends: the step then runs again after a wait (a Dagster step retry), up to
    LOCK_RETRIES times, before the run fails. Any other error fails at once: the same data
    would fail the same way. The dbt step and publication open the file their own way and
    wrap themselves in this too."""
    try:
        yield
    except Exception as exc:
        if "Could not set lock on file" not in str(exc):
            raise
        wait = float(os.environ.get(LOCK_WAIT_ENV, "").strip() or DEFAULT_LOCK_WAIT_SECONDS)
        dg.get_dagster_logger().warning(
            f"{what} is held by another process; försöker igen om {wait:.0f} s")
        raise dg.RetryRequested(max_retries=LOCK_RETRIES, seconds_to_wait=wait) from exc


class Warehouse(dg.ConfigurableResource):
    """Where raw files are read from and the DuckDB file written; empty fields fall back to
    RAW_DIR, WAREHOUSE_DIR and AS_OF_DATE (orchestration/settings.py)."""

    raw_dir: str = ""
    warehouse_dir: str = ""
    as_of_date: str = ""

    def settings(self) -> Settings:
        settings = get_settings(self.raw_dir, self.warehouse_dir, self.as_of_date)
        secure_once(settings)
        return settings

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The working database, to write (the source assets)."""
        with self._opened(landing.connect) as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The working database, read-only (the checks)."""
        with self._opened(lambda path: duckdb.connect(str(path), read_only=True)) as conn:
            yield conn

    @contextmanager
    def _opened(self, open_: Callable[[Path], duckdb.DuckDBPyConnection]
                ) -> Iterator[duckdb.DuckDBPyConnection]:
        path = self.settings().duckdb_path
        with retry_when_locked(path), disk_full_said(path):
            conn = open_(path)
        try:
            with disk_full_said(path):
                yield conn
        finally:
            conn.close()


@contextmanager
def disk_full_said(path: Path) -> Iterator[None]:
    """A full disk fails the step with a Swedish sentence (the transaction was rolled back)."""
    try:
        yield
    except Exception as exc:
        if not is_disk_full(exc):
            raise
        raise dg.Failure(description=disk_full_message(path, "arbetsdatabasen")) from exc


class DbtCli(DbtCliResource):
    """dagster-dbt runs `dbt --version` (about 1.6 s) and builds an in-process dbt adapter
    (about 2.6 s) before every build, one after the other. The adapter serves only row counts
    and column metadata, which we do not fetch, and the version is the installed dbt-core's:
    skipping both takes about 4 s off every run (tests/unit/ops/test_ops_dbt_cli.py)."""

    @cached_property
    def _cli_version(self) -> Version:
        return Version(version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "warehouse": Warehouse(),
            "dbt": DbtCli(project_dir=str(DBT_PROJECT_DIR),
                          profiles_dir=str(DBT_PROJECT_DIR),
                          # the venv's dbt, also when the venv is not on PATH
                          dbt_executable=str(Path(sys.executable).parent / "dbt")),
        }
    )
