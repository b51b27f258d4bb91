"""SCB and Kolada clients against a local replay server: stored bytes, sidecars, /config
limits, retries, 429, timeouts and paging. Sleeping is faked; only the timeout test waits."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import pytest
from survey_replay import FakeTime, ReplayServer, Reply

from orchestration.clients.http import (
    HttpStatusError,
    RateLimiter,
    RetriesExhaustedError,
    is_sidecar,
    parse_retry_after,
    sidecar_path,
)
from orchestration.clients.kolada import KoladaClient
from orchestration.clients.scb import (
    IndicatorFetchError,
    ScbClient,
    count_cells,
    fetch_indicator_sources,
    split_selection,
)
from orchestration.readers.jsonstat import jsonstat_observations, read_jsonstat
from orchestration.readers.kolada import read_kolada

NO_LIMITS = json.dumps({"maxDataCells": 0, "maxCallsPerTimeWindow": 0, "timeWindow": 0})


def _scb(replay: ReplayServer, fake_time: FakeTime, **kw: object) -> ScbClient:
    return ScbClient(
        base_url=replay.url,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        **kw,  # type: ignore[arg-type]
    )


def _kolada(replay: ReplayServer, fake_time: FakeTime, **kw: object) -> KoladaClient:
    return KoladaClient(base_url=replay.url, sleep=fake_time.sleep, **kw)  # type: ignore[arg-type]


def _data_targets(replay: ReplayServer) -> list[str]:
    return [unquote(t) for t in replay.targets("/tables/")]


# --- SCB: stored bytes and sidecar ----------------------------------------------------------


def test_scb_fetch_stores_body_untouched_with_sidecar(
    replay: ReplayServer, fake_time: FakeTime, survey_fixtures: Path, tmp_path: Path
) -> None:
    body = (survey_fixtures / "nri_trygghet_jsonstat2.json").read_bytes()
    replay.add_json("/config", (survey_fixtures / "scb_config.json").read_bytes())
    replay.add_json("/tables/ME0003T/data", body)

    selection = {"Region": ["0484", "0180"], "ContentsCode": ["ME0003T1"], "Tid": ["from(2018)"]}
    paths = _scb(replay, fake_time).fetch_table("ME0003T", selection, tmp_path / "scb")

    assert len(paths) == 1
    assert paths[0].read_bytes() == body
    assert paths[0].name.startswith("scb_ME0003T_") and paths[0].name.endswith("_1.json")
    meta = json.loads(sidecar_path(paths[0]).read_text(encoding="utf-8"))
    assert meta["table_id"] == "ME0003T"
    assert meta["status"] == 200
    assert meta["fetched_at"].endswith("Z")
    assert meta["request_url"] == replay.url + replay.targets("/tables/")[0]
    assert meta["part"] == 1 and meta["parts"] == 1
    target = _data_targets(replay)[0]
    assert target == (
        "/tables/ME0003T/data?lang=sv&valueCodes[Region]=0484,0180"
        "&valueCodes[ContentsCode]=ME0003T1&valueCodes[Tid]=from(2018)&outputFormat=json-stat2"
    )
    # What was stored reads back, its table id recorded by the sidecar.
    obs = jsonstat_observations(paths[0])
    assert set(obs["table_id"].to_pylist()) == {"ME0003T"}
    assert obs.num_rows == 6
    assert not any(is_sidecar(p) for p in paths)


def test_scb_real_response_served_and_stored(
    replay: ReplayServer, fake_time: FakeTime, shared_pxweb: Path, tmp_path: Path
) -> None:
    source = shared_pxweb / "scb_v2_TAB4242_data_jsonstat2.json"
    if not source.is_file():
        pytest.skip("scb_v2_TAB4242_data_jsonstat2.json is absent")
    body = source.read_bytes()
    replay.add_json("/config", NO_LIMITS)
    replay.add_json("/tables/TAB4242/data", body)

    selection = {
        "Region": ["*"],
        "Verksomrkom": ["*"],
        "ContentsCode": ["000000A7"],
        "Tid": ["2024"],
    }
    paths = _scb(replay, fake_time).fetch_table("TAB4242", selection, tmp_path)

    assert [p.read_bytes() for p in paths] == [body]
    table = read_jsonstat(paths[0])
    assert table.num_rows == 286
    assert table["value"].null_count == 33


# --- SCB: /config limits ----------------------------------------------------------------------


def test_scb_splits_a_selection_above_max_cells(
    replay: ReplayServer, fake_time: FakeTime, survey_fixtures: Path, tmp_path: Path
) -> None:
    replay.add_json(
        "/config", json.dumps({"maxDataCells": 6, "maxCallsPerTimeWindow": 0, "timeWindow": 0})
    )
    replay.add_json(
        "/tables/T1/data", (survey_fixtures / "nri_trygghet_jsonstat2.json").read_bytes()
    )
    regions = ["0180", "0484", "1280", "1480", "0380"]
    selection = {"Region": regions, "ContentsCode": ["A", "B"], "Tid": ["2019", "2020", "2021"]}
    assert count_cells(selection) == 30

    paths = _scb(replay, fake_time).fetch_table("T1", selection, tmp_path)

    targets = _data_targets(replay)
    assert len(targets) == len(paths) == 5  # one region per call: 1 x 2 x 3 = 6 cells
    assert [t.split("valueCodes[Region]=")[1].split("&")[0] for t in targets] == regions
    assert all("valueCodes[ContentsCode]=A,B&valueCodes[Tid]=2019,2020,2021" in t for t in targets)
    assert len({p.name for p in paths}) == 5
    metas = [json.loads(sidecar_path(p).read_text(encoding="utf-8")) for p in paths]
    assert [m["part"] for m in metas] == [1, 2, 3, 4, 5]
    assert {m["parts"] for m in metas} == {5}
    assert replay.targets("/config") == ["/config"]  # read once


def test_split_selection_packs_chunks_and_keeps_expressions_whole() -> None:
    selection = {"Region": [f"{i:04d}" for i in range(10)], "Tid": ["2019", "2020"]}
    parts = split_selection(selection, 8)
    assert [len(p["Region"]) for p in parts] == [4, 4, 2]
    assert all(count_cells(p) <= 8 for p in parts)
    assert sum(count_cells(p) for p in parts) == 20

    nested = {"A": ["1", "2", "3"], "B": ["x", "y", "z"], "Tid": ["top(5)"]}
    parts = split_selection(nested, 2)
    assert all(p["Tid"] == ["top(5)"] for p in parts)
    assert all(count_cells(p) <= 2 for p in parts)
    assert sum(count_cells(p) for p in parts) == 9
    assert len(parts) == 6  # A one by one, then B in pairs: (x, y) and (z)

    assert split_selection(selection, None) == [selection]
    with pytest.raises(Exception, match="no dimension can be split further"):
        split_selection({"Region": ["0484", "top(2)"], "Tid": ["2019"]}, 1)


def test_scb_limiter_spaces_calls_when_quota_used(
    replay: ReplayServer, fake_time: FakeTime, survey_fixtures: Path, tmp_path: Path
) -> None:
    replay.add_json(
        "/config", json.dumps({"maxDataCells": 3, "maxCallsPerTimeWindow": 3, "timeWindow": 10})
    )
    replay.add_json(
        "/tables/T1/data", (survey_fixtures / "nri_trygghet_jsonstat2.json").read_bytes()
    )
    selection = {"Region": ["0180", "0484", "1280", "1480"], "Tid": ["2019", "2020", "2021"]}

    paths = _scb(replay, fake_time).fetch_table("T1", selection, tmp_path)

    assert len(paths) == 4
    # /config and the first two data calls fill the 3-per-10-s window; the third waits it out.
    assert fake_time.sleeps == [10.0]


def test_rate_limiter_sliding_window(fake_time: FakeTime) -> None:
    limiter = RateLimiter(2, 5, clock=fake_time.clock, sleep=fake_time.sleep)
    waits = [limiter.acquire() for _ in range(5)]
    assert waits == [0.0, 0.0, 5.0, 0.0, 5.0]
    fake_time.now += 100
    assert limiter.acquire() == 0.0


# --- retries, 429, timeouts, hard errors ------------------------------------------------------


def test_429_with_retry_after_then_success(
    replay: ReplayServer, fake_time: FakeTime, survey_fixtures: Path, tmp_path: Path
) -> None:
    body = (survey_fixtures / "nri_trygghet_jsonstat2.json").read_bytes()
    replay.add_json("/config", NO_LIMITS)
    replay.add(
        "/tables/T1/data",
        Reply(429, b'{"error": "Too many requests"}', {"Retry-After": "7"}),
        Reply(200, body),
    )
    paths = _scb(replay, fake_time).fetch_table("T1", {"Tid": ["2020"]}, tmp_path)

    assert fake_time.sleeps == [7.0]
    assert len(replay.targets("/tables/")) == 2
    assert paths[0].read_bytes() == body


def test_server_errors_back_off_then_give_up(
    replay: ReplayServer, fake_time: FakeTime, tmp_path: Path
) -> None:
    replay.add_json("/config", NO_LIMITS)
    replay.add_json("/tables/T1/data", '{"error": "down"}', status=503)
    client = _scb(replay, fake_time, max_retries=3, backoff_base=0.5)

    with pytest.raises(RetriesExhaustedError, match=r"after 4 attempts; last failure: HTTP 503"):
        client.fetch_table("T1", {"Tid": ["2020"]}, tmp_path)
    assert fake_time.sleeps == [0.5, 1.0, 2.0]
    assert len(replay.targets("/tables/")) == 4
    assert list(tmp_path.iterdir()) == []  # nothing half-stored


def test_timeout_retries_then_clear_error(
    replay: ReplayServer, fake_time: FakeTime, tmp_path: Path
) -> None:
    replay.add_json("/config", NO_LIMITS)
    replay.add("/tables/T1/data", Reply(200, b"{}", delay=1.5))
    client = _scb(replay, fake_time, timeout=0.2, max_retries=2)

    with pytest.raises(RetriesExhaustedError) as caught:
        client.fetch_table("T1", {"Tid": ["2020"]}, tmp_path)
    assert "after 3 attempts" in str(caught.value)
    assert "within the 0.2 s timeout" in str(caught.value)
    assert fake_time.sleeps == [1.0, 2.0]
    assert len(replay.targets("/tables/")) == 3


def test_non_retryable_status_raises_at_once(
    replay: ReplayServer, fake_time: FakeTime, tmp_path: Path
) -> None:
    replay.add_json("/config", NO_LIMITS)
    replay.add_json("/tables/T1/data", '{"title": "Too many cells selected"}', status=403)

    with pytest.raises(HttpStatusError, match="HTTP 403 .*more cells than the API allows") as c:
        _scb(replay, fake_time).fetch_table("T1", {"Tid": ["2020"]}, tmp_path)
    assert c.value.status == 403
    assert len(replay.targets("/tables/")) == 1
    assert fake_time.sleeps == []


def test_retry_after_longer_than_we_wait_gives_up(
    replay: ReplayServer, fake_time: FakeTime, tmp_path: Path
) -> None:
    replay.add_json("/config", NO_LIMITS)
    replay.add_json("/tables/T1/data", "{}", status=429, headers={"Retry-After": "3600"})
    with pytest.raises(RetriesExhaustedError, match="asking to wait 3600 s"):
        _scb(replay, fake_time).fetch_table("T1", {"Tid": ["2020"]}, tmp_path)
    assert fake_time.sleeps == []


def test_parse_retry_after_forms() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 1, 5, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("12", now) == 12.0
    assert parse_retry_after("Mon, 05 Jan 2026 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_connection_refused_is_retried(fake_time: FakeTime, tmp_path: Path) -> None:
    client = ScbClient(
        base_url="http://127.0.0.1:9", max_retries=1, sleep=fake_time.sleep, clock=fake_time.clock
    )
    with pytest.raises(RetriesExhaustedError, match="connection failed"):
        client.fetch_table("T1", {"Tid": ["2020"]}, tmp_path)
    assert fake_time.sleeps == [1.0]


# --- Kolada -----------------------------------------------------------------------------------


def test_kolada_follows_next_url_through_every_page(
    replay: ReplayServer, fake_time: FakeTime, survey_fixtures: Path, tmp_path: Path
) -> None:
    path = "/data/kpi/U07414/municipality/0484/year/2019,2020,2021,2022"
    page1 = (survey_fixtures / "kolada_U07414_0484_2019-2022_p1.json").read_bytes()
    page2 = (survey_fixtures / "kolada_U07414_0484_2019-2022_p2.json").read_bytes()
    replay.add_json(path, page1)
    replay.add_json(path + "?page=2&per_page=2", page2)

    paths = _kolada(replay, fake_time).fetch_kpi(
        "U07414", "0484", [2022, 2019, 2020, 2021], tmp_path
    )

    assert replay.targets() == [path, path + "?page=2&per_page=2"]
    assert [p.name for p in paths] == [
        "kolada_U07414_0484_2019-2022_p1.json",
        "kolada_U07414_0484_2019-2022_p2.json",
    ]
    assert paths[0].read_bytes() == page1.replace(b"{{BASE}}", replay.url.encode())
    assert paths[1].read_bytes() == page2.replace(b"{{BASE}}", replay.url.encode())
    meta = json.loads(sidecar_path(paths[1]).read_text(encoding="utf-8"))
    assert meta["request_url"] == replay.url + path + "?page=2&per_page=2"
    assert meta["page"] == 2 and meta["kpi"] == "U07414"
    assert read_kolada(paths).num_rows == 6


def test_kolada_refuses_paging_elsewhere_or_in_circles(
    replay: ReplayServer, fake_time: FakeTime, tmp_path: Path
) -> None:
    replay.add_json(
        "/data/kpi/N1/year/2020", '{"values": [], "next_url": "https://evil.example/x"}'
    )
    with pytest.raises(Exception, match="another host"):
        _kolada(replay, fake_time).fetch_kpi("N1", None, [2020], tmp_path)

    replay.add_json(
        "/data/kpi/N2/year/2020", '{"values": [], "next_page": "{{BASE}}/data/kpi/N2/year/2020"}'
    )
    with pytest.raises(Exception, match="does not end"):
        _kolada(replay, fake_time).fetch_kpi("N2", None, [2020], tmp_path)


def test_kolada_429_then_success(replay: ReplayServer, fake_time: FakeTime, tmp_path: Path) -> None:
    route = "/data/kpi/N1/municipality/0484/year/2020"
    replay.add(route, Reply(429, b"{}", {"Retry-After": "2"}), Reply(200, b'{"values": []}'))
    paths = _kolada(replay, fake_time).fetch_kpi("N1", "0484", [2020], tmp_path)
    assert len(paths) == 1
    assert fake_time.sleeps == [2.0]


# --- indicators from the registry ---------------------------------------------------------------


def test_fetch_indicator_sources(
    replay: ReplayServer, fake_time: FakeTime, survey_fixtures: Path, tmp_path: Path
) -> None:
    replay.add_json("/config", (survey_fixtures / "scb_config.json").read_bytes())
    replay.add_json(
        "/tables/ME0003T/data", (survey_fixtures / "nri_trygghet_jsonstat2.json").read_bytes()
    )
    kolada_path = "/data/kpi/U07414/municipality/0484/year/2019,2020,2021,2022"
    replay.add_json(
        kolada_path, (survey_fixtures / "kolada_U07414_0484_2019-2022_p1.json").read_bytes()
    )
    replay.add_json(
        kolada_path + "?page=2&per_page=2",
        (survey_fixtures / "kolada_U07414_0484_2019-2022_p2.json").read_bytes(),
    )
    indicators = [
        {
            "id": "nri_trygghet",
            "source": {
                "kind": "scb",
                "table": "ME0003T",
                "contents_code": "ME0003T1",
                "region": "0484",
            },
            "baseline": {"year": 2019, "value": 40},
            "targets": {2020: 45, 2021: 47, 2022: 49},
        },
        {
            "id": "nri_trygghet_sthlm",
            "source": {
                "kind": "scb",
                "table": "ME0003T",
                "contents_code": "ME0003T1",
                "region": "0180",
            },
            "baseline": {"year": 2018, "value": 50},
        },
        {
            "id": "trygg_kolada",
            "source": {"kind": "kolada", "kpi": "U07414"},
            "baseline": {"year": 2019, "value": 60},
            "targets": {"2022": 65},
        },
        {"id": "typo", "source": {"kind": "scbb", "table": "X"}},
        {"id": "half_year", "source": {"kind": "kolada", "kpi": "N9"}, "targets": {"2022-H1": 1}},
    ]
    scb = _scb(replay, fake_time)
    kolada = _kolada(replay, fake_time)

    with pytest.raises(IndicatorFetchError) as caught:
        fetch_indicator_sources(indicators, tmp_path, scb, kolada, default_municipality="0484")

    assert caught.value.failures == [
        "typo: unknown source kind 'scbb'",
        "half_year: '2022-H1' is not a year",
    ]
    written = caught.value.paths
    assert [p.parent.name for p in written] == ["scb", "kolada", "kolada"]
    # Both SCB indicators on the same table share one request.
    assert _data_targets(replay) == [
        "/tables/ME0003T/data?lang=sv&valueCodes[Region]=0180,0484"
        "&valueCodes[ContentsCode]=ME0003T1&valueCodes[Tid]=from(2018)&outputFormat=json-stat2"
    ]
    assert kolada_path in replay.targets("/data/")


def test_fetch_indicator_sources_all_good(
    replay: ReplayServer, fake_time: FakeTime, tmp_path: Path
) -> None:
    replay.add_json("/data/kpi/N1/year/2020,2021", '{"values": []}')
    indicators = [
        {"id": "a", "source": {"kind": "kolada", "kpi": "N1"}, "targets": {2020: 1, 2021: 2}}
    ]
    paths = fetch_indicator_sources(
        indicators, tmp_path, _scb(replay, fake_time), _kolada(replay, fake_time)
    )
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == [
        "kolada/kolada_N1_all_2020-2021_p1.json"
    ]
    assert replay.targets("/config") == []  # no SCB source, no SCB call
