"""Month partitions in period style: a month's run reads that month's file only, and the
partition view shows the months really loaded, not the whole fiscal year."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest
from sie_split import SieYear

from orchestration.defs.ledger.assets import ledger
from orchestration.defs.partitions import MONTHS
from orchestration.defs.resources import Warehouse

pytestmark = pytest.mark.integration


def test_a_new_period_file_reads_only_its_month(tmp_path: Path, sample_raw: Path) -> None:
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse"
    (raw / "ledger").mkdir(parents=True)
    (raw / "AS_OF_DATE").write_text("2023-06-15\n")
    files = SieYear(sample_raw / "ledger" / "eskilstuna_2023.se").periods(tmp_path, "p")
    for path in files[:4]:  # January to April
        path.rename(raw / "ledger" / path.name)
    resources = {"warehouse": Warehouse(raw_dir=str(raw), warehouse_dir=str(warehouse))}
    key = dg.AssetKey(["landing", "ledger"])
    with dg.instance_for_test() as instance:
        first = dg.materialize([ledger], resources=resources, instance=instance)
        assert first.success
        # the months loaded, not every month of the fiscal year the files declare
        assert instance.get_materialized_partitions(key) == {f"2023-0{m}" for m in range(1, 5)}

        files[4].rename(raw / "ledger" / files[4].name)  # May arrives
        instance.add_dynamic_partitions(MONTHS.name, ["2023-05"])
        may = dg.materialize([ledger], resources=resources, instance=instance,
                             partition_key="2023-05")
        assert may.success
        [mat] = may.asset_materializations_for_node("landing__ledger")
        meta = mat.metadata
        # May's file alone was looked at: the four earlier files were not even opened
        assert meta["files_loaded"].value == 1 and meta["files_unchanged"].value == 0
        assert instance.get_materialized_partitions(key) == {f"2023-0{m}" for m in range(1, 6)}
