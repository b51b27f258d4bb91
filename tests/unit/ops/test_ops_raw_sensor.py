"""The raw/ sensor against real files in a temporary RAW_DIR, evaluated with the real code
location so that the requested selections are resolved on the real asset graph."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import dagster as dg
import pytest

from orchestration.defs import keys
from orchestration.defs import sensors as raw_sensor


@pytest.fixture()
def raw_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    monkeypatch.setenv("RAW_DIR", str(raw))
    monkeypatch.setenv(raw_sensor.SETTLE_ENV, "0")
    # a warehouse that has been built and published once: drops then start partial runs
    published = tmp_path / "warehouse" / "published"
    published.mkdir(parents=True)
    (published / "VERSION.json").write_text('{"version": "20260115T010203Z"}')
    monkeypatch.setenv("WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    return raw


def tick(defs: dg.Definitions, cursor: str | None) -> dg.SensorExecutionData:
    sensor = defs.resolve_sensor_def("raw_files_sensor")
    # an instance, as the daemon gives: payroll's dynamic month partitions live there
    with dg.instance_for_test() as instance, dg.build_sensor_context(
            cursor=cursor, definitions=defs, instance=instance,
            instance_ref=instance.get_ref()) as context:  # closed: it opens an instance
        return sensor.evaluate_tick(context)


def drop(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def selected(request: dg.RunRequest) -> set[str]:
    return {k.to_user_string() for k in request.asset_selection or []}


def downstream(defs: dg.Definitions, key: dg.AssetKey) -> set[str]:
    graph = defs.resolve_asset_graph()
    return {k.to_user_string() for k in dg.AssetSelection.assets(key).downstream().resolve(graph)}


def test_drops_start_runs_of_their_source_and_downstream_only(
        ops_defs: dg.Definitions, raw_dir: Path, sample_raw: Path) -> None:
    first = tick(ops_defs, None)
    assert not first.run_requests and first.skip_message
    cursor = first.cursor

    # a new month of payroll: landing/payroll and everything that depends on it
    drop(sample_raw / "payroll" / "lon_2023-05.csv", raw_dir / "payroll" / "lon_2023-05.csv")
    result = tick(ops_defs, cursor)
    [request] = result.run_requests
    names = selected(request)
    assert names == downstream(ops_defs, keys.PAYROLL)
    assert {"landing/payroll", "staging/stg_payroll__monthly", "marts/fct_payroll_monthly",
            "published/mart"} <= names
    assert "landing/ledger" not in names and "landing/registry" not in names
    assert request.tags["uppfoljning/sources"] == "payroll"
    assert request.partition_key == "2023-05"  # that month's partition only
    assert [r.partition_keys for r in result.dynamic_partitions_requests] == [["2023-05"]]
    assert request.tags["dagster/max_retries"] == "2"
    # the request is a launchable subset of the nightly job, with the checks of its assets
    subset = ops_defs.resolve_job_def("nightly").get_subset(
        asset_selection=set(request.asset_selection))
    assert subset.asset_layer.asset_graph.asset_check_keys
    # the same change evaluated again from the same cursor gives the same run key
    assert tick(ops_defs, cursor).run_requests[0].run_key == request.run_key
    cursor = result.cursor

    again = tick(ops_defs, cursor)
    assert not again.run_requests and "Inga nya" in again.skip_message

    ledger = drop(sample_raw / "ledger" / "eskilstuna_2023.se",
                  raw_dir / "ledger" / "eskilstuna_2023.se")
    result = tick(ops_defs, cursor)
    [request] = result.run_requests
    assert "landing/ledger" in selected(request)
    # a ledger file alone: the latest month it holds vouchers for (its last #VER), up to the
    # as-of date: the sample's 2023 file runs to May
    assert request.partition_key == "2023-05"
    cursor = result.cursor

    # a corrected ledger file: the ledger and its downstream, not payroll, not the registry
    with ledger.open("ab") as f:
        f.write(b'#TRANS 5010 {} 100.00\r\n')
    result = tick(ops_defs, cursor)
    [changed] = result.run_requests
    names = selected(changed)
    assert names == downstream(ops_defs, keys.LEDGER)
    assert "landing/ledger" in names
    assert not names & {"landing/payroll", "landing/registry", "landing/grants"}
    assert changed.run_key != request.run_key
    assert tick(ops_defs, result.cursor).skip_message


def test_a_new_month_of_payroll_and_ledger_is_one_run_of_that_month(
        ops_defs: dg.Definitions, raw_dir: Path, sample_raw: Path) -> None:
    (raw_dir / "AS_OF_DATE").write_text("2023-06-15\n")
    drop(sample_raw / "ledger" / "eskilstuna_2022.se", raw_dir / "ledger" / "eskilstuna_2022.se")
    cursor = tick(ops_defs, None).cursor
    # the month's payroll file and the year's ledger exported again with the month in it
    drop(sample_raw / "payroll" / "lon_2023-05.csv", raw_dir / "payroll" / "lon_2023-05.csv")
    drop(sample_raw / "ledger" / "eskilstuna_2023.se", raw_dir / "ledger" / "eskilstuna_2023.se")
    result = tick(ops_defs, cursor)
    [request] = result.run_requests
    assert request.partition_key == "2023-05"
    assert selected(request) == downstream(ops_defs, keys.PAYROLL) | downstream(ops_defs,
                                                                                keys.LEDGER)
    assert [r.partition_keys for r in result.dynamic_partitions_requests] == [["2023-05"]]
    # both partitioned sources share one partitions definition, so the run resolves
    ops_defs.resolve_job_def("nightly").get_subset(asset_selection=set(request.asset_selection))


@pytest.mark.parametrize(("files", "month"), [
    (["payroll/lon_2023-05.csv"], "2023-05"),
    (["payroll/lon_2023-04.csv", "payroll/lon_2023-05.csv"], None),  # two months: no key
    (["ledger/eskilstuna_2023.se"], "2023-05"),  # the last month it has vouchers for
    (["ledger/eskilstuna_2022.se"], "2022-12"),  # a closed year: its last month
    (["ledger/eskilstuna_2022.se", "payroll/lon_2023-05.csv"], None),  # they disagree
    (["ledger/eskilstuna_2023.se", "grants/decisions.csv"], None),  # not a monthly source
])
def test_month_of_a_change(sample_raw: Path, files: list[str], month: str | None) -> None:
    assert all((sample_raw / f).exists() for f in files)
    as_of = raw_sensor.date(2023, 6, 15)
    assert raw_sensor.month_of_change(sample_raw, files, as_of) == month


def test_a_ledger_file_without_a_fiscal_year_gives_no_month(tmp_path: Path) -> None:
    (tmp_path / "ledger").mkdir()
    (tmp_path / "ledger" / "bad.se").write_bytes(b'#FLAGGA 0\r\n#VER A 1 20230105 ""\r\n')
    assert raw_sensor.month_of_change(tmp_path, ["ledger/bad.se"],
                                      raw_sensor.date(2023, 6, 15)) is None


def test_sidecars_hidden_files_and_files_outside_sources_are_ignored(
        ops_defs: dg.Definitions, raw_dir: Path) -> None:
    cursor = tick(ops_defs, None).cursor
    (raw_dir / "survey" / "scb").mkdir(parents=True)
    (raw_dir / "survey" / "scb" / "tab.json.meta.json").write_text("{}")
    (raw_dir / "survey" / "scb" / ".tab.json.x1y2.tmp").write_text("{")
    (raw_dir / "AS_OF_DATE").write_text("2023-06-15\n")
    (raw_dir / "other").mkdir()
    (raw_dir / "other" / "notes.txt").write_text("x")
    result = tick(ops_defs, cursor)
    assert not result.run_requests

    (raw_dir / "survey" / "scb" / "tab.json").write_text("{}")
    [request] = tick(ops_defs, result.cursor).run_requests
    assert "landing/survey" in selected(request)
    assert "raw/survey_fetch" not in selected(request)  # the live fetch never runs from here


def test_a_file_still_being_written_waits_for_the_next_tick(
        ops_defs: dg.Definitions, raw_dir: Path, sample_raw: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(raw_sensor.SETTLE_ENV, "30")
    cursor = tick(ops_defs, None).cursor
    target = drop(sample_raw / "grants" / "decisions.csv", raw_dir / "grants" / "decisions.csv")
    waiting = tick(ops_defs, cursor)
    assert not waiting.run_requests and "Väntar" in waiting.skip_message

    past = time.time() - 60  # the copy finished a minute ago
    os.utime(target, (past, past))
    [request] = tick(ops_defs, waiting.cursor).run_requests
    assert "landing/grants" in selected(request)


def test_changes_in_two_sources_in_one_tick_make_one_run(
        ops_defs: dg.Definitions, raw_dir: Path, sample_raw: Path) -> None:
    cursor = tick(ops_defs, None).cursor
    drop(sample_raw / "grants" / "reports.csv", raw_dir / "grants" / "reports.csv")
    drop(sample_raw / "reports" / "delivered.csv", raw_dir / "reports" / "delivered.csv")
    [request] = tick(ops_defs, cursor).run_requests
    assert selected(request) == downstream(ops_defs, keys.GRANTS) | downstream(ops_defs,
                                                                               keys.REPORTS)
    assert request.tags["uppfoljning/sources"] == "grants,reports"


def test_removed_files_move_the_cursor_without_a_run(
        ops_defs: dg.Definitions, raw_dir: Path, sample_raw: Path) -> None:
    month = "lon_2023-04.csv"
    target = drop(sample_raw / "payroll" / month, raw_dir / "payroll" / month)
    cursor = tick(ops_defs, None).cursor
    target.unlink()
    result = tick(ops_defs, cursor)
    assert not result.run_requests and "borttagna" in result.skip_message
    assert raw_sensor.decode_cursor(result.cursor) == {}


def test_before_the_first_publication_a_drop_runs_the_whole_nightly_job(
        ops_defs: dg.Definitions, raw_dir: Path, sample_raw: Path, tmp_path: Path) -> None:
    (tmp_path / "warehouse" / "published" / "VERSION.json").unlink()
    cursor = tick(ops_defs, None).cursor
    drop(sample_raw / "payroll" / "lon_2023-05.csv", raw_dir / "payroll" / "lon_2023-05.csv")
    [request] = tick(ops_defs, cursor).run_requests
    nightly = ops_defs.resolve_job_def("nightly").asset_layer.asset_graph
    assert set(request.asset_selection) == set(nightly.materializable_asset_keys)
    assert "raw/survey_fetch" not in selected(request)


def test_the_sensor_sees_content_not_only_size_and_time(
        ops_defs: dg.Definitions, raw_dir: Path, sample_raw: Path) -> None:
    import os

    cursor = tick(ops_defs, None).cursor
    path = drop(sample_raw / "payroll" / "lon_2023-05.csv", raw_dir / "payroll" / "lon_2023-05.csv")
    result = tick(ops_defs, cursor)
    assert result.run_requests
    cursor = result.cursor
    # touched only: same content, no run
    os.utime(path)
    assert not tick(ops_defs, cursor).run_requests
    # rewritten with the same size and modification time: a run
    before = path.stat()
    data = path.read_bytes()
    at = data.rindex(b";1")
    path.write_bytes(data[:at] + b";2" + data[at + 2:])
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    assert tick(ops_defs, cursor).run_requests
