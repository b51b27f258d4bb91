"""The resources every asset shares: the warehouse (settings + DuckDB connection) and dbt."""


import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
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
        s = get_settings()
        if self.raw_dir:
            s = replace(s, raw_dir=Path(self.raw_dir))
        if self.warehouse_dir:
            s = replace(s, warehouse_dir=Path(self.warehouse_dir))
        if self.as_of_date:
            s = replace(s, as_of_date=date.fromisoformat(self.as_of_date))
        return s

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
