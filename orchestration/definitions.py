"""The code location: everything under orchestration/defs/, run in one process so that only
one step at a time writes the DuckDB file."""

from __future__ import annotations

import dagster as dg

from orchestration import dagster_sqlite
from orchestration.settings import PROJECT_ROOT

dagster_sqlite.install()  # every run worker writes its events through the shared engines


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions.merge(
        dg.load_from_defs_folder(path_within_project=PROJECT_ROOT / "orchestration"),
        dg.Definitions(executor=dg.in_process_executor),
    )
