"""The sample municipality: deterministic, and calibrated to the documents' figures, which are
computed here from the raw files themselves (an independent reading, not the pipeline's)."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import ledger_rows as _ledger_rows
from helpers import registry as _registry

from orchestration.sample.generate import generate

MSEK = Decimal(1_000_000)


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_files(tmp_path: Path, sample_raw: Path) -> None:
    again = tmp_path / "raw"
    generate(again)
    assert _digest(again) == _digest(sample_raw)


def test_another_seed_changes_the_noise_but_not_the_figures(tmp_path: Path,
                                                            sample_raw: Path) -> None:
    other = tmp_path / "raw"
    generate(other, seed=7)
    assert _digest(other) != _digest(sample_raw)
    assert _programme_costs(other) == _programme_costs(sample_raw)


def _programme_costs(raw: Path) -> dict[tuple[str, int, int, str], Decimal]:
    """Cost per (initiative, year, month, responsibility) on cost accounts (classes 4-7)."""
    reg = _registry(raw)
    initiative_of = {c: i["id"] for i in reg["initiatives"] for c in i["object_codes"]}
    costs: dict[tuple[str, int, int, str], Decimal] = defaultdict(Decimal)
    for _, day, account, objects, amount in _ledger_rows(raw):
        initiative = initiative_of.get(objects.get(22, ""))
        if initiative and account[0] in "4567":
            costs[(initiative, int(day[:4]), int(day[4:6]), objects[1])] += amount
    return dict(costs)


@pytest.fixture(scope="module")
def figures(sample_raw: Path) -> dict:
    reg = _registry(sample_raw)
    costs = _programme_costs(sample_raw)
    yearly: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for (initiative, year, _, _), amount in costs.items():
        yearly[(initiative, year)] += amount
    with (sample_raw / "grants" / "decisions.csv").open(encoding="utf-8") as f:
        decisions = list(csv.DictReader(f))
    with (sample_raw / "grants" / "reports.csv").open(encoding="utf-8") as f:
        reports = {r["grant_id"]: r for r in csv.DictReader(f)}
    initiative_of = {c: i["id"] for i in reg["initiatives"] for c in i["object_codes"]}
    grant_by: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for d in decisions:
        initiative = initiative_of[d["object_codes"].split("|")[0]]
        grant_by[(initiative, int(d["year"]))] += Decimal(d["amount_sek"])
    # grants first, then the mandate project's money (its pool is never short in the sample)
    mandate_used: dict[int, Decimal] = defaultdict(Decimal)
    for i in reg["initiatives"]:
        if i.get("mandate_project") != "9120":
            continue
        for year in (2020, 2021, 2022):
            cost = yearly.get((i["id"], year), Decimal(0))
            mandate_used[year] += max(cost - grant_by.get((i["id"], year), Decimal(0)), 0)
    return {"reg": reg, "costs": costs, "yearly": yearly, "decisions": decisions,
            "reports": reports, "mandate_used": mandate_used}


def test_mandate_money_used_per_year(figures: dict) -> None:
    used = figures["mandate_used"]
    assert (used[2020], used[2021], used[2022]) == (Decimal("4500000.00"), 0,
                                                    Decimal("12600000.00"))
    lovstod_2020 = figures["yearly"][("lovstod", 2020)]
    assert lovstod_2020 == Decimal("4500000.00")  # 2020: all of it on Lovstöd


def test_mandate_allocation_budget_and_package(figures: dict) -> None:
    reg = figures["reg"]
    projects = {p["code"]: p for p in reg["mandate_projects"]}
    assert projects["9120"]["allocation_per_year"] == 10_000_000
    assert projects["9120"]["holder"] == "KS"
    assert projects["9130"]["allocation_per_year"] == 20_000_000
    mandate_2023 = sum(a["amount"] for a in reg["allocations"] if a["year"] == 2023
                       and a["source"] == "mandate" and a["initiative"] != "jobbcentrum")
    assert mandate_2023 == 21_800_000
    assert sum(a["amount"] for a in reg["allocations"]) == 184_000_000


def test_grants_from_socialstyrelsen(figures: dict) -> None:
    utsatta = {int(d["year"]): Decimal(d["amount_sek"]) for d in figures["decisions"]
               if d["programme"].startswith("Sociala insatser")}
    assert utsatta == {2021: Decimal("6300000.00"), 2022: Decimal("11300000.00"),
                       2023: Decimal("6300000.00")}
    external_2021 = sum(Decimal(d["amount_sek"]) for d in figures["decisions"]
                        if d["year"] == "2021")
    assert external_2021 == 13 * MSEK


def test_trygga_unga_outcome_jan_aug_2022_per_committee(figures: dict) -> None:
    reg = figures["reg"]
    committee_prefixes = {c["id"]: [p.rstrip("*") for p in c["responsibility_codes"]]
                          for c in reg["committees"]}
    per_committee: dict[str, Decimal] = defaultdict(Decimal)
    for (initiative, year, month, resp), amount in figures["costs"].items():
        if initiative == "trygga_unga" and year == 2022 and month <= 8:
            committee = next(c for c, ps in committee_prefixes.items()
                             if any(resp.startswith(p) for p in ps))
            per_committee[committee] += amount
    assert dict(per_committee) == {"KFN": Decimal("5600000.00"), "SN": Decimal("5000000.00")}
    full_year = figures["yearly"][("trygga_unga", 2022)]
    assert 15 * MSEK < full_year < 25 * MSEK  # "about 20 MSEK" at full build


def test_lovstod_2022(figures: dict, sample_raw: Path) -> None:
    assert figures["yearly"][("lovstod", 2022)] == Decimal("5700000.00")
    associations = sum(a for s, d, acc, o, a in _ledger_rows(sample_raw)
                       if o.get(22) == "7201" and d.startswith("2022") and acc == "4610")
    assert round(associations / Decimal("5700000.00"), 2) == Decimal("0.66")
    assert figures["reports"]["SOS-LOV-2022"]["participants"] == "35200"


def test_nri_trygghet_targets_and_outcomes(figures: dict, sample_raw: Path) -> None:
    nri = next(i for i in figures["reg"]["indicators"] if i["id"] == "nri_trygghet")
    assert nri["baseline"] == {"year": 2019, "value": 40}
    assert nri["targets"] == {2020: 45, 2021: 47, 2022: 49}
    doc = json.loads((sample_raw / "survey" / "scb" / "ME0003NRI_0484.json").read_text("utf-8"))
    years = doc["dimension"]["Tid"]["category"]["index"]
    values = {y: doc["value"][i] for y, i in years.items()}
    assert values["2020"] == 38
    assert values["2021"] is None and values["2022"] is None
    assert doc["status"] == {"2": "..", "3": ".."}


def test_payroll_is_in_the_contract_format(sample_raw: Path) -> None:
    path = sample_raw / "payroll" / "lon_2022-05.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # 2022 files carry a byte-order mark
    header, first = raw.decode("utf-8-sig").splitlines()[:2]
    assert header.split(";")[:4] == ["period", "anstallningsnr", "personnummer", "namn"]
    fields = first.split(";")
    assert fields[0] == "2022-05"
    assert re.fullmatch(r"\d{8}-98\d\d", fields[2])
    assert re.fullmatch(r"-?\d{1,3}(\u00a0\d{3})*,\d\d", fields[8])


def test_manifest_lists_every_planted_problem(sample_raw: Path) -> None:
    manifest = json.loads((sample_raw / "sample_manifest.json").read_text("utf-8"))
    kinds = sorted({p["kind"] for p in manifest["planted_problems"]})
    assert kinds == ["grant_report_missing", "indicator_no_outcome", "initiative_without_target",
                     "internal_compensation", "missing_report", "payroll_vs_ledger",
                     "unknown_object_code"]
    assert (sample_raw / "AS_OF_DATE").read_text().strip() == "2023-06-15"
