"""The second sample profile, Lillåsa: deterministic, of another shape than Eskilstuna on every
axis the contract leaves open, and built to the figures docs/sample-data.md gives (computed
here from the raw files by the independent reading in tests/answers.py)."""

from __future__ import annotations

import hashlib
from collections import Counter
from decimal import Decimal
from pathlib import Path

import answers
import pytest

from orchestration.sample.profiles import generate_profile


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def lillasa(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("lillasa")
    generate_profile("lillasa", raw)
    return raw


def test_same_seed_same_bytes_and_another_seed_same_figures(lillasa: Path,
                                                             tmp_path: Path) -> None:
    generate_profile("lillasa", tmp_path / "again")
    assert _digest(tmp_path / "again") == _digest(lillasa)
    generate_profile("lillasa", tmp_path / "other", seed=5)
    assert _digest(tmp_path / "other") != _digest(lillasa)
    assert answers.compute(tmp_path / "other").funding == answers.compute(lillasa).funding


def test_period_and_yearly_files_hold_the_same_vouchers(lillasa: Path, tmp_path: Path) -> None:
    generate_profile("lillasa", tmp_path, ledger_style="yearly")
    reg = answers.registry(lillasa)

    def vouchers(raw: Path) -> Counter:
        return Counter((ln.series, ln.day, ln.account, tuple(sorted(ln.codes.items())),
                        ln.amount) for ln in answers.ledger_lines(raw, reg))

    assert vouchers(tmp_path) == vouchers(lillasa)
    assert len(list((tmp_path / "ledger").glob("*.se"))) == 2
    periods = sorted(p.name for p in (lillasa / "ledger").glob("*.se"))
    assert len(periods) == 17
    # each period file holds its own month's vouchers only, under the fiscal year's #RAR
    for name in periods:
        text = (lillasa / "ledger" / name).read_bytes().decode("cp437")
        month = name[len("lillasa_"):-3].replace("-", "")
        days = {line.split()[3][:6] for line in text.splitlines() if line.startswith("#VER")}
        assert days == {month}, name
        assert f"#RAR 0 {month[:4]}0101 {month[:4]}1231" in text


def test_the_shape_differs_from_eskilstuna(lillasa: Path) -> None:
    reg = answers.registry(lillasa)
    assert reg["ledger"]["dimensions"] == {"responsibility": 2, "project": 8, "object": 30}
    assert any(not p.endswith("*") for c in reg["committees"]
               for p in c["responsibility_codes"])
    assert max(len(c["responsibility_codes"]) for c in reg["committees"]) == 3
    no_project = [i for i in reg["initiatives"] if "mandate_project" not in i]
    assert no_project and all(set(i["funding_order"]) == {"state_grant", "frame"}
                              for i in no_project)
    shared = [d for d in answers.decisions(lillasa) if len(d["object_codes"].split("|")) == 3]
    assert {d["grant_id"] for d in shared} == {"LST-BRO-2023", "LST-BRO-2024"}
    assert {r["frequency"] for r in reg["required_reports"]} >= {"quarterly", "half_yearly"}
    assert any(i["higher_is_better"] is False for i in reg["indicators"])
    header = (lillasa / "payroll" / "lon_202301.csv").read_bytes().split(b"\r\n")[0].decode()
    assert header.split(";")[:2] == ["Anstallningsnr", "Period"]
    assert {"Utbetalningsdag", "Lonekorning"} <= set(header.split(";"))


def test_the_figures_the_docs_give(lillasa: Path) -> None:
    a = answers.compute(lillasa)
    sek = Decimal
    assert {i: v for (g, i), v in a.grant_shares.items() if g == "LST-BRO-2023"} == {
        "fritid_unga": sek("450000.00"), "skolnarvaro": sek("300000.00"),
        "trygg_hemma": sek("150000.00")}
    assert a.mandate_available[("8400", 2024)] == sek("2510000.00")
    assert a.funding[("skolnarvaro", 2023, "frame")] == sek("500000.00")
    assert a.funding[("trygg_hemma", 2023, "frame")] == sek("450000.00")
    assert sum(v for (_, y, s), v in a.funding.items() if s == "mandate" and y == 2023) == \
        sek("2490000.00")
    kinds = sorted(p["kind"] for p in answers.manifest(lillasa)["planted_problems"])
    assert kinds == ["grant_report_missing", "indicator_no_outcome", "internal_compensation",
                     "late_report", "missing_report", "payroll_vs_ledger",
                     "unknown_object_code"]
