"""Kill the nightly with SIGKILL while it lands the raw files (a real kill, at a named point:
orchestration/faults.py), then start the next run the ordinary way: it recognises the dead
run, needs no --force, and ends with a mart equal to the uninterrupted session run's.

One chain on a fresh warehouse: killed inside an insert, then between two sources, then the
ordinary run. Each kill is asserted (exit by SIGKILL), and each following run first finds the
killed one's worker gone. The kills in the dbt build, the checks and publication are in
test_crash_publication.py: two files, so that with several test processes (make test) the two
chains run side by side."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
from crashkit import (
    assert_killed,
    check_version,
    mart_digest,
    run_env,
    uppfoljning,
)

pytestmark = pytest.mark.usefixtures("crash_cpu_report")


def _runs(home: Path) -> list[dg.DagsterRun]:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        return list(instance.get_runs())


def test_killed_while_landing_the_next_run_completes_the_same_mart(
        crash_baseline: dict, pipeline_env: dict, tmp_path: Path) -> None:
    warehouse, home = tmp_path / "warehouse", tmp_path / "home"
    env = run_env(pipeline_env["raw"], warehouse, home)
    assert_killed(uppfoljning(env, fault="landing.insert"))
    assert not (warehouse / "published").exists()
    second = uppfoljning(env, fault="landing.between_sources")
    assert_killed(second)
    assert "arbetsprocessen finns inte längre" in second.stdout
    last = uppfoljning(env)
    assert last.returncode == 0, last.stdout[-3000:] + last.stderr[-3000:]
    assert "arbetsprocessen finns inte längre" in last.stdout and "--force" not in last.stdout
    assert mart_digest(warehouse / "governance.duckdb") == crash_baseline
    statuses = [r.status for r in _runs(home)]
    assert statuses.count(dg.DagsterRunStatus.FAILURE) == 2
    assert statuses.count(dg.DagsterRunStatus.SUCCESS) == 1
    assert check_version(warehouse / "published") is not None
