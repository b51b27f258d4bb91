"""What the pipeline tells people after a run.

Always: a one-paragraph summary of every finished run (assets materialised, checks passed and
failed) in the sensor's log, visible in the Dagster UI under the sensor's ticks.

Only when UPPFOLJNING_TEAMS_WEBHOOK_URL is set: a Microsoft Teams message (through
dagster_msteams) when a run fails for good, and when a run succeeded although a critical
(ERROR severity) check failed. A failed run that the daemon will retry is not announced; its
retry is. Set UPPFOLJNING_WEBSERVER_URL (e.g. http://uppfoljning.kommun.se:3000) to add a link."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import requests
from dagster_msteams import Card, MSTeamsResource
from dagster_msteams.adaptive_card import AdaptiveCard

WEBHOOK_ENV = "UPPFOLJNING_TEAMS_WEBHOOK_URL"
WEBSERVER_ENV = "UPPFOLJNING_WEBSERVER_URL"
TIMEZONE = ZoneInfo("Europe/Stockholm")
WILL_RETRY_TAG = "dagster/will_retry"  # set by the instance when run retries are enabled
# metadata that says how much was checked, not what failed
QUIET_METADATA = ("rows_checked", "expectations")
PUBLISHED = dg.AssetKey(["published", "mart"])
POST_PAUSES = (2.0, 5.0)  # three attempts of at most 10 s: within a sensor's 60 s evaluation


@dataclass
class FailedCheck:
    name: str  # asset/key:check_name
    severity: str  # ERROR | WARN
    detail: str


@dataclass
class RunDigest:
    run_id: str
    job_name: str
    status: str
    trigger: str
    materialized: int = 0
    checks_passed: int = 0
    failed_checks: list[FailedCheck] = field(default_factory=list)
    failed_steps: list[str] = field(default_factory=list)
    published: bool = False  # published/mart materialised in this run

    @property
    def critical(self) -> list[FailedCheck]:
        return [c for c in self.failed_checks if c.severity == "ERROR"]


def trigger_of(run: dg.DagsterRun) -> str:
    tags = run.tags
    if "dagster/schedule_name" in tags:
        what = f"utlöst av schemat {tags['dagster/schedule_name']}"
    elif "dagster/sensor_name" in tags:
        what = f"utlöst av sensorn {tags['dagster/sensor_name']}"
    else:
        what = "startad manuellt"
    if "dagster/retry_number" in tags:
        what += f", omförsök {tags['dagster/retry_number']}"
    return what


def _metadata_text(metadata: dict) -> str:
    text = "; ".join(f"{k}: {getattr(v, 'value', v)}" for k, v in metadata.items()
                     if k not in QUIET_METADATA)
    return text[:300] + ("…" if len(text) > 300 else "")


def digest_run(instance: dg.DagsterInstance, run: dg.DagsterRun) -> RunDigest:
    """Read what the run did from its event log: the same facts the UI shows."""
    digest = RunDigest(run.run_id, run.job_name, run.status.value, trigger_of(run))
    kinds = {dg.DagsterEventType.ASSET_MATERIALIZATION,
             dg.DagsterEventType.ASSET_CHECK_EVALUATION, dg.DagsterEventType.STEP_FAILURE}
    for entry in instance.all_logs(run.run_id, of_type=kinds):
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION:
            digest.materialized += 1
            digest.published |= event.asset_key == PUBLISHED
        elif event.event_type == dg.DagsterEventType.STEP_FAILURE:
            digest.failed_steps.append(event.step_key or "?")
        else:
            evaluation = event.event_specific_data
            if evaluation.passed:
                digest.checks_passed += 1
            else:
                digest.failed_checks.append(FailedCheck(
                    f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}",
                    evaluation.severity.value, _metadata_text(dict(evaluation.metadata))))
    digest.failed_checks.sort(key=lambda c: (c.severity != "ERROR", c.name))
    return digest


def summary_text(d: RunDigest) -> str:
    outcome = {"SUCCESS": "lyckades", "FAILURE": "misslyckades",
               "CANCELED": "avbröts"}.get(d.status, d.status)
    text = (f"Körning {d.run_id[:8]} av {d.job_name} ({d.trigger}) {outcome}: "
            f"{d.materialized} tillgångar materialiserade, {d.checks_passed} kontroller "
            f"godkända, {len(d.failed_checks)} underkända")
    if d.failed_checks:
        text += " (" + ", ".join(f"{'kritisk' if c.severity == 'ERROR' else 'varning'} "
                                 f"{c.name}" for c in d.failed_checks) + ")"
    if d.failed_steps:
        text += f"; misslyckade steg: {', '.join(d.failed_steps)}"
    return text + "."


def _critical_lines(checks: Sequence[FailedCheck]) -> str:
    return "\n".join(f"- {c.name}: {c.detail or 'inga detaljer'}" for c in checks)


def failure_text(d: RunDigest, error: str | None) -> str:
    lines = [f"Uppföljning: körningen av {d.job_name} misslyckades "
             f"({_now()}, körning {d.run_id}, {d.trigger}).",
             f"Misslyckade steg: {', '.join(d.failed_steps) or 'inga (körningen avbröts)'}."]
    if error:
        lines.append(f"Fel: {error[:500]}")
    if d.critical:
        lines.append("Kritiska kontroller underkända:\n" + _critical_lines(d.critical))
    lines.append("Marten publicerades ändå i körningen." if d.published else
                 "Publicerad data är oförändrad sedan förra publiceringen.")
    return "\n".join(lines)


def critical_checks_text(d: RunDigest) -> str:
    return "\n".join([
        f"Uppföljning: {len(d.critical)} kritiska kontroller underkändes i körning {d.run_id} "
        f"av {d.job_name} ({_now()}, {d.trigger}).",
        _critical_lines(d.critical),
    ])


def _now() -> str:
    return datetime.now(TIMEZONE).strftime("%Y-%m-%d %H:%M")


def post_to_teams(hook_url: str, text: str, run_id: str | None = None,
                  pauses: Sequence[float] = POST_PAUSES) -> None:
    """Post like dagster_msteams' own failure sensor does: a hero card for the legacy Office 365
    connectors, an adaptive card for Teams workflows (Power Automate) webhooks.

    A run status sensor moves past a run even when its function fails, so a message lost to a
    passing network error would be lost for good: try a few times, within the sensor's time."""
    client = MSTeamsResource(hook_url=hook_url, timeout=10).get_client()
    legacy = client.is_legacy_webhook()
    base = os.environ.get(WEBSERVER_ENV, "").strip().rstrip("/")
    if base and run_id:
        url = f"{base}/runs/{run_id}"
        text += f" <a href='{url}'>Öppna körningen</a>" if legacy else f"\n[Öppna körningen]({url})"
    card = Card() if legacy else AdaptiveCard()
    card.add_attachment(text)
    for pause in [*pauses, None]:
        try:
            client.post_message(card.payload)
            return
        except requests.RequestException:
            if pause is None:
                raise
            time.sleep(pause)


def _fresh(context: dg.RunStatusSensorContext) -> dg.DagsterRun:
    # the instance adds the will-retry tag just after the failure event; read the run again
    return context.instance.get_run_by_id(context.dagster_run.run_id) or context.dagster_run


@dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, name="run_summary_on_success",
                      default_status=dg.DefaultSensorStatus.RUNNING,
                      description="Skriver en sammanfattning av varje lyckad körning i loggen.")
def run_summary_on_success(context: dg.RunStatusSensorContext) -> None:
    context.log.info(summary_text(digest_run(context.instance, context.dagster_run)))


@dg.run_failure_sensor(name="run_summary_on_failure",
                       default_status=dg.DefaultSensorStatus.RUNNING,
                       description="Skriver en sammanfattning av varje misslyckad körning "
                       "i loggen.")
def run_summary_on_failure(context: dg.RunFailureSensorContext) -> None:
    context.log.warning(summary_text(digest_run(context.instance, context.dagster_run)))


def build_teams_sensors(hook_url: str) -> list[dg.SensorDefinition]:
    @dg.run_failure_sensor(name="teams_on_run_failure",
                           default_status=dg.DefaultSensorStatus.RUNNING,
                           description="Meddelar Teams när en körning misslyckas (efter omförsök).")
    def teams_on_run_failure(context: dg.RunFailureSensorContext) -> None:
        run = _fresh(context)
        if run.tags.get(WILL_RETRY_TAG) == "true":
            context.log.info(f"Körning {run.run_id} försöks igen; meddelar inte än.")
            return
        digest = digest_run(context.instance, run)
        error = context.failure_event.message if context.failure_event else None
        post_to_teams(hook_url, failure_text(digest, error), run.run_id)

    @dg.run_status_sensor(run_status=dg.DagsterRunStatus.SUCCESS, name="teams_on_critical_check",
                          default_status=dg.DefaultSensorStatus.RUNNING,
                          description="Meddelar Teams när en kritisk kontroll underkänns i en "
                          "körning som ändå lyckades.")
    def teams_on_critical_check(context: dg.RunStatusSensorContext) -> None:
        # a failing blocking check fails its run, which teams_on_run_failure announces; this
        # catches critical checks that do not block
        digest = digest_run(context.instance, context.dagster_run)
        if digest.critical:
            post_to_teams(hook_url, critical_checks_text(digest), digest.run_id)

    return [teams_on_run_failure, teams_on_critical_check]


@dg.definitions
def alerts() -> dg.Definitions:
    defined: list[dg.SensorDefinition] = [run_summary_on_success, run_summary_on_failure]
    hook_url = os.environ.get(WEBHOOK_ENV, "").strip()
    if hook_url:
        defined += build_teams_sensors(hook_url)
    return dg.Definitions(sensors=defined)
