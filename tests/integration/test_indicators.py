"""What the indicators issue must show on the sample, read from the mart of the shared nightly
run: NRI Trygghet's assessment and reasons, districts, the goal roll-up, and the peer
comparison recomputed by hand from the recorded Kolada files themselves."""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.integration
OWN = "0484"


def test_nri_trygghet_2020_not_met_then_no_assessment_with_reason(
        mart: duckdb.DuckDBPyConnection) -> None:
    rows = {r[0]: r[1:] for r in mart.execute(
        "select year, target, outcome, assessment, assessment_label, no_assessment_reason, "
        "no_assessment_reason_label, outcome_status from marts.rpt_indicator_status "
        "where indicator_id = 'nri_trygghet' and area_id = '0484'").fetchall()}
    assert rows[2020][:4] == (45.0, 38.0, "ej_uppfyllt", "Ej uppfyllt")
    for year, target in ((2021, 47.0), (2022, 49.0)):
        assert rows[year] == (target, None, "bedomning_saknas", "Bedömning saknas",
                              "source_stopped",
                              "Källan har inte publicerat något utfall efter 2020", "..")


def test_district_indicators_show_per_district(mart: duckdb.DuckDBPyConnection) -> None:
    areas = mart.execute(
        "select indicator_id, count(distinct area_id) from marts.rpt_indicator_status "
        "where indicator_id in ('trygg_utomhus_kvall', 'oro_brott') group by 1 order by 1"
    ).fetchall()
    assert areas == [("oro_brott", 6), ("trygg_utomhus_kvall", 6)]  # five districts + whole
    got = {(r[0], r[1], r[2]): r[3:] for r in mart.execute(
        "select indicator_id, area_id, year, target, outcome, assessment, trend_vs_previous "
        "from marts.rpt_indicator_status where indicator_id in "
        "('trygg_utomhus_kvall', 'oro_brott')").fetchall()}
    # higher is better: a district target of its own, exactly half the way is delvis
    assert got[("trygg_utomhus_kvall", "froslunda", 2021)] == (50.0, 47.0, "delvis_uppfyllt",
                                                                "forbattrad")
    # at the target exactly; a change of exactly the tolerance (1.0) is oförändrad
    assert got[("trygg_utomhus_kvall", "0484", 2022)][2] == "uppfyllt"
    assert got[("trygg_utomhus_kvall", "arby", 2022)][3] == "oforandrad"
    # lower is better: at or below the target is uppfyllt; a rise is försämrad
    assert got[("oro_brott", "skiftinge", 2022)] == (20.0, 20.0, "uppfyllt", "forbattrad")
    assert got[("oro_brott", "centrum", 2022)] == (20.0, 19.0, "uppfyllt", "forsamrad")
    assert got[("oro_brott", "froslunda", 2021)] == (22.0, 35.5, "ej_uppfyllt", "forsamrad")
    dims = dict(mart.execute("select indicator_id, direction from marts.dim_indicators")
                .fetchall())
    assert dims["oro_brott"] == "lower_is_better" and dims["nri_trygghet"] == "higher_is_better"
    assert mart.execute("select count(*), bool_and(has_data) from marts.dim_areas").fetchall() \
        == [(6, True)]


def test_safety_goal_status_comes_from_its_indicators(mart: duckdb.DuckDBPyConnection) -> None:
    rows = {r[0]: r[1:] for r in mart.execute(
        "select year, status, status_label, status_colour, indicators_without_outcome, "
        "indicators from marts.rpt_goal_status where goal_name = "
        "'I Eskilstuna ska alla känna sig trygga'").fetchall()}
    assert rows[2020][:3] == ("ej_uppfyllt", "Ej uppfyllt", "röd")
    for year in (2021, 2022):
        # NRI has no outcome: the goal says so, and shows no colour
        assert rows[year][:4] == ("bedomning_saknas", "Bedömning saknas", None, "nri_trygghet")
    assert rows[2022][4] == "nri_trygghet, oro_brott, trygg_utomhus_kvall, unga_trygga_skolan"


def _kolada_by_hand(raw: Path) -> tuple[dict, set[str], int, int]:
    """Every T value in the recorded Kolada files, the group's members, and how many calls
    and pages the peers took, read with json alone."""
    values: dict[tuple[str, str, int], float | None] = {}
    members: set[str] = set()
    calls: set[str] = set()
    pages = 0
    for path in sorted((raw / "survey" / "kolada").glob("*.json")):
        if path.name.endswith(".meta.json"):
            continue
        doc = json.loads(path.read_text(encoding="utf-8"))
        if "members" in doc["values"][0]:
            members |= {m["id"] for g in doc["values"] for m in g["members"]}
            continue
        if "_peers-" in path.name:
            calls.add(path.name.rsplit("_p", 1)[0])
            pages += 1
        for row in doc["values"]:
            for cell in row["values"]:
                if cell["gender"] == "T":
                    values[(row["kpi"], row["municipality"], int(row["period"]))] = cell["value"]
    return values, members, len(calls), pages


def test_peer_rank_quartile_and_median_match_a_hand_computation(
        mart: duckdb.DuckDBPyConnection, sample_raw: Path) -> None:
    values, members, calls, pages = _kolada_by_hand(sample_raw)
    peers = members - {OWN}
    assert len(peers) >= 10 and calls > 2 and pages > calls  # >25 ids, and paged
    by_year: dict[tuple[str, int], dict[str, float]] = defaultdict(dict)
    for (kpi, code, year), value in values.items():
        if code in peers and value is not None:
            by_year[(kpi, year)][code] = value
    kpis = dict(mart.execute("select indicator_id, source_table from marts.dim_indicators "
                             "where source_kind = 'kolada'").fetchall())
    rows = mart.execute(
        "select indicator_id, year, outcome, peer_count, peer_median, peer_rank, "
        "peers_compared, peer_band, peer_band_colour from marts.rpt_indicator_status "
        "where peer_set_id is not null").fetchall()
    assert len(rows) == 7  # N15XX1 2020-2022, N15XX2 2019-2022
    bands = {"top": "grön", "middle": "gul", "bottom": "röd"}
    for indicator, year, outcome, count, median, rank, compared, band, colour in rows:
        peer_values = by_year[(kpis[indicator], year)]
        assert outcome == values[(kpis[indicator], OWN, year)]
        n = len(peer_values) + 1
        expected_rank = 1 + sum(v > outcome for v in peer_values.values())  # higher is better
        expected_band = ("top" if expected_rank <= n / 4
                         else "bottom" if expected_rank > 3 * n / 4 else "middle")
        assert (count, rank, compared, band, colour) == (
            len(peer_values), expected_rank, n, expected_band, bands[expected_band]), (
            indicator, year)
        assert median == pytest.approx(statistics.median(peer_values.values()))
    # the peer Kolada has no value for is not counted, and not a zero
    assert min(r[3] for r in rows) == len(peers) - 1
