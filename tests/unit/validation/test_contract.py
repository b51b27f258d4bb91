"""check_delivery over the self-written registry and a small SIE file: every kind of contract
problem as a Swedish sentence naming file and key path, blockers apart from warnings."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from orchestration.validation.contract import Problem, check_delivery

REGISTRY = Path(__file__).resolve().parents[2] / "fixtures" / "registry"

# dimensions 1, 6 and 22 declared; 2 (activity) only used on a line; KS's 1100, SN's 42* and
# KFN's 35* match no code; 7201 is never booked
SIE = """#FLAGGA 0
#FORMAT PC8
#SIETYP 4
#RAR 0 20220101 20221231
#KONTO 4010 "Material"
#KONTO 2440 "Leverantörsskulder"
#DIM 1 "Ansvar"
#DIM 6 "Projekt"
#DIM 22 "Objekt"
#OBJEKT 1 "1010" "Kansli"
#OBJEKT 1 "4110" "Socialtjänst"
#OBJEKT 22 "7101" "Trygga unga A"
#VER A 1 20220105 "Inköp"
{
   #TRANS 4010 {1 "4110" 2 "300" 6 "9120" 22 "7101"} 100.00
   #TRANS 4010 {1 "1010" 6 "9120" 22 "7102"} 50.00
   #TRANS 2440 {} -150.00
}
"""


def delivery(tmp_path: Path, sie: str = SIE) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(REGISTRY, raw / "registry")
    (raw / "ledger").mkdir()
    (raw / "ledger" / "kommun_2022.se").write_bytes(sie.encode("cp437"))
    return raw


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def by_place(problems: list[Problem]) -> dict[str, Problem]:
    return {p.place: p for p in problems}


def assert_sentence(p: Problem, *words: str) -> None:
    assert p.message.startswith(f"{p.file}, {p.place}: "), p.message
    assert p.message.endswith("."), p.message
    for word in words:
        assert word in p.message, (word, p.message)


def test_the_delivery_as_it_should_be_has_only_its_warnings(tmp_path: Path):
    found = by_place(check_delivery(delivery(tmp_path)))
    assert {p.severity for p in found.values()} == {"warning"}
    assert set(found) == {
        "initiatives[1].object_codes[0]",  # 7201 is never booked
        "committees[0].responsibility_codes[1]",  # KS's 1100
        "committees[1].responsibility_codes[1]",  # SN's 42*
        "committees[2].responsibility_codes[0]",  # KFN's 35*
    }
    assert_sentence(found["initiatives[1].object_codes[0]"], "'7201'", "lovstod",
                    "används inte på någon rad")
    assert_sentence(found["committees[1].responsibility_codes[1]"], "'42*'", "SN",
                    "matchar ingen ansvarskod")


def test_a_dimension_no_file_declares_blocks(tmp_path: Path):
    raw = delivery(tmp_path)
    edit(raw / "registry" / "governance.yaml", "project: 6, object: 22", "project: 8, object: 22")
    found = by_place(check_delivery(raw))
    p = found["ledger.dimensions.project"]
    assert p.severity == "blocker" and p.file == "governance.yaml"
    assert_sentence(p, "dimension 8 (project)", "kommun_2022.se", "filerna har: 1, 2, 6, 22")


def test_an_object_dimension_that_is_wrong_blocks_and_leaves_the_codes_unjudged(tmp_path):
    raw = delivery(tmp_path)
    edit(raw / "registry" / "governance.yaml", "object: 22", "object: 30")
    found = check_delivery(raw)
    assert [p.place for p in found if p.severity == "blocker"] == ["ledger.dimensions.object"]
    assert not any("object_codes" in (p.place or "") for p in found)


def test_an_optional_dimension_may_be_left_out(tmp_path: Path):
    raw = delivery(tmp_path)
    edit(raw / "registry" / "governance.yaml", "{responsibility: 1, activity: 2, project: 6, ",
         "{")
    found = check_delivery(raw)
    assert {p.severity for p in found} == {"warning"}
    # without a responsibility dimension the patterns are not judged against the ledger
    assert not any("responsibility_codes" in (p.place or "") for p in found)


@pytest.mark.parametrize(("old", "new", "place", "words"), [
    ('object_codes: ["7101", "7102"]', 'object_codes: ["7101", "7201"]',
     "initiatives[1].object_codes[0]", ["objektkoden '7201'", "trygga_unga",
                                        "en objektkod hör till en satsning"]),
    ("    owner: KS\n    run_by: [KFN]", "    owner: GN\n    run_by: [KFN]",
     "initiatives[1].owner", ["Nämnden 'GN'", "förväntade ett av: KFN, KS, SN"]),
    ('mandate_project: "9120"\n    first_year: 2020', 'mandate_project: "9130"\n    first_year: '
     "2020", "initiatives[1].mandate_project", ["Uppdragsprojektet '9130'", "9120"]),
    ("funding_order: [state_grant, mandate, frame]", "funding_order: [state_grant, ram]",
     "initiatives[1].funding_order[1]", ["Finansieringskällan 'ram'", "frame, mandate"]),
    ('responsibility_codes: ["35*"]', 'responsibility_codes: ["35*", "41*"]',
     "committees[2].responsibility_codes[1]", ["'41*' hör redan till nämnden SN"]),
])
def test_registry_blockers(tmp_path: Path, old: str, new: str, place: str, words: list[str]):
    raw = delivery(tmp_path)
    edit(raw / "registry" / "governance.yaml", old, new)
    p = by_place([p for p in check_delivery(raw) if p.severity == "blocker"])[place]
    assert p.file == "governance.yaml"
    assert_sentence(p, *words)


def test_overlapping_patterns_and_targets_outside_the_years_warn(tmp_path: Path):
    raw = delivery(tmp_path)
    edit(raw / "registry" / "governance.yaml", 'responsibility_codes: ["35*"]',
         'responsibility_codes: ["35*", "4110"]')
    edit(raw / "registry" / "governance.yaml", "targets: {2020: 45,", "targets: {2019: 44, "
         "2020: 45, 2030: 60,")
    found = by_place(check_delivery(raw))
    overlap = found["committees[2].responsibility_codes[1]"]
    assert overlap.severity == "warning"
    assert_sentence(overlap, "'4110' överlappar '41*'", "nämnden SN")
    for year in (2019, 2030):
        target = found[f"indicators[0].targets.{year}"]
        assert target.severity == "warning"
        assert_sentence(target, f"målvärde för {year}", "2020–2023")
    assert "indicators[0].targets.2021" not in found


def test_frame_before_other_sources_and_a_source_the_allocation_does_not_know_warn(tmp_path):
    """The frame always takes what remains, last (contracts: "whatever remains falls on
    frame"); an order that puts it first, or names money the allocation has no rule for, is
    said in a sentence instead of computed differently without a word."""
    raw = delivery(tmp_path)
    governance = raw / "registry" / "governance.yaml"
    edit(governance, "funding_order: [state_grant, mandate, frame]",
         "funding_order: [frame, state_grant, mandate]")
    edit(governance, "funding_order: [state_grant, mandate]",
         "funding_order: [state_grant, lotteri, mandate]")
    edit(governance, "  - {id: frame, name: Ordinarie ram}",
         "  - {id: frame, name: Ordinarie ram}\n  - {id: lotteri, name: Lotterimedel}")
    found = by_place(check_delivery(raw))
    frame = found["initiatives[1].funding_order[0]"]
    assert frame.severity == "warning"
    assert_sentence(frame, "ordinarie ram ('frame') står före 'state_grant', 'mandate'",
                    "betalar alltid det som återstår sist", "'frame' sist")
    other = found["initiatives[0].funding_order[1]"]
    assert other.severity == "warning"
    assert_sentence(other, "'lotteri' får ingen del av kostnaden", "'state_grant'")
    # the order as the contract writes it says nothing
    assert not [p for p in found if p.endswith(("funding_order[2]", "funding_order[0]"))
                and p.startswith("initiatives[0]")]


def test_a_registry_that_does_not_load_is_one_blocker_with_its_place(tmp_path: Path):
    raw = delivery(tmp_path)
    edit(raw / "registry" / "reports.yaml", "year: 2023", 'year: "2023"')
    [p] = check_delivery(raw)
    assert (p.severity, p.file, p.place) == ("blocker", "reports.yaml", "allocations[0].year")
    assert p.message == "reports.yaml, allocations[0].year: ska vara ett heltal, inte '2023'"


def test_no_registry_folder(tmp_path: Path):
    [p] = check_delivery(tmp_path)
    assert p.severity == "blocker" and "raw/registry/" in p.message
