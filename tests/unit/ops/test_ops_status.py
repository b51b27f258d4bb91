"""`uppfoljning status` against a temporary warehouse and Dagster instance."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration import status
from orchestration.settings import PROJECT_ROOT, Settings


@pytest.fixture()
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    s = Settings(raw_dir=tmp_path / "raw", warehouse_dir=tmp_path / "warehouse",
                 as_of_date=date(2023, 6, 15))
    s.published_dir.mkdir(parents=True)
    monkeypatch.setenv("RAW_DIR", str(s.raw_dir))
    monkeypatch.setenv("WAREHOUSE_DIR", str(s.warehouse_dir))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "no_dagster_home_yet"))
    return s


def publish_fake(settings: Settings, with_findings: bool = True) -> None:
    (settings.published_dir / "VERSION.json").write_text(json.dumps({
        "version": "20260115T010203Z", "as_of_date": "2023-06-15", "run_id": "abc",
        "tables": {"dim_initiatives": 6, "fct_findings": 3}}), encoding="utf-8")
    with duckdb.connect(str(settings.published_duckdb_path)) as conn:
        conn.execute("create schema marts")
        conn.execute("create table marts.dim_initiatives as select 1 as id")
        if with_findings:
            conn.execute("""
                create table marts.fct_findings as select * from (values
                  ('warning', 'grant_report_back', 'SKV-EH-2022', '2022', 'Återrapport saknas',
                   2500000.00::decimal(18, 2), true),
                  ('critical', 'ledger_balanced', 'eskilstuna_2023.se', '2023-02', 'Obalanserad',
                   null, true),
                  ('warning', 'reporting_delivered', 'KS/trygga_unga', '2021-H2', 'Stängd',
                   null, false))
                  t(severity, check_name, subject, period, detail, amount_sek, is_open)""")


def quarantine_fake(settings: Settings) -> None:
    folder = settings.quarantine_dir / "payroll"
    folder.mkdir(parents=True)
    (folder / "lon_2023-13.csv").write_text("trasig\n", encoding="utf-8")
    (folder / "lon_2023-13.csv.reason.txt").write_text(
        "lon_2023-13.csv: the file name carries no period (YYYY-MM)\n", encoding="utf-8")
    raw = settings.raw_dir / "payroll"
    raw.mkdir(parents=True)
    (raw / "lon_2023-13.csv").write_text("rättad\n", encoding="utf-8")  # corrected since


def test_text_names_version_findings_and_quarantine(
        settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    publish_fake(settings)
    quarantine_fake(settings)
    assert status.status_main([]) == 0
    out = capsys.readouterr().out
    assert "ingen körning registrerad" in out
    assert "Publicerad version: 20260115T010203Z (data per 2023-06-15)" in out
    assert "Öppna avvikelser: 2" in out
    assert "[warning] grant_report_back: SKV-EH-2022 2022 2 500 000,00 kr – Återrapport" in out
    assert "[critical] ledger_balanced: eskilstuna_2023.se 2023-02 – Obalanserad" in out
    assert "reporting_delivered" not in out  # closed
    assert "Filer i karantän: 1" in out
    assert "payroll/lon_2023-13.csv" in out and "prövas igen" in out
    assert "the file name carries no period" in out


def test_json_parses_and_never_opens_the_working_database(
        settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    publish_fake(settings)
    # a run holding the working file would lock it; status must not need it
    settings.duckdb_path.write_bytes(b"not a duckdb file")
    assert status.status_main(["--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["last_run"] is None
    assert report["published"]["version"] == "20260115T010203Z"
    assert report["findings_recorded"] is True
    assert [f["check_name"] for f in report["open_findings"]] == [
        "ledger_balanced", "grant_report_back"]
    assert report["open_findings"][1]["amount_sek"] == "2500000.00"
    assert report["quarantined"] == []


def test_nothing_published_yet(settings: Settings) -> None:
    text = status.format_report(status.status_report(settings))
    assert "Publicerad version: ingen publicering ännu" in text
    assert "Öppna avvikelser: inga registrerade" in text
    assert "Filer i karantän: inga" in text


def test_published_copy_without_findings_table(settings: Settings) -> None:
    publish_fake(settings, with_findings=False)
    report = status.status_report(settings)
    assert report["findings_recorded"] is False
    assert "inga registrerade" in status.format_report(report)


def test_last_nightly_run_comes_from_dagster_home(settings: Settings, tmp_path: Path) -> None:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")

    @dg.op
    def fail() -> None:
        raise RuntimeError("boom")

    @dg.job(name="nightly")
    def nightly() -> None:
        fail()

    with dg.DagsterInstance.from_config(str(home)) as instance:
        result = nightly.execute_in_process(
            instance=instance, raise_on_error=False,
            tags={"dagster/schedule_name": "nightly_schedule"})
    report = status.status_report(settings, home=home)
    run = report["last_run"]
    assert run["run_id"] == result.run_id and run["status"] == "FAILURE"
    assert run["trigger"] == "schedule" and run["start_time"] and run["end_time"]
    text = status.format_report(report)
    assert "Senaste körning av nightly: MISSLYCKADES (hela jobbet, utlöst av schemat)" in text
    assert result.run_id in text
