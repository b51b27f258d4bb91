"""The sample's follow-up context (orchestration/sample/survey.py): it loads through the real
registry and survey readers, and the recorded Kolada peers need more than one call of 25 ids
and more than one page."""

from __future__ import annotations

import json
from pathlib import Path

from orchestration.readers.kolada import read_kolada, read_kolada_group
from orchestration.readers.registry import load_registry
from orchestration.readers.survey_csv import read_own_measurements


def test_areas_goals_and_own_measurements_load(sample_raw: Path) -> None:
    reg = load_registry(sample_raw / "registry")
    assert [a.id for a in reg.areas] == ["centrum", "froslunda", "lagersberg", "skiftinge",
                                         "arby"]
    assert {g.level for g in reg.goals} == {"vision", "strategic", "process"}
    own = read_own_measurements(sample_raw / "survey" / "egna" / "trygghetsmatning.csv")
    # two indicators, five districts and the whole municipality, 2020-2022
    assert own.num_rows == 2 * 6 * 3
    assert set(own.column("indicator").to_pylist()) == {"trygg_utomhus_kvall", "oro_brott"}
    by_id = {i.id: i for i in reg.indicators}
    assert by_id["oro_brott"].higher_is_better is False


def test_peers_span_calls_and_pages(sample_raw: Path) -> None:
    folder = sample_raw / "survey" / "kolada"
    group = read_kolada_group(folder / "kolada_group_G99484.json")
    peers = set(group.column("municipality").to_pylist()) - {"0484"}
    assert len(peers) == 30
    pages = sorted(folder.glob("kolada_N15XX1_peers-*_p*.json"))
    pages = [p for p in pages if not p.name.endswith(".meta.json")]
    calls = {p.name.rsplit("_p", 1)[0] for p in pages}
    assert len(calls) == 2 and len(pages) == 3
    table = read_kolada(pages)
    assert set(table.column("municipality").to_pylist()) == peers
    for page in pages:
        doc = json.loads(page.read_text(encoding="utf-8"))
        ids = {row["municipality"] for row in doc["values"]}
        assert len(ids) <= 25
    # one peer has no value for 2021: kept as null with Kolada's mark, not as zero
    missing = [r for r in table.to_pylist() if r["value"] is None]
    assert [(r["municipality"], r["period"], r["status"]) for r in missing] == [
        ("1287", 2021, "..")]
