"""One real nightly with the registry delivered as styrmodell.xlsx instead of YAML: every mart
table is identical to the shared nightly's (which read the YAML files), row for row."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration.onboarding.convert import export
from orchestration.publish import mart_tables

# Columns that name the registry's file or the run, which differ by design between the two.
_DIFFERS = re.compile(r"(registry_file|source_file|_at$|run_id)")


def _mart(path: Path) -> dict[str, list]:
    with duckdb.connect(str(path), read_only=True) as conn:
        out = {}
        for table in mart_tables(conn):
            cols = [c for (c,) in conn.execute(
                "select column_name from information_schema.columns where table_schema = "
                "'marts' and table_name = ? order by ordinal_position", [table]).fetchall()
                if not _DIFFERS.search(c)]
            select = ", ".join(f'"{c}"' for c in cols)
            out[table] = conn.execute(f"select {select} from marts.{table} order by all")\
                .fetchall()
        return out


def test_the_mart_is_identical_with_the_registry_as_a_workbook(
        nightly, pipeline_env: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from orchestration.run import run_nightly
    from orchestration.settings import get_settings

    raw = tmp_path / "raw"
    shutil.copytree(pipeline_env["raw"], raw)
    assert export(raw / "registry", "xlsx", None, in_place=True) == 0
    assert sorted(p.name for p in (raw / "registry").iterdir()) == ["styrmodell.xlsx"]
    warehouse = tmp_path / "warehouse"
    monkeypatch.setenv("RAW_DIR", str(raw))
    monkeypatch.setenv("WAREHOUSE_DIR", str(warehouse))
    report = run_nightly(get_settings())
    assert report.success, report
    assert "published/mart" in report.materialized
    from_yaml = _mart(pipeline_env["warehouse"] / "published" / "governance.duckdb")
    from_book = _mart(warehouse / "published" / "governance.duckdb")
    assert from_book.keys() == from_yaml.keys() and len(from_yaml) >= 10
    for table in from_yaml:
        assert from_book[table] == from_yaml[table], table
    assert from_yaml["dim_initiatives"]  # not two empty marts
