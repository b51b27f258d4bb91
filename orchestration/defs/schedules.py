"""When the pipeline runs by itself: the nightly job at 02:00 Swedish time, and (only when
UPPFOLJNING_FETCH_SURVEY=1) the live statistics fetch shortly before it.

Both need the Dagster daemon (`dagster dev` on a laptop, `dagster-daemon run` on a server; see
docs/operations.md). A run that dies for a transient reason (the run worker crashed or was
killed, e.g. by a reboot) is retried twice by the daemon; a run that failed because an asset
or a blocking check failed is not, since the same data would fail the same way again."""

from __future__ import annotations

import os

import dagster as dg

from orchestration.defs import keys
from orchestration.defs.jobs import nightly_job
from orchestration.rebuild import prepare_warehouse
from orchestration.settings import get_settings
from orchestration.workers import fail_stale_runs, record_daemon_worker

TIMEZONE = "Europe/Stockholm"
NIGHTLY_CRON_ENV = "UPPFOLJNING_NIGHTLY_CRON"
DEFAULT_NIGHTLY_CRON = "0 2 * * *"
SURVEY_FETCH_ENV = "UPPFOLJNING_FETCH_SURVEY"
SURVEY_CRON_ENV = "UPPFOLJNING_SURVEY_CRON"
DEFAULT_SURVEY_CRON = "30 1 * * *"  # before the nightly job, which then reads the new files

# Run retries (the daemon's auto re-execution, enabled in orchestration/dagster.yaml).
# FROM_FAILURE keeps what already materialised; asset/check failures are data, not transient.
RETRY_TAGS: dict[str, str] = {
    "dagster/max_retries": "2",
    "dagster/retry_strategy": "FROM_FAILURE",
    "dagster/retry_on_asset_or_op_failure": "false",
}


def cron_from_env(variable: str, default: str) -> str:
    """The cron string in the environment variable, else the default. Dagster rejects an
    invalid one when the schedule is defined, so a typo fails at load time, not silently."""
    return os.environ.get(variable, "").strip() or default


def build_nightly_schedule(cron: str | None = None) -> dg.ScheduleDefinition:
    @dg.schedule(
        name="nightly_schedule",
        job=nightly_job,
        cron_schedule=cron or cron_from_env(NIGHTLY_CRON_ENV, DEFAULT_NIGHTLY_CRON),
        execution_timezone=TIMEZONE,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Nattkörningen: läs raw/, bygg marten, kör kontrollerna och publicera. "
        f"Tid ändras med {NIGHTLY_CRON_ENV} (cron, svensk tid).",
    )
    def nightly_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        # a killed run (reboot, power cut) would hold this one in the queue for six hours:
        # a run whose worker process is gone is failed now, with the reason
        for message in fail_stale_runs(context.instance):
            context.log.warning(message)
        # a damaged working file is moved aside here, before the run, so the night rebuilds
        # it from raw/ (orchestration/rebuild.py); a file in use is left alone
        for message in prepare_warehouse(get_settings()):
            context.log.warning(message)
        # the run key makes a tick that is evaluated twice (daemon restart) launch one run
        when = context.scheduled_execution_time
        return dg.RunRequest(
            run_key=f"nightly-{when.isoformat()}" if when else None,
            tags={**RETRY_TAGS, "uppfoljning/trigger": "schema"},
        )

    return nightly_schedule


def build_survey_fetch_schedule(cron: str | None = None) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name="survey_fetch_schedule",
        target=dg.AssetSelection.assets(keys.SURVEY_FETCH),
        cron_schedule=cron or cron_from_env(SURVEY_CRON_ENV, DEFAULT_SURVEY_CRON),
        execution_timezone=TIMEZONE,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description="Hämtar statistik från SCB och Kolada till raw/survey/ (kräver nätverk).",
    )


@dg.run_status_sensor(run_status=dg.DagsterRunStatus.STARTED, name="run_worker_recorder",
                      default_status=dg.DefaultSensorStatus.RUNNING,
                      minimum_interval_seconds=15,
                      description="Antecknar värd, process-id och starttid för varje körnings "
                      "arbetsprocess, så att en dödad körning känns igen och inte blockerar kön.")
def run_worker_recorder(context: dg.RunStatusSensorContext) -> None:
    if record_daemon_worker(context.instance, context.dagster_run):
        context.log.info(f"Arbetsprocessen för {context.dagster_run.run_id} antecknad.")


@dg.definitions
def schedules() -> dg.Definitions:
    defined = [build_nightly_schedule()]
    if os.environ.get(SURVEY_FETCH_ENV, "").strip() == "1":
        defined.append(build_survey_fetch_schedule())
    return dg.Definitions(schedules=defined, sensors=[run_worker_recorder])
