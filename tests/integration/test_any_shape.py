"""Through real nightly runs (Dagster + dbt + DuckDB + GX): a municipality of another shape
than the sample, and deliveries that break the contract.

The variant is the sample rewritten: the registry declares only `project` and `object`, and
the object dimension is 30 instead of 22 in the SIE files (so there is no responsibility or
activity dimension, and the committees come from the initiatives). Planted on top: a payroll
row, a grant report-back, a delivered report and a ledger line with codes the registry does not
know, and a registry object code no line uses."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
import yaml

from orchestration.readers.registry import load_registry
from orchestration.run import print_summary, run_nightly
from orchestration.settings import get_settings
from orchestration.validation.contract import check_delivery

pytestmark = pytest.mark.integration

# what a controller must never see for a contract problem
NOT_FOR_A_CONTROLLER = ("Binder Error", "Traceback", "Stack Trace", "Catalog Error",
                        "Runtime Error",
                        "Database Error", "Compilation Error")


def _renumber_object_dimension(ledger: Path, old: int, new: int) -> None:
    for path in sorted(ledger.glob("*.se")):
        data = path.read_bytes()
        for before, after in ((b" %d \"", b" %d \""), (b"{%d \"", b"{%d \""),
                              (b"#DIM %d ", b"#DIM %d "), (b"#OBJEKT %d ", b"#OBJEKT %d ")):
            data = data.replace(before % old, after % new)
        path.write_bytes(data)


def _reshape(raw: Path) -> dict[str, object]:
    """The sample as another municipality; returns what was planted, for the assertions."""
    governance = raw / "registry" / "governance.yaml"
    text = governance.read_text("utf-8")
    dims = re.search(r"  dimensions:\n(    .*\n)+", text)
    governance.write_text(text.replace(dims.group(0),
                                       "  dimensions:\n    project: 6\n    object: 30\n"), "utf-8")
    _renumber_object_dimension(raw / "ledger", 22, 30)
    programme = raw / "registry" / "programme.yaml"
    text = programme.read_text("utf-8")
    programme.write_text(text.replace("  - '7201'\n", "  - '7201'\n  - '7998'\n", 1), "utf-8")

    # a line outside the programme (no mandate project) on a code nobody declared
    sie = raw / "ledger" / "eskilstuna_2022.se"
    data = sie.read_bytes()
    at = data.index(b'30 "1003"}')
    sie.write_bytes(data[:at] + b'30 "7997"}' + data[at + len(b'30 "1003"}'):])
    ledger_line = data[:at].count(b"\n") + 1

    payroll = raw / "payroll" / "lon_2022-03.csv"
    rows = payroll.read_text("utf-8-sig").splitlines()
    cells = rows[1].split(";")
    cells[13] = "7999"
    payroll.write_text("\ufeff" + "\n".join([*rows, ";".join(cells)]) + "\n", "utf-8")

    reports = raw / "grants" / "reports.csv"
    grant_rows = reports.read_text("utf-8").splitlines()
    grant_rows.append("SOS-XX-2099,2023-03-01,1000.00,0.00,5,SN 2023/001")
    reports.write_text("\n".join(grant_rows) + "\n", "utf-8")

    delivered = raw / "reports" / "delivered.csv"
    lines = delivered.read_text("utf-8").splitlines()
    kss = next(n for n, line in enumerate(lines) if ",KS,trygga_unga,uppfoljning," in line)
    lines[kss] = lines[kss].replace(",KS,", ",KSS,", 1)
    delivered.write_text("\n".join(lines) + "\n", "utf-8")
    return {"ledger_line": ledger_line, "grant_line": len(grant_rows), "kss_line": kss + 1,
            "kss_period": lines[kss].split(",")[4]}


def _env(monkeypatch: pytest.MonkeyPatch, root: Path) -> tuple[Path, Path]:
    raw, warehouse, home = root / "raw", root / "warehouse", root / "home"
    home.mkdir(parents=True)
    shutil.copy(Path(__file__).resolve().parents[2] / "orchestration" / "dagster.yaml", home)
    monkeypatch.setenv("RAW_DIR", str(raw))
    monkeypatch.setenv("WAREHOUSE_DIR", str(warehouse))
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("PAYROLL_HASH_KEY", "test-key-not-secret")
    monkeypatch.delenv("AS_OF_DATE", raising=False)
    return raw, warehouse


def _night(capsys: pytest.CaptureFixture) -> tuple[object, str]:
    """One nightly run, and everything it printed: the console log and the summary."""
    report = run_nightly()
    print_summary(report, get_settings())
    out = capsys.readouterr()
    return report, out.out + out.err


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_another_shape_runs_through_and_every_unknown_code_is_a_finding(
        tmp_path: Path, sample_raw: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    raw, warehouse = _env(monkeypatch, tmp_path)
    shutil.copytree(sample_raw, raw)
    planted = _reshape(raw)
    warnings = check_delivery(raw)
    assert warnings and {p.severity for p in warnings} == {"warning"}

    report, console = _night(capsys)
    assert report.success, (report.failed_steps, console[-3000:])
    assert "published/mart" in report.materialized
    for text in NOT_FOR_A_CONTROLLER:
        assert text not in console

    reg = load_registry(raw / "registry")
    expected_committee = {
        i.id: i.run_by[0] if len(i.run_by) == 1 else i.owner for i in reg.initiatives}
    with duckdb.connect(str(warehouse / "governance.duckdb"), read_only=True) as conn:
        lines = conn.execute("""
            select initiative_id, committee_id, count(*), count(responsibility_code),
                   count(activity_code)
            from marts.fct_ledger_lines where line_kind = 'cost' group by all""").fetchall()
        findings = conn.execute("""
            select check_name, severity, source_file, source_place, detail, subject
            from marts.fct_findings where is_open""").fetchall()
        ties = conn.execute("select count(*) from intermediate.int_checks__totals "
                            "where actual_sek <> expected_sek").fetchall()[0][0]
    # the dimensions the registry does not declare are null, and nothing is lost
    assert lines and ties == 0
    for initiative, committee, _, responsibility, activity in lines:
        assert (responsibility, activity) == (0, 0)
        assert committee == expected_committee[initiative], initiative

    def finding(check: str, *words: str) -> tuple:
        hits = [f for f in findings if f[0] == check and all(w in f[4] for w in words)]
        assert len(hits) == 1, (check, words, [f for f in findings if f[0] == check])
        return hits[0]

    ledger = finding("ledger_object_code_unknown", "7997", "varken i filens #OBJEKT")
    assert ledger[2:4] == ("eskilstuna_2022.se", f"rad {planted['ledger_line']}")
    undeclared = finding("sie_undeclared_object", "'7997'", "inte deklarerat i filen")
    assert undeclared[2:4] == ("eskilstuna_2022.se", f"rad {planted['ledger_line']}")
    payroll = finding("payroll_object_code_unknown", "7999")
    assert payroll[2] == "lon_2022-03.csv" and "objekt 7999" in payroll[3]
    grant = finding("grant_report_without_decision", "SOS-XX-2099")
    assert grant[2:4] == ("reports.csv", f"rad {planted['grant_line']}")
    body = finding("report_unknown_body", "KSS")
    assert body[2:4] == ("delivered.csv", f"rad {planted['kss_line']}")
    # KS's own report is still missing, and says so, beside the finding that names KSS
    assert any(f[0] == "reporting_delivered" and f[5].startswith("KS/trygga_unga")
               for f in findings)
    # an initiative several committees run cannot be split without a responsibility dimension
    shared = [i for i in reg.initiatives if len(i.run_by) > 1]
    assert shared
    for i in shared:
        finding("rule_not_judged", f"Satsningen {i.id} ", f"ägaren {i.owner}")
    # every contract warning is a finding and is in the summary, word for word
    for p in warnings:
        assert p.message in console, p.message
        finding("contract", p.message)
    assert any("'7998'" in p.message for p in warnings)
    for f in (ledger, payroll, grant, body):
        assert f[4] in console  # the summary prints each finding's Swedish text

    # a later delivery whose object dimension is wrong stops before dbt; what was published
    # stays as it was
    published = warehouse / "published"
    version = json.loads((published / "VERSION.json").read_text())["version"]
    copy_sha = _sha(published / "governance.duckdb")
    governance = raw / "registry" / "governance.yaml"
    governance.write_text(governance.read_text("utf-8").replace("    object: 30\n",
                                                                "    object: 23\n"), "utf-8")
    report, console = _night(capsys)
    assert not report.success
    assert "published/mart" not in report.materialized
    assert not [k for k in report.materialized if k.startswith("marts/")]
    assert json.loads((published / "VERSION.json").read_text())["version"] == version
    assert _sha(published / "governance.duckdb") == copy_sha
    [blocker] = [p for p in check_delivery(raw) if p.severity == "blocker"]
    assert blocker.place == "ledger.dimensions.object" and blocker.message in console
    assert "Leveransen följer inte kontraktet" in console
    for text in NOT_FOR_A_CONTROLLER:
        assert text not in console


def test_contract_blockers_stop_the_night_before_dbt_with_sentences(
        tmp_path: Path, sample_raw: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    """A new user's first delivery with every kind of blocker: no mart, no dbt error, every
    sentence on the console."""
    raw, warehouse = _env(monkeypatch, tmp_path)
    shutil.copytree(sample_raw, raw)
    programme = raw / "registry" / "programme.yaml"
    doc = yaml.safe_load(programme.read_text("utf-8"))
    first, second = doc["initiatives"][0], doc["initiatives"][1]
    second["object_codes"].append(first["object_codes"][0])  # one code, two initiatives
    first["owner"] = "GN"  # no such committee
    second["mandate_project"] = "9999"  # no such mandate project
    first["funding_order"] = ["lottery", *first["funding_order"]]  # no such source
    programme.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    governance = raw / "registry" / "governance.yaml"
    text = governance.read_text("utf-8")
    governance.write_text(text.replace("    activity: 21\n", "    activity: 29\n"), "utf-8")
    blockers = [p for p in check_delivery(raw) if p.severity == "blocker"]
    assert len(blockers) >= 5

    report, console = _night(capsys)
    assert not report.success
    assert not [k for k in report.materialized if k.startswith(("marts/", "published/"))]
    assert not (warehouse / "published" / "VERSION.json").exists()
    for p in blockers:
        assert p.message in console, p.message
    for text in NOT_FOR_A_CONTROLLER:
        assert text not in console
    assert "Leveransen följer inte kontraktet" in console

