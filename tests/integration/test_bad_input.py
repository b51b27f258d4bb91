"""Bad input through the real source assets (a Dagster materialisation): thirteen distinct
malformed files across every source are each quarantined with a message naming the file, the
line or key and the reason; the good files still load; nothing loaded before is lost or
counted twice, also when the bad file is a failed correction of a good one."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.defs.grants.assets import grants
from orchestration.defs.ledger.assets import ledger
from orchestration.defs.payroll.assets import payroll
from orchestration.defs.registry.assets import registry
from orchestration.defs.reports.assets import reports
from orchestration.defs.resources import Warehouse
from orchestration.defs.survey.assets import survey

pytestmark = pytest.mark.integration


def _payroll(raw: Path, month: str) -> str:
    return (raw / "payroll" / f"lon_{month}.csv").read_text("utf-8-sig")


def _break(raw: Path) -> dict[str, str]:
    """Write the malformed files; returns {source/file: a word its reason must contain}."""
    p = raw / "payroll"
    july = _payroll(raw, "2022-07")
    (p / "lon_2023-06.csv").write_text(july.replace("2022-07", "2023-06").replace(";", ","),
                                       "utf-8")
    header, *rows = july.splitlines()
    (p / "lon_2023-07.csv").write_text("\n".join(
        [header.replace(";objekt", "")] + [r.rsplit(";", 2)[0] + ";" + r.rsplit(";", 1)[1]
                                           for r in rows]).replace("2022-07", "2023-07"),
        "utf-8")
    (p / "lon_2023-08.csv").write_text(july.replace("2022-07", "2023-08").replace(
        rows[0].split(";")[8], "tusen", 1), "utf-8")
    first = rows[0].split(";")
    (p / "lon_2023-09.csv").write_text(july.replace("2022-07", "2023-09").replace(
        f";{first[4]};", f";{first[2]};", 1), "utf-8")
    (p / "lon_2023-10.csv").write_text(july.replace("2022-07", "2023-11"), "utf-8")
    (p / "lon_2022-05.csv").write_text(  # a "correction" of May that is cut in the middle
        _payroll(raw, "2022-05")[:5000].rsplit(";", 3)[0], "utf-8")

    g = raw / "grants"
    decisions = (g / "decisions.csv").read_text("utf-8")
    (g / "decisions.csv").write_text(decisions.replace("2021-03-15,2021-12-31,2022-03-31",
                                                       "2021-03-15,2021-12-31,2020-03-31"),
                                     "utf-8")
    (g / "reports.csv").write_text((g / "reports.csv").read_text("utf-8").replace(
        "6300000.00", "sex miljoner", 1), "utf-8")
    d = raw / "reports" / "delivered.csv"
    d.write_text(d.read_text("utf-8").replace("2021-02-14", "2021-02-31"), "utf-8")
    y = raw / "registry" / "programme.yaml"
    y.write_text(y.read_text("utf-8").replace("- '7102'", "- '7101'", 1), "utf-8")
    s = raw / "survey"
    nri = (s / "scb" / "ME0003NRI_0484.json").read_text("utf-8")
    (s / "scb" / "ME0003NRI_0484.json").write_text(nri[: len(nri) // 2], "utf-8")
    (s / "kolada" / "N15XX9_0484.json").write_text("<html>Service Unavailable</html>", "utf-8")
    ledger_dir = raw / "ledger"
    sie = (ledger_dir / "eskilstuna_2023.se").read_bytes()
    cut = sie.index(b"#VER A 500 ")
    (ledger_dir / "eskilstuna_2024.se").write_bytes(
        sie[:cut].replace(b"#RAR 0 20230101 20231231", b"#RAR 0 20240101 20241231")
        + b'#VER A 1 20240105 "Halv" 20240105\r\n{\r\n   #TRANS 4010 {} 100.00\r\n')
    (ledger_dir / "eskilstuna_2023.se").write_bytes(sie.replace(b"#TRANS 2440 {} -", b"#TRANS "
                                                                b"2440 {} --", 1))
    return {
        "payroll/lon_2023-06.csv": "delimiter", "payroll/lon_2023-07.csv": "objekt",
        "payroll/lon_2023-08.csv": "belopp", "payroll/lon_2023-09.csv": "personnummer",
        "payroll/lon_2023-10.csv": "2023-11", "payroll/lon_2022-05.csv": "fields",
        "grants/decisions.csv": "report_due", "grants/reports.csv": "amount_used_sek",
        "reports/delivered.csv": "delivered_on", "registry/registry": "7101",
        "survey/scb/ME0003NRI_0484.json": "line", "survey/kolada/N15XX9_0484.json": "json",
        "ledger/eskilstuna_2024.se": "truncated", "ledger/eskilstuna_2023.se": "amount",
    }


def _state(db: Path) -> dict[str, object]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return {t: conn.execute(f"select count(*), sum(hash(columns(*))) from landing.{t}")
                .fetchall()[0] for t in ("payroll_monthly", "ledger_transactions",
                                         "grant_decisions", "grant_reports", "reports_delivered",
                                         "registry_initiative_object_codes", "survey_scb",
                                         "survey_kolada")}


def test_bad_files_are_quarantined_and_nothing_is_lost(tmp_path: Path, sample_raw: Path) -> None:
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse"
    shutil.copytree(sample_raw, raw)
    resources = {"warehouse": Warehouse(raw_dir=str(raw), warehouse_dir=str(warehouse))}
    assets = [registry, ledger, payroll, grants, reports, survey]
    assert dg.materialize(assets, resources=resources).success
    before = _state(warehouse / "governance.duckdb")

    expected = _break(raw)
    result = dg.materialize(assets, resources=resources)
    assert result.success  # bad input is never a failed run

    with duckdb.connect(str(warehouse / "governance.duckdb"), read_only=True) as conn:
        quarantined = {f"{s}/{f}": r for s, f, r in conn.execute(
            "select source, file_name, reason from landing.files "
            "where status = 'quarantined'").fetchall()}
    assert set(quarantined) == set(expected)
    for name, word in expected.items():
        reason = quarantined[name]
        assert name.split("/")[-1] in reason or name.endswith("/registry"), reason
        assert word.lower() in reason.lower(), (name, reason)
        folder = warehouse / "quarantine" / name.split("/")[0]
        assert list(folder.glob("*.reason.txt")), folder
    after = _state(warehouse / "governance.duckdb")
    assert after == before  # the last good state of every table, nothing doubled
    assert {"payroll", "ledger"} <= {k.split("/")[0] for k in expected}
