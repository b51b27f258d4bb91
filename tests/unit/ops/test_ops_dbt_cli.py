"""The dbt resource skips two slow steps of dagster-dbt (orchestration/defs/resources.py):
the shortcuts must still override what dagster-dbt calls, and give the version it would."""

from __future__ import annotations

import re
import subprocess

from dagster_dbt import DbtCliResource

from orchestration.defs.resources import DbtCli, resources


def test_the_overrides_replace_what_dagster_dbt_calls() -> None:
    # after a dagster-dbt upgrade that renames these, the overrides would silently do nothing
    for name in ("_cli_version", "_initialize_dbt_core_adapter"):
        assert name in vars(DbtCliResource), name
        assert vars(DbtCli)[name] is not vars(DbtCliResource)[name]


def test_the_version_is_the_one_the_dbt_executable_reports() -> None:
    dbt = resources().resources["dbt"]
    assert isinstance(dbt, DbtCli)
    reported = subprocess.run([dbt.dbt_executable, "--version"], capture_output=True,
                              text=True, check=True, timeout=120).stdout
    installed = re.search(r"installed:\s*(\d+\.\d+\.\d+)", reported)
    assert installed is not None, reported
    assert str(dbt._cli_version) == installed.group(1)
    assert dbt._initialize_dbt_core_adapter(["build"]) is None
