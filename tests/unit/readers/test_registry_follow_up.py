"""The registry's areas, goal tree and peer sets, and the indicators' follow-up settings:
loaded into landing tables, and each broken reference named by file and key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from orchestration.readers.errors import SourceFileError
from orchestration.readers.registry import load_registry, registry_tables

REGISTRY = Path(__file__).resolve().parents[2] / "fixtures" / "registry"

FOLLOW_UP = """\
areas:
  - {id: froslunda, name: Fröslunda, code: "0484R017"}
  - {id: deso_1, name: DeSO 1, kind: deso, code: "0484C1010"}
goals:
  - {id: vision, name: Vision, level: vision}
  - {id: attraktiv, name: Attraktiv stad och landsbygd, level: strategic, parent: vision}
  - {id: trygga, name: I Eskilstuna ska alla känna sig trygga, level: process,
     parent: attraktiv, indicators: [nri_trygghet], initiatives: [lovstod]}
peer_sets:
  - {id: storstader, kolada_group: G124009, default: true}
  - {id: lista, municipalities: ["0180", 1280]}
indicators:
  - id: oro
    name: Oro för brott
    source: {kind: survey}
    higher_is_better: false
    tolerance: 1.5
    partial_share: 0.25
    areas: ["0484", froslunda]
    baseline: {year: 2020}
    targets: {2022: 20}
    area_targets: {froslunda: {2022: 30}}
    area_baselines: {froslunda: 35}
    goal: trygga
    peer_set: lista
"""


def _folder(tmp_path: Path, text: str = FOLLOW_UP) -> Path:
    target = tmp_path / "registry"
    shutil.copytree(REGISTRY, target)
    (target / "uppfoljning.yaml").write_text(text, encoding="utf-8")
    return target


def _reject(folder: Path) -> SourceFileError:
    with pytest.raises(SourceFileError) as info:
        load_registry(folder)
    return info.value


def _initiative_goal(folder: Path, goal: str) -> Path:
    governance = folder / "governance.yaml"
    text = governance.read_text(encoding="utf-8")
    assert "    name: Lovstöd\n" in text
    with_goal = text.replace("    name: Lovstöd\n", f"    name: Lovstöd\n    goal: {goal}\n")
    governance.write_text(with_goal, encoding="utf-8")
    return folder


def test_follow_up_context_reaches_the_landing_tables(tmp_path: Path) -> None:
    reg = load_registry(_initiative_goal(_folder(tmp_path), "attraktiv"))
    assert not [w for w in reg.warnings if "uppfoljning.yaml" in w]
    tables = {k: v.to_pylist() for k, v in registry_tables(reg).items()}
    areas = {r["area_id"]: (r["kind"], r["code"]) for r in tables["registry_areas"]}
    # the whole municipality is always an area, keyed by its code
    assert areas == {"0484": ("kommun", "0484"), "froslunda": ("stadsdel", "0484R017"),
                     "deso_1": ("deso", "0484C1010")}
    settings = {r["indicator_id"]: r for r in tables["registry_indicator_settings"]}
    assert (settings["oro"]["tolerance"], settings["oro"]["partial_share"]) == (1.5, 0.25)
    # undeclared: the documented defaults, the whole municipality only
    assert (settings["nri_trygghet"]["tolerance"], settings["nri_trygghet"]["partial_share"]) \
        == (0.0, 0.5)
    ind_areas = {(r["indicator_id"], r["area_id"]): r["baseline_value"]
                 for r in tables["registry_indicator_areas"]}
    assert ind_areas[("oro", "froslunda")] == 35.0 and ind_areas[("oro", "0484")] is None
    assert ind_areas[("nri_trygghet", "0484")] is None
    assert tables["registry_indicator_area_targets"] == [
        {"source_file": "uppfoljning.yaml", "indicator_id": "oro", "area_id": "froslunda",
         "year": 2022, "target": 30.0}]
    links = {(r["goal_id"], r["member_kind"], r["member_id"])
             for r in tables["registry_goal_links"]}
    assert links == {("trygga", "indicator", "nri_trygghet"), ("trygga", "initiative", "lovstod"),
                     ("trygga", "indicator", "oro"), ("attraktiv", "initiative", "lovstod")}
    members = [(r["peer_set_id"], r["municipality"]) for r in tables["registry_peer_set_members"]]
    assert members == [("lista", "0180"), ("lista", "1280")]  # 1280 unquoted is still a code
    assert [r["kolada_group"] for r in tables["registry_peer_sets"]] == ["G124009", None]


@pytest.mark.parametrize(
    ("old", "new", "key", "reason"),
    [
        ("parent: vision}", "parent: trygga}", "goals[1].parent",
         "ett mål på nivån strategic ska ligga under ett mål på nivån vision, men 'trygga' är "
         "process"),
        ("level: process,\n     parent: attraktiv,", "level: process,", "goals[2].parent",
         "ett mål på nivån process måste ange sitt överordnade mål (parent)"),
        ("goal: trygga", "goal: trygg", "indicators[0].goal",
         "målet 'trygg' finns inte i styrmodellen"),
        ('areas: ["0484", froslunda]', 'areas: ["0484", froslunda, fröslunda]',
         "indicators[0].areas[2]", "området 'fröslunda' finns inte i styrmodellen (areas)"),
        ("peer_set: lista", "peer_set: listan", "indicators[0].peer_set",
         "jämförelsegruppen 'listan' finns inte i styrmodellen"),
        ("partial_share: 0.25", "partial_share: 1.5", "indicators[0].partial_share",
         "ska vara över 0 och högst 1, inte 1.5"),
        ('municipalities: ["0180", 1280]', 'municipalities: ["180A"]',
         "peer_sets[1].municipalities[0]", "'180A' är inte en fyrsiffrig kommunkod"),
        ("kolada_group: G124009", "kolada_group: 124009", "peer_sets[0].kolada_group",
         "Koladas grupp-id börjar med G, inte '124009'"),
        ("indicators: [nri_trygghet]", "indicators: [nri]", "goals[2].indicators[0]",
         "indikatorn 'nri' finns inte i styrmodellen"),
        ("initiatives: [lovstod]", "initiatives: [lovstöd]", "goals[2].initiatives[0]",
         "satsningen 'lovstöd' finns inte i styrmodellen"),
    ],
)
def test_broken_follow_up_names_file_and_key(
    tmp_path: Path, old: str, new: str, key: str, reason: str
) -> None:
    assert old in FOLLOW_UP
    err = _reject(_folder(tmp_path, FOLLOW_UP.replace(old, new, 1)))
    assert (err.file, err.key, err.reason) == ("uppfoljning.yaml", key, reason)


def test_area_targets_need_the_area(tmp_path: Path) -> None:
    text = FOLLOW_UP.replace("area_targets: {froslunda:", "area_targets: {deso_1:")
    err = _reject(_folder(tmp_path, text))
    assert (err.key, err.reason) == (
        "indicators[0].area_targets.deso_1",
        "området 'deso_1' har målvärden men finns inte i indikatorns areas")


def test_an_indicator_in_two_goals_is_refused(tmp_path: Path) -> None:
    text = FOLLOW_UP.replace("indicators: [nri_trygghet]", "indicators: [nri_trygghet, oro]")
    text = text.replace("goal: trygga", "goal: attraktiv")
    err = _reject(_folder(tmp_path, text))
    assert (err.key, err.reason) == ("goals[2].indicators[1]",
                                     "indikatorn 'oro' anger själv målet 'attraktiv'")


def test_an_indicator_listed_by_two_goals_is_refused(tmp_path: Path) -> None:
    text = FOLLOW_UP.replace("level: strategic, parent: vision}",
                             "level: strategic, parent: vision, indicators: [nri_trygghet]}")
    err = _reject(_folder(tmp_path, text))
    assert (err.key, err.reason) == (
        "goals[2].indicators[0]",
        "indikatorn 'nri_trygghet' hör redan till målet 'attraktiv'; en indikator hör till ett mål")


def test_an_initiative_names_an_unknown_goal(tmp_path: Path) -> None:
    err = _reject(_initiative_goal(_folder(tmp_path), "trygghet"))
    assert (err.file, err.key, err.reason) == ("governance.yaml", "initiatives[1].goal",
                                               "målet 'trygghet' finns inte i styrmodellen")
