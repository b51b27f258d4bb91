"""The resources every asset shares: the warehouse (settings + DuckDB connection) and dbt."""


import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from importlib.metadata import version
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource
from packaging.version import Version

from orchestration import landing
from orchestration.settings import DBT_PROJECT_DIR, Settings, get_settings


class Warehouse(dg.ConfigurableResource):
    """Where raw files are read from and the DuckDB file written; empty fields fall back to
    RAW_DIR, WAREHOUSE_DIR and AS_OF_DATE (orchestration/settings.py)."""

    raw_dir: str = ""
    warehouse_dir: str = ""
    as_of_date: str = ""

    def settings(self) -> Settings:
        return get_settings(self.raw_dir, self.warehouse_dir, self.as_of_date)

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        conn = landing.connect(self.settings().duckdb_path)
        try:
            yield conn
        finally:
            conn.close()


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
