"""The governance mart: every dbt model as an asset, every dbt test as an asset check."""


import os
from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from orchestration.defs.dbt import incremental
from orchestration.defs.dbt.project import dbt_project
from orchestration.defs.partitions import SINGLE_RUN
from orchestration.defs.resources import Warehouse, retry_when_locked
from orchestration.faults import fault_point
from orchestration.validation.suites import import_gx_in_background


class Translator(DagsterDbtTranslator):
    """Models are keyed by schema and name (marts/fct_ledger_lines) and grouped by layer."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return super().get_asset_key(dbt_resource_props)
        return dg.AssetKey([dbt_resource_props["config"]["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "source":
            return None
        return dbt_resource_props["config"]["schema"]


translator = Translator(settings=DagsterDbtTranslatorSettings(
    enable_asset_checks=True, enable_duplicate_source_asset_keys=True))


class DbtBuildConfig(dg.Config):
    full_refresh: bool = False  # rebuild the incremental models from the landing tables


# the mart is not partitioned; the policy lets a backfill of source months end with one build
@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project,
            dagster_dbt_translator=translator, backfill_policy=SINGLE_RUN)
def governance_mart(context: dg.AssetExecutionContext, dbt: DbtCliResource,
                    warehouse: Warehouse, config: DbtBuildConfig) -> Iterator[Any]:
    settings = warehouse.settings()
    # the dbt profile reads the same DuckDB file as the source assets write
    os.environ["UPPFOLJNING_DUCKDB_PATH"] = str(settings.duckdb_path)
    # an environment variable, not a dbt var: a changed var makes dbt parse the whole project
    # (macros/as_of_date.sql)
    os.environ["UPPFOLJNING_AS_OF_DATE"] = settings.as_of_date.isoformat()
    # dbt's own debug file (dbt.log in its target folder, about 4,5 MB a build) costs 1,5-2 s
    # of CPU per sample build; its errors reach the run's log and run_results.json without it.
    # DBT_LOG_LEVEL_FILE=debug brings it back for a night that needs it.
    os.environ.setdefault("DBT_LOG_LEVEL_FILE", "none")
    # unit tests check the models' logic on fixed inputs, not the night's data: they run in
    # `make test` (tests/integration/test_nightly_run.py), not every night
    args = ["build", "--exclude-resource-type", "unit_test"]
    # only the incremental models this run builds (the UI may select a few marts)
    selected = {key.path[-1] for key in context.selected_asset_keys}
    code = {name: fingerprint for name, fingerprint in incremental.code_fingerprints(
        incremental.load_manifest(dbt_project.manifest_path)).items() if name in selected}
    built = incremental.recorded(settings.warehouse_dir)
    changed = incremental.changed_models(built, code)
    if changed and built and not config.full_refresh:  # a new warehouse needs no message
        context.log.info("Koden som bygger " + ", ".join(changed) + " har ändrats sedan "
                         "förra bygget: modellen byggs om från landningstabellerna.")
    if config.full_refresh or changed:
        args.append("--full-refresh")
    # dagster-dbt would give every run a fresh target folder in the checkout, so dbt would
    # parse the whole project every night; one folder beside the warehouse keeps dbt's
    # partial-parse state from one night to the next
    target = settings.warehouse_dir / ".dbt_target"
    import_gx_in_background()  # the suites run after this step
    with retry_when_locked(settings.duckdb_path):  # dbt opens the file in its own process
        for n, event in enumerate(dbt.cli(args, context=context, target_path=target).stream()):
            if n == 10:
                fault_point("dbt.build")  # crash tests: killed with dbt half-way
            yield event
    incremental.record_build(settings.warehouse_dir, built, code)
