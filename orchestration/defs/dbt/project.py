"""The one dbt project. Its manifest is built ahead of time (`make prepare` runs dbt parse);
loading the definitions never parses dbt."""

from __future__ import annotations

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

if not dbt_project.manifest_path.exists():
    raise FileNotFoundError(
        f"{dbt_project.manifest_path} is missing: run `make prepare` (it runs dbt parse)"
    )
