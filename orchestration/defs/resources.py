"""The resources every asset shares: the warehouse (settings + DuckDB connection) and dbt."""


import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_dbt import DbtCliResource

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


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "warehouse": Warehouse(),
            "dbt": DbtCliResource(project_dir=str(DBT_PROJECT_DIR),
                                  profiles_dir=str(DBT_PROJECT_DIR),
                                  # the venv's dbt, also when the venv is not on PATH
                                  dbt_executable=str(Path(sys.executable).parent / "dbt")),
        }
    )
