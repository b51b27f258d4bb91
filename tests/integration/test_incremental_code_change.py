"""Through real Dagster runs of the incremental programme lines on a copy of the session's
warehouse: rows written by older code are rebuilt when the code the model is built from has
changed (an upgrade), and left alone when it has not (the incremental run it is for)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.defs.dbt import incremental
from orchestration.defs.dbt.project import dbt_project
from orchestration.run import run_nightly

pytestmark = pytest.mark.integration

MODEL = "int_ledger__programme_lines"
ONLY_THE_MODEL = dg.RunRequest(asset_selection=[dg.AssetKey(["intermediate", MODEL])])


def _committees(warehouse: Path) -> tuple[int, int]:
    with duckdb.connect(str(warehouse / "governance.duckdb"), read_only=True) as conn:
        return conn.execute(f"select count(*), count(committee_id) "
                            f"from intermediate.{MODEL}").fetchall()[0]


def _as_if_older_code_wrote_it(warehouse: Path) -> None:
    """Every row as a release without the column's rule would have left it."""
    with duckdb.connect(str(warehouse / "governance.duckdb")) as conn:
        conn.execute(f"update intermediate.{MODEL} set committee_id = null")


def test_a_code_change_rebuilds_the_incremental_rows(
        nightly, pipeline_env: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert nightly.success
    raw, warehouse, home = tmp_path / "raw", tmp_path / "warehouse", tmp_path / "home"
    shutil.copytree(pipeline_env["raw"], raw)
    shutil.copytree(pipeline_env["warehouse"], warehouse, symlinks=True)
    home.mkdir()
    shutil.copy(Path(__file__).resolve().parents[2] / "orchestration" / "dagster.yaml", home)
    for name, value in (("RAW_DIR", raw), ("WAREHOUSE_DIR", warehouse), ("DAGSTER_HOME", home),
                        ("PAYROLL_HASH_KEY", "test-key-not-secret")):
        monkeypatch.setenv(name, str(value))

    # the nightly recorded the code it built the model with
    code = incremental.code_fingerprints(incremental.load_manifest(dbt_project.manifest_path))
    record = warehouse / incremental.STATE_FILE
    assert json.loads(record.read_text())[MODEL] == code[MODEL]
    rows, with_committee = _committees(warehouse)
    assert rows == with_committee > 0

    # the same code: an incremental run keeps the rows it has (nothing new was loaded)
    _as_if_older_code_wrote_it(warehouse)
    assert run_nightly(request=ONLY_THE_MODEL).success
    assert _committees(warehouse) == (rows, 0)

    # other code than the rows were written with: rebuilt from the landing tables
    record.write_text(json.dumps({MODEL: "an older release"}))
    assert run_nightly(request=ONLY_THE_MODEL).success
    assert _committees(warehouse) == (rows, rows)
    assert json.loads(record.read_text())[MODEL] == code[MODEL]
