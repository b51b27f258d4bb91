"""Comparable municipalities from Kolada against the local replay server: calls of at most 25
ids, every page through next_url, a 429 with Retry-After, a timeout, and a municipality group
resolved to its members. Sleeping is faked; only the timeout test waits (0.2 s)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from survey_replay import FakeTime, ReplayServer, Reply

from orchestration.clients.http import RetriesExhaustedError
from orchestration.clients.kolada import KoladaClient, id_batches, peer_file_stem
from orchestration.defs.survey.fetch import fetch_peer_values
from orchestration.readers.kolada import read_kolada, read_kolada_group
from orchestration.readers.registry import load_registry

PEERS = [f"{n:04d}" for n in range(1001, 1031)]  # 30 peers: one call of 25, one of 5
YEARS = [2020, 2021]
REGISTRY = Path(__file__).resolve().parents[2] / "fixtures" / "registry"


def _client(replay: ReplayServer, fake_time: FakeTime, **kw: object) -> KoladaClient:
    return KoladaClient(base_url=replay.url, sleep=fake_time.sleep, **kw)  # type: ignore[arg-type]


def _rows(codes: list[str]) -> list[dict]:
    return [{"kpi": "N1", "municipality": c, "period": y,
             "values": [{"gender": "T", "status": "", "value": float(c[-2:]) + y - 2000}]}
            for c in codes for y in YEARS]


def _page(rows: list[dict], next_url: str | None) -> bytes:
    return json.dumps({"count": len(rows), "values": rows, "next_url": next_url}).encode()


def _route(codes: list[str]) -> str:
    return f"/data/kpi/N1/municipality/{','.join(codes)}/year/2020,2021"


def test_peers_in_calls_of_25_ids_every_page_and_a_429(
    replay: ReplayServer, fake_time: FakeTime, tmp_path: Path
) -> None:
    first, second = id_batches(PEERS)
    assert (len(first), len(second)) == (25, 5)
    rows = _rows(first)
    page2 = _route(first) + "?page=2"
    replay.add(_route(first), Reply(429, b"{}", {"Retry-After": "3"}),
               Reply(200, _page(rows[:30], "{{BASE}}" + page2)))
    replay.add_json(page2, _page(rows[30:], None))
    replay.add_json(_route(second), _page(_rows(second), None))

    paths = _client(replay, fake_time).fetch_peers("N1", reversed(PEERS), YEARS, tmp_path)

    targets = replay.targets("/data/")
    assert targets == [_route(first), _route(first), page2, _route(second)]
    for target in targets:
        ids = target.split("/municipality/")[1].split("/")[0].split(",")
        assert len(ids) <= 25
    assert fake_time.sleeps == [3.0]  # Kolada's Retry-After, not our own backoff
    stems = [peer_file_stem("N1", first, YEARS), peer_file_stem("N1", second, YEARS)]
    assert [p.name for p in paths] == [f"{stems[0]}_p1.json", f"{stems[0]}_p2.json",
                                       f"{stems[1]}_p1.json"]
    table = read_kolada(paths)
    assert table.num_rows == 60
    assert sorted(set(table.column("municipality").to_pylist())) == PEERS


def test_a_peer_call_that_times_out_is_retried_then_named(
    replay: ReplayServer, fake_time: FakeTime, tmp_path: Path
) -> None:
    codes = PEERS[:3]
    replay.add(_route(codes), Reply(200, _page(_rows(codes), None), delay=0.5))
    with pytest.raises(RetriesExhaustedError) as caught:
        _client(replay, fake_time, timeout=0.2, max_retries=1).fetch_peers(
            "N1", codes, YEARS, tmp_path)
    assert "within the 0.2 s timeout" in str(caught.value)
    assert len(replay.targets("/data/")) == 2
    assert not list(tmp_path.glob("*.json"))  # nothing half-stored


def test_missing_values_keep_their_status_never_zero(
    replay: ReplayServer, fake_time: FakeTime, tmp_path: Path
) -> None:
    codes = PEERS[:2]
    rows = _rows(codes)
    rows[0]["values"][0].update(value=None, status="..")
    rows[1]["isdeleted"] = True  # withdrawn by Kolada: not read
    replay.add_json(_route(codes), _page(rows, None))
    table = read_kolada(_client(replay, fake_time).fetch_peers("N1", codes, YEARS, tmp_path))
    assert table.num_rows == 3
    first = table.slice(0, 1).to_pylist()[0]
    assert (first["value"], first["status"]) == (None, "..")


def test_group_peer_set_is_resolved_and_fetched(
    replay: ReplayServer, fake_time: FakeTime, tmp_path: Path
) -> None:
    registry = tmp_path / "registry"
    shutil.copytree(REGISTRY, registry)
    (registry / "peers.yaml").write_text(
        "peer_sets:\n  - {id: grupp, kolada_group: G7, municipalities: ['1001'], default: true}\n",
        encoding="utf-8")
    members = {"values": [{"id": "G7", "title": "Grupp", "members": [
        {"id": "0484", "title": "Eskilstuna"}, {"id": "1002", "title": "B"}]}]}
    replay.add_json("/municipality_group/G7", json.dumps(members))
    route = "/data/kpi/U07402/municipality/1001,1002"  # no targets: every year
    replay.add_json(route, _page(_rows(["1001", "1002"]), None))

    paths = fetch_peer_values(load_registry(registry), _client(replay, fake_time), tmp_path)

    assert [p.name for p in paths][0] == "kolada_group_G7.json"
    group = read_kolada_group(paths[0]).to_pylist()
    assert [(g["group_id"], g["municipality"]) for g in group] == [("G7", "0484"), ("G7", "1002")]
    # the municipality itself is in its group but is never fetched as its own peer
    assert replay.targets("/data/") == [route]
