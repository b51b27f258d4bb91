"""The sample's follow-up context for indicators, written beside the rest of the sample:

- raw/registry/mal_och_omraden.yaml: districts (areas), the goal tree, a peer set of comparable
  municipalities, and two indicators from the municipality's own trygghetsmätning;
- raw/survey/egna/trygghetsmatning.csv: those two indicators per district and for the whole
  municipality, 2020-2022 (invented figures, chosen so that every assessment and trend, and
  the exact boundaries, occur);
- raw/survey/kolada/: recorded Kolada answers for the peer set (the group's members, and the
  peers' values for the sample's two Kolada KPIs), paged and split into calls of at most 25
  ids exactly as `clients/kolada.py` fetches and names them.

District codes, the group id and every value are invented; the municipality codes of the
peers are real codes of Swedish municipalities.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import yaml

from orchestration.clients.kolada import id_batches, peer_file_stem

OWN = "0484"
KOLADA = "https://api.kolada.se/v3"
GROUP_ID = "G99484"
PER_PAGE = 40  # small pages, so the first call of 25 ids needs more than one
FETCHED_AT = "2023-06-01T05:00:00Z"

AREAS = [
    {"id": "centrum", "name": "Centrum", "kind": "stadsdel", "code": "0484S01"},
    {"id": "froslunda", "name": "Fröslunda", "kind": "stadsdel", "code": "0484S02"},
    {"id": "lagersberg", "name": "Lagersberg", "kind": "stadsdel", "code": "0484S03"},
    {"id": "skiftinge", "name": "Skiftinge", "kind": "stadsdel", "code": "0484S04"},
    {"id": "arby", "name": "Årby", "kind": "stadsdel", "code": "0484S05"},
]
DISTRICTS = [a["id"] for a in AREAS]

GOALS = [
    {"id": "vision_2030", "name": "Vision Eskilstuna 2030", "level": "vision"},
    {"id": "attraktiv_stad", "name": "Attraktiv stad och landsbygd", "level": "strategic",
     "parent": "vision_2030"},
    {"id": "alla_trygga", "name": "I Eskilstuna ska alla känna sig trygga", "level": "process",
     "parent": "attraktiv_stad", "indicators": ["nri_trygghet", "unga_trygga_skolan"],
     "initiatives": ["trygga_unga", "lovstod", "trygg_saker_skola", "trygga_unga_skolan",
                     "ovriga_trygghetsinsatser"]},
    {"id": "varna_demokrati", "name": "Värna demokrati", "level": "process",
     "parent": "attraktiv_stad"},
    {"id": "arbete_och_utbildning", "name": "Arbete och utbildning", "level": "strategic",
     "parent": "vision_2030"},
    {"id": "fler_i_arbete", "name": "Fler i arbete eller studier", "level": "process",
     "parent": "arbete_och_utbildning", "indicators": ["jobb_etablering"],
     "initiatives": ["jobbcentrum"]},
]

# (area, 2020, 2021, 2022); 2020 is the baseline year. Figures per indicator are picked so
# that uppfyllt at the target exactly, delvis at exactly half the way, and a change of exactly
# the tolerance (oförändrad) all occur, in both directions.
TRYGG_KVALL = [(OWN, 58.0, 60.5, 64.0), ("centrum", 66.0, 66.5, 63.0),
               ("froslunda", 44.0, 47.0, 51.0), ("lagersberg", 46.0, 45.5, 53.5),
               ("skiftinge", 48.0, 50.2, 49.0), ("arby", 60.0, 61.0, 62.0)]
ORO_BROTT = [(OWN, 24.0, 23.0, 21.0), ("centrum", 18.0, 17.0, 19.0),
             ("froslunda", 34.0, 35.5, 31.0), ("lagersberg", 31.0, 28.0, 26.0),
             ("skiftinge", 29.0, 25.0, 20.0), ("arby", 21.0, 22.0, 19.5)]

INDICATORS = [
    {
        "id": "trygg_utomhus_kvall",
        "name": "Invånare som känner sig trygga utomhus i sitt bostadsområde en sen kväll, "
                "andel (%)",
        "source": {"kind": "survey"},
        "unit": "percent",
        "higher_is_better": True,
        "tolerance": 1.0,
        "partial_share": 0.5,
        "areas": [OWN, *DISTRICTS],
        "baseline": {"year": 2020},
        "targets": {2021: 62, 2022: 64},
        "area_targets": {a: {2021: 50, 2022: 53} for a in ("froslunda", "lagersberg",
                                                           "skiftinge")},
        "goal": "alla_trygga",
        "initiatives": ["ovriga_trygghetsinsatser"],
    },
    {
        "id": "oro_brott",
        "name": "Invånare som ofta oroar sig för att utsättas för brott, andel (%)",
        "source": {"kind": "survey"},
        "unit": "percent",
        "higher_is_better": False,
        "tolerance": 1.0,
        "areas": [OWN, *DISTRICTS],
        "baseline": {"year": 2020},
        "targets": {2021: 22, 2022: 20},
        "goal": "alla_trygga",
        "initiatives": ["ovriga_trygghetsinsatser"],
    },
]

# Real municipality codes (larger towns); the group itself is invented.
PEERS = ["0184", "0380", "0480", "0486", "0580", "0581", "0583", "0680", "0780", "0880",
         "0980", "1080", "1281", "1282", "1283", "1287", "1290", "1380", "1384", "1488",
         "1490", "1780", "1880", "1980", "2080", "2081", "2180", "2281", "2480", "2580"]
# The sample's own outcomes are in the existing Kolada files; peers get invented values.
PEER_KPIS = {"N15XX1": ([2020, 2021, 2022], 70.0, 88.0),
             "N15XX2": ([2019, 2020, 2021, 2022], 26.0, 42.0)}
PEER_WITHOUT_VALUE = ("N15XX1", "1287", 2021)  # a peer Kolada has no value for: null + status


def _dump_yaml(path: Path, doc: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100),
                    encoding="utf-8")


def _dump_json(path: Path, doc: Any) -> None:
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _registry(folder: Path) -> None:
    _dump_yaml(folder / "mal_och_omraden.yaml", {
        "areas": AREAS,
        "goals": GOALS,
        "peer_sets": [{"id": "jamforbara_kommuner", "name": "Jämförbara kommuner (påhittad "
                       "kommungrupp)", "kolada_group": GROUP_ID, "default": True}],
        "indicators": INDICATORS,
    })


def _own_measurements(folder: Path) -> None:
    lines = ["indicator;year;area;value;status"]
    for indicator, rows in (("trygg_utomhus_kvall", TRYGG_KVALL), ("oro_brott", ORO_BROTT)):
        for area, *values in rows:
            for year, value in zip((2020, 2021, 2022), values, strict=True):
                number = f"{value:.1f}".replace(".", ",")
                lines.append(f"{indicator};{year};{'' if area == OWN else area};{number};")
    (folder / "trygghetsmatning.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def peer_values(seed: int = 484) -> dict[tuple[str, str, int], float | None]:
    """The peers' invented values per (kpi, municipality, year)."""
    rng = random.Random(seed)
    values: dict[tuple[str, str, int], float | None] = {}
    for kpi, (years, low, high) in PEER_KPIS.items():
        for code in PEERS:
            for year in years:
                values[(kpi, code, year)] = round(rng.uniform(low, high), 1)
    values[PEER_WITHOUT_VALUE] = None
    return values


def _data_row(kpi: str, code: str, year: int, value: float | None) -> dict[str, Any]:
    cells = [{"gender": "T", "status": ".." if value is None else "", "value": value}]
    return {"kpi": kpi, "municipality": code, "period": year, "values": cells}


def _kolada(folder: Path) -> None:
    group = {"count": 1, "values": [{"id": GROUP_ID, "title": "Jämförbara kommuner (påhittad)",
                                     "members": [{"id": c} for c in sorted([OWN, *PEERS])]}]}
    _dump_json(folder / f"kolada_group_{GROUP_ID}.json", group)
    _dump_json(folder / f"kolada_group_{GROUP_ID}.json.meta.json", {
        "request_url": f"{KOLADA}/municipality_group/{GROUP_ID}", "fetched_at": FETCHED_AT,
        "status": 200, "municipality_group": GROUP_ID})
    values = peer_values()
    for kpi, (years, _, _) in PEER_KPIS.items():
        for batch in id_batches(PEERS):
            rows = [_data_row(kpi, c, y, values[(kpi, c, y)]) for c in batch for y in years]
            stem = peer_file_stem(kpi, batch, years)
            url = (f"{KOLADA}/data/kpi/{kpi}/municipality/{','.join(batch)}/year/"
                   + ",".join(str(y) for y in years))
            pages = [rows[i : i + PER_PAGE] for i in range(0, len(rows), PER_PAGE)]
            for n, page in enumerate(pages, start=1):
                page_url = f"{url}?per_page={PER_PAGE}" + (f"&page={n}" if n > 1 else "")
                nxt = f"{url}?per_page={PER_PAGE}&page={n + 1}" if n < len(pages) else None
                _dump_json(folder / f"{stem}_p{n}.json", {
                    "count": len(rows), "values": page, "next_url": nxt,
                    "previous_url": None if n == 1 else f"{url}?per_page={PER_PAGE}&page={n - 1}"})
                _dump_json(folder / f"{stem}_p{n}.json.meta.json", {
                    "request_url": page_url, "fetched_at": FETCHED_AT, "status": 200,
                    "source": "kolada", "kpi": kpi, "municipality": ",".join(batch),
                    "years": years, "page": n})


def write(raw_dir: Path) -> None:
    """Add the follow-up context to a sample already written into raw_dir."""
    _registry(raw_dir / "registry")
    (raw_dir / "survey" / "egna").mkdir(parents=True, exist_ok=True)
    _own_measurements(raw_dir / "survey" / "egna")
    (raw_dir / "survey" / "kolada").mkdir(parents=True, exist_ok=True)
    _kolada(raw_dir / "survey" / "kolada")
