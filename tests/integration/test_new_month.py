"""A controller drops next month's payroll and the year's ledger exported again: the raw/
sensor asks for that month's partition of both and everything downstream, and that run (real
Dagster, dbt, GX, publication) brings the month into the published mart without reading
the other months' files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from sie_split import with_vouchers

from orchestration.defs import sensors as raw_sensor

pytestmark = pytest.mark.integration

MONTH = "2023-05"
# a balanced voucher in the new month, outside the programme's codes
NEW_VOUCHER = (b'#VER A 99001 20230531 "Ny m\x86nad"\r\n{\r\n   #TRANS 5010 {} 1234.00\r\n'
               b'   #TRANS 1930 {} -1234.00\r\n}\r\n')


@pytest.fixture()
def month_env(tmp_path: Path, sample_raw: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    raw = tmp_path / "raw"
    shutil.copytree(sample_raw, raw)
    held = tmp_path / "held"
    held.mkdir()
    shutil.move(raw / "payroll" / f"lon_{MONTH}.csv", held / f"lon_{MONTH}.csv")
    for name, value in (("RAW_DIR", raw), ("WAREHOUSE_DIR", tmp_path / "warehouse"),
                        ("DAGSTER_HOME", tmp_path / "dagster_home")):
        monkeypatch.setenv(name, str(value))
    monkeypatch.setenv(raw_sensor.SETTLE_ENV, "0")
    (tmp_path / "dagster_home").mkdir()
    return {"raw": raw, "held": held, "warehouse": tmp_path / "warehouse"}


def _payroll_months(db: Path) -> set[str]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return {str(m) for (m,) in conn.execute(
            "select distinct period from marts.fct_payroll_monthly").fetchall()}


def _loads(db: Path) -> set[tuple]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return set(conn.execute("select source, file_name, status, seen_at "
                                "from landing.files").fetchall())


def test_a_new_month_reaches_the_published_mart(month_env: dict) -> None:
    from orchestration.definitions import defs
    from orchestration.run import run_nightly

    raw, warehouse = month_env["raw"], month_env["warehouse"]
    base = run_nightly()
    assert base.success
    published = warehouse / "published"
    assert MONTH not in _payroll_months(published / "governance.duckdb")
    version = json.loads((published / "VERSION.json").read_text())["version"]
    cursor = raw_sensor.encode_cursor(raw_sensor.scan(raw))
    loads_before = _loads(warehouse / "governance.duckdb")

    shutil.copy(month_env["held"] / f"lon_{MONTH}.csv", raw / "payroll")
    ledger = raw / "ledger" / "eskilstuna_2023.se"
    # exported again with the new voucher, #UB and #RES restated (the loader checks them)
    ledger.write_bytes(with_vouchers(ledger.read_bytes(), NEW_VOUCHER,
                                     {"5010": "1234.00", "1930": "-1234.00"}))

    code_location = defs()
    instance = dg.DagsterInstance.get()
    # closed after the tick: an evaluation context opens its own instance, and one left open
    # points Dagster's definitions loading at it after it is gone (later tests then fail)
    with dg.build_sensor_context(cursor=cursor, definitions=code_location, instance=instance,
                                 instance_ref=instance.get_ref()) as context:
        tick = code_location.resolve_sensor_def("raw_files_sensor").evaluate_tick(context)
    [request] = tick.run_requests
    assert request.partition_key == MONTH
    for added in tick.dynamic_partitions_requests:
        instance.add_dynamic_partitions(added.partitions_def_name, list(added.partition_keys))

    run = run_nightly(request=request)
    assert run.success, run.failed_steps
    assert {"landing/ledger", "landing/payroll", "published/mart"} <= set(run.materialized)
    assert not {"landing/grants", "landing/registry", "landing/survey"} & set(run.materialized)
    assert dg.DagsterInstance.get().get_run_by_id(run.run_id).tags[
        "dagster/partition"] == MONTH

    # read in this run: the new month and the year's ledger again, nothing else
    new_loads = _loads(warehouse / "governance.duckdb") - loads_before
    assert sorted((s, f) for s, f, status, _ in new_loads if status == "loaded") == [
        ("ledger", "eskilstuna_2023.se"), ("payroll", f"lon_{MONTH}.csv")]
    assert MONTH in _payroll_months(published / "governance.duckdb")
    assert json.loads((published / "VERSION.json").read_text())["version"] != version
