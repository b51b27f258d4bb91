"""Dagster's SQLite storage through one engine per file: a real run on a real instance writes
every event, and builds a handful of engines instead of one per event."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy

from orchestration import dagster_sqlite


@dg.op
def first() -> int:
    return 1


@dg.op
def second(x: int) -> int:
    return x + 1


@dg.job
def two_steps() -> None:
    second(first())


def _engines_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    made: list[str] = []
    real = sqlalchemy.create_engine

    def counting(url: object, **kwargs: object) -> sqlalchemy.engine.Engine:
        made.append(str(url))
        return real(url, **kwargs)

    monkeypatch.setattr(sqlalchemy, "create_engine", counting)
    return made


def test_a_run_builds_an_engine_per_file_not_per_event(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    dagster_sqlite.install()
    dagster_sqlite._engines.clear()
    made = _engines_made(monkeypatch)
    with dg.DagsterInstance.local_temp(str(tmp_path)) as instance:
        result = two_steps.execute_in_process(instance=instance)
        assert result.success
        events = instance.all_logs(result.run_id)
    assert len(events) > 15  # every event was written and is read back
    files = set(made)
    assert len(made) == len(files) <= 6, made  # the index, the run's shard, runs, schedules


def test_a_pooled_engine_is_never_shared(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    pooled = dagster_sqlite.shared_create_engine(url)
    assert pooled is not dagster_sqlite.shared_create_engine(url)
    shared = dagster_sqlite.shared_create_engine(url, poolclass=sqlalchemy.pool.NullPool)
    assert shared is dagster_sqlite.shared_create_engine(url, poolclass=sqlalchemy.pool.NullPool)
    other_timeout = dagster_sqlite.shared_create_engine(
        url, poolclass=sqlalchemy.pool.NullPool, connect_args={"timeout": 1})
    assert other_timeout is not shared
