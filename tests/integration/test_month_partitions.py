"""Payroll and the ledger share month partitions (orchestration/defs/partitions.py): a month's
run loads that month's payroll file and the ledger file of the fiscal year holding it, a
backfill range loads its months in one run, and a run without a key loads everything and
registers the months it found."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.defs.ledger.assets import ledger
from orchestration.defs.partitions import MONTHS
from orchestration.defs.payroll.assets import payroll
from orchestration.defs.registry.assets import registry
from orchestration.defs.resources import Warehouse

pytestmark = pytest.mark.integration


def _loaded(db: Path) -> set[str]:
    with duckdb.connect(str(db), read_only=True) as conn:
        return {f"{s}/{f}" for s, f in conn.execute(
            "select source, file_name from landing.files where status = 'loaded' "
            "and source in ('ledger', 'payroll')").fetchall()}


def test_months_load_their_own_files(tmp_path: Path, sample_raw: Path) -> None:
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse"
    shutil.copytree(sample_raw, raw)
    (raw / "AS_OF_DATE").write_text("2023-05-31\n")
    resources = {"warehouse": Warehouse(raw_dir=str(raw), warehouse_dir=str(warehouse))}
    db = warehouse / "governance.duckdb"
    assets = [registry, ledger, payroll]
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(MONTHS.name, ["2021-01", "2021-02", "2021-03",
                                                      "2022-05"])
        one = dg.materialize(assets, resources=resources, instance=instance,
                             partition_key="2022-05")
        assert one.success
        assert _loaded(db) == {"ledger/eskilstuna_2022.se", "payroll/lon_2022-05.csv"}
        mats = one.asset_materializations_for_node("landing__ledger")
        # the run's own month, and the rest of the fiscal year its file brought in
        assert sorted(m.partition for m in mats) == [f"2022-{m:02d}" for m in range(1, 13)]
        assert [m.partition for m in one.asset_materializations_for_node("landing__payroll")] \
            == ["2022-05"]

        # a backfill of three months is one run: the 2021 file once, three payroll files
        backfill = dg.materialize(assets, resources=resources, instance=instance, tags={
            "dagster/asset_partition_range_start": "2021-01",
            "dagster/asset_partition_range_end": "2021-03"})
        assert backfill.success
        assert _loaded(db) == {"ledger/eskilstuna_2021.se", "ledger/eskilstuna_2022.se",
                               *(f"payroll/lon_2021-0{m}.csv" for m in (1, 2, 3)),
                               "payroll/lon_2022-05.csv"}

        # the nightly job's way: no key, every file, and the months found become partitions
        assert dg.materialize(assets, resources=resources, instance=instance).success
        files = {f"ledger/{p.name}" for p in (raw / "ledger").iterdir()} | {
            f"payroll/{p.name}" for p in (raw / "payroll").iterdir()}
        assert _loaded(db) == files
        months = instance.get_dynamic_partitions(MONTHS.name)
        payroll_months = {p.stem.removeprefix("lon_") for p in (raw / "payroll").iterdir()}
        assert payroll_months <= set(months)
        # the ledger's months run to the as-of date, not to the end of its fiscal year
        assert "2023-05" in months and "2023-06" not in months, " ".join(months)
        assert len(months) == len(set(months))
        # Dagster's partition view shows every month that was loaded, by any kind of run
        assert instance.get_materialized_partitions(dg.AssetKey(["landing", "payroll"])) \
            == payroll_months
        ledger_months = instance.get_materialized_partitions(dg.AssetKey(["landing", "ledger"]))
        assert {"2020-01", "2021-12", "2022-01", "2023-05"} <= ledger_months
        assert max(ledger_months) == "2023-05"
