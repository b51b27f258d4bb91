"""Alerts: a local HTTP server stands in for the Teams webhook; tiny jobs run in process on a
test instance fail (or fail a critical check), and the alert sensors are evaluated on them."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dagster as dg
import pytest
import requests

from orchestration.defs import alerts


class Webhook:
    """Records every POST body; answers 200 like a Teams workflow webhook."""

    def __init__(self) -> None:
        self.posts: list[dict] = []
        self.failures = 0  # answer this many POSTs with 500 first
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the name http.server calls)
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length))
                if outer.failures:
                    outer.failures -= 1
                    self.send_response(500)
                    self.end_headers()
                    return
                outer.posts.append(body)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"1")

            def log_message(self, *args: object) -> None:  # keep the test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True,
                                       kwargs={"poll_interval": 0.05})

    def texts(self) -> list[str]:
        return ["\n".join(block["text"] for a in post["attachments"]
                          for block in a["content"]["body"]) for post in self.posts]


@pytest.fixture()
def webhook(monkeypatch: pytest.MonkeyPatch) -> Iterator[Webhook]:
    hook = Webhook()
    hook.thread.start()
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # never through a proxy, if one is configured
    monkeypatch.setenv(alerts.WEBHOOK_ENV, hook.url)
    monkeypatch.delenv(alerts.WEBSERVER_ENV, raising=False)
    yield hook
    hook.server.shutdown()
    hook.server.server_close()


@dg.asset
def ledger_stub() -> None:
    pass


@dg.asset_check(asset=ledger_stub, blocking=True)
def balanced() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.ERROR,
                               metadata={"obalanserade_verifikationer": 3})


@dg.asset_check(asset=ledger_stub)
def objects_known() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.ERROR,
                               metadata={"okända_objektkoder": "7110"})


@dg.asset_check(asset=ledger_stub)
def texts_present() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.WARN)


@dg.asset(deps=[ledger_stub])
def mart_stub() -> None:
    pass


@dg.asset
def broken() -> None:
    raise OSError("disken är full")


def run(instance: dg.DagsterInstance, assets: list[dg.AssetsDefinition],
        checks: list[dg.AssetChecksDefinition] | None = None) -> dg.ExecuteInProcessResult:
    job = dg.define_asset_job("nightly", selection=dg.AssetSelection.all())
    defs = dg.Definitions(assets=assets, asset_checks=checks or [], jobs=[job])
    return defs.resolve_job_def("nightly").execute_in_process(
        instance=instance, raise_on_error=False)


@dataclass
class Runs:
    instance: dg.DagsterInstance
    blocked: dg.ExecuteInProcessResult  # a blocking critical check failed
    broken: dg.ExecuteInProcessResult  # an asset raised
    critical: dg.ExecuteInProcessResult  # succeeded, with a non-blocking critical failure
    warned: dg.ExecuteInProcessResult  # succeeded, with a warning only


@pytest.fixture(scope="module")
def runs() -> Iterator[Runs]:
    with dg.instance_for_test() as instance:
        yield Runs(
            instance,
            run(instance, [ledger_stub, mart_stub], [balanced]),
            run(instance, [broken]),
            run(instance, [ledger_stub, mart_stub], [objects_known, texts_present]),
            run(instance, [ledger_stub], [texts_present]),
        )


def status_context(instance: dg.DagsterInstance, result: dg.ExecuteInProcessResult,
                   name: str) -> dg.RunStatusSensorContext:
    run = instance.get_run_by_id(result.run_id)
    event = (result.get_run_failure_event() if not result.success
             else result.get_run_success_event())
    return dg.build_run_status_sensor_context(
        sensor_name=name, dagster_event=event, dagster_instance=instance, dagster_run=run)


def sensor_named(name: str) -> dg.SensorDefinition:
    return next(s for s in alerts.alerts().sensors if s.name == name)


def test_failed_run_posts_the_run_and_its_critical_check(webhook: Webhook, runs: Runs) -> None:
    assert not runs.blocked.success  # a failing blocking check fails its run
    context = status_context(runs.instance, runs.blocked, "teams_on_run_failure")
    sensor_named("teams_on_run_failure")(context.for_run_failure())
    [text] = webhook.texts()
    assert "körningen av nightly misslyckades" in text
    assert runs.blocked.run_id in text
    assert "ledger_stub:balanced" in text and "obalanserade_verifikationer: 3" in text
    assert "Publicerad data är oförändrad" in text


def test_failed_asset_is_named_with_its_error(webhook: Webhook, runs: Runs) -> None:
    context = status_context(runs.instance, runs.broken, "teams_on_run_failure")
    sensor_named("teams_on_run_failure")(context.for_run_failure())
    [text] = webhook.texts()
    assert "Misslyckade steg: broken" in text and runs.broken.run_id in text


def test_no_post_while_the_daemon_will_retry(webhook: Webhook) -> None:
    with dg.instance_for_test() as instance:
        result = run(instance, [broken])
        instance.add_run_tags(result.run_id, {alerts.WILL_RETRY_TAG: "true"})
        context = status_context(instance, result, "teams_on_run_failure")
        sensor_named("teams_on_run_failure")(context.for_run_failure())
    assert webhook.posts == []


def test_critical_check_in_a_successful_run_is_posted_warnings_are_not(
        webhook: Webhook, runs: Runs) -> None:
    assert runs.critical.success and runs.warned.success  # neither check blocks
    sensor = sensor_named("teams_on_critical_check")
    sensor(status_context(runs.instance, runs.critical, "teams_on_critical_check"))
    [text] = webhook.texts()
    assert "1 kritiska kontroller underkändes" in text and runs.critical.run_id in text
    assert "ledger_stub:objects_known" in text and "okända_objektkoder: 7110" in text
    assert "texts_present" not in text

    sensor(status_context(runs.instance, runs.warned, "teams_on_critical_check"))
    assert len(webhook.posts) == 1


def test_summary_names_counts_and_failed_checks(runs: Runs) -> None:
    digest = alerts.digest_run(runs.instance, runs.instance.get_run_by_id(runs.critical.run_id))
    text = alerts.summary_text(digest)
    assert "lyckades: 2 tillgångar materialiserade, 0 kontroller godkända, 2 underkända" in text
    assert "kritisk ledger_stub:objects_known" in text
    assert "varning ledger_stub:texts_present" in text


def test_nothing_is_defined_or_posted_without_a_webhook(
        webhook: Webhook, runs: Runs, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(alerts.WEBHOOK_ENV)
    names = {s.name for s in alerts.alerts().sensors}
    assert names == {"run_summary_on_success", "run_summary_on_failure"}
    context = status_context(runs.instance, runs.broken, "run_summary_on_failure")
    alerts.run_summary_on_failure(context.for_run_failure())  # logs, never posts
    assert webhook.posts == []


def test_a_passing_network_error_is_retried_a_lasting_one_raises(webhook: Webhook) -> None:
    webhook.failures = 2
    alerts.post_to_teams(webhook.url, "Uppföljning: prov", "run-1", pauses=(0, 0))
    assert webhook.texts() == ["Uppföljning: prov"]

    webhook.failures = 3
    with pytest.raises(requests.RequestException):
        alerts.post_to_teams(webhook.url, "Uppföljning: prov", "run-2", pauses=(0, 0))
    assert len(webhook.posts) == 1


def test_the_message_links_to_the_run_when_the_ui_address_is_known(
        webhook: Webhook, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(alerts.WEBSERVER_ENV, "https://uppfoljning.kommun.se/")
    alerts.post_to_teams(webhook.url, "Uppföljning: prov", "abc123")
    assert webhook.texts() == [
        "Uppföljning: prov\n[Öppna körningen](https://uppfoljning.kommun.se/runs/abc123)"]
