"""The nightly schedule: the right job, 02:00 Swedish time, retry tags, env override."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from orchestration.defs import schedules as sched


def test_nightly_schedule_runs_the_nightly_job_at_two_swedish_time(
        ops_defs: dg.Definitions) -> None:
    schedule = ops_defs.resolve_schedule_def("nightly_schedule")
    assert schedule.job_name == "nightly"
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Europe/Stockholm"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


def test_tick_requests_a_retrying_run_keyed_by_its_time() -> None:
    schedule = sched.build_nightly_schedule()
    at = datetime(2026, 1, 15, 2, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
    with dg.instance_for_test() as instance, dg.build_schedule_context(
            instance=instance, scheduled_execution_time=at) as context:  # closed: see new month
        result = schedule.evaluate_tick(context)
    assert result.skip_message is None
    [request] = result.run_requests
    assert request.run_key == f"nightly-{at.isoformat()}"
    assert request.tags["dagster/max_retries"] == "2"
    assert request.tags["dagster/retry_strategy"] == "FROM_FAILURE"
    # data failures are not transient: only crashed or killed run workers are retried
    assert request.tags["dagster/retry_on_asset_or_op_failure"] == "false"


def test_cron_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(sched.NIGHTLY_CRON_ENV, "30 4 * * 1-5")
    schedule = sched.build_nightly_schedule()
    assert schedule.cron_schedule == "30 4 * * 1-5"
    assert schedule.execution_timezone == "Europe/Stockholm"
    assert schedule.job_name == "nightly"


def test_invalid_cron_fails_at_load_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(sched.NIGHTLY_CRON_ENV, "0 2 * *")
    with pytest.raises(dg.DagsterInvalidDefinitionError, match="cron"):
        sched.build_nightly_schedule()


def test_survey_fetch_schedule_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(sched.SURVEY_FETCH_ENV, raising=False)
    assert [s.name for s in sched.schedules().schedules] == ["nightly_schedule"]
    monkeypatch.setenv(sched.SURVEY_FETCH_ENV, "1")
    names = [s.name for s in sched.schedules().schedules]
    assert names == ["nightly_schedule", "survey_fetch_schedule"]


def test_daylight_saving_nights_run_once() -> None:
    # Dagster's own cron iterator (private, so this pins the behaviour the docs promise):
    # 02:00 does not exist on the spring night, so that run starts at 03:00; the autumn night,
    # when 02:00 comes twice, runs once.
    from dagster._utils.schedules import cron_string_iterator

    zone = ZoneInfo("Europe/Stockholm")
    spring = cron_string_iterator(datetime(2026, 3, 28, 12, tzinfo=zone).timestamp(),
                                  sched.DEFAULT_NIGHTLY_CRON, sched.TIMEZONE)
    assert next(spring).isoformat() == "2026-03-29T03:00:00+02:00"
    assert next(spring).isoformat() == "2026-03-30T02:00:00+02:00"
    autumn = cron_string_iterator(datetime(2026, 10, 24, 12, tzinfo=zone).timestamp(),
                                  sched.DEFAULT_NIGHTLY_CRON, sched.TIMEZONE)
    assert next(autumn).isoformat() == "2026-10-25T02:00:00+01:00"
    assert next(autumn).isoformat() == "2026-10-26T02:00:00+01:00"
