"""Kill the nightly with SIGKILL in the dbt build, in the checks and inside publication's
switch (a real kill, at a named point: orchestration/faults.py), then start the next run the
ordinary way: it ends with a mart equal to the uninterrupted session run's. A BI reader checks
the published version all along: one complete version at every instant.

One chain on a copy of the finished session warehouse, so that a version is published before
the kills; each kill is asserted (exit by SIGKILL). The kills while landing are in
test_crash_landing.py (two files, so that with several test processes the chains run side by
side)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from crashkit import (
    Reader,
    assert_killed,
    check_version,
    mart_digest,
    run_env,
    uppfoljning,
)

from orchestration.publish import PUBLISHED_VERSIONS_KEPT

pytestmark = pytest.mark.usefixtures("crash_cpu_report")


def test_killed_in_dbt_checks_and_publication_readers_see_one_version(
        crash_baseline: dict, pipeline_env: dict, tmp_path: Path) -> None:
    warehouse, home = tmp_path / "warehouse", tmp_path / "home"
    shutil.copytree(pipeline_env["warehouse"], warehouse, symlinks=True)
    env = run_env(pipeline_env["raw"], warehouse, home)
    published = warehouse / "published"
    before = check_version(published)
    assert before is not None
    # the session warehouse may hold more than one version (tests before this one published)
    earlier = {p.name for p in (published / "versions").iterdir()}
    reader = Reader(published)
    reader.start()
    try:
        for point in ("dbt.build", "checks.run", "publish.switch"):
            assert_killed(uppfoljning(env, fault=point))
            assert check_version(published) == before, point  # the last good version stands
        last = uppfoljning(env)
    finally:
        reader.stop()
    assert last.returncode == 0, last.stdout[-3000:] + last.stderr[-3000:]
    assert mart_digest(warehouse / "governance.duckdb") == crash_baseline
    after = check_version(published)
    assert after is not None and after != before
    assert reader.errors == [] and reader.reads > 20
    assert reader.seen == [before, after]
    # the killed publication's folder never became a version, and was cleared away
    versions = sorted(p.name for p in (published / "versions").iterdir())
    assert versions == sorted(earlier | {after})[-PUBLISHED_VERSIONS_KEPT:]
