"""A BL Administration-style ledger (#PBUDGET without {}, the account before the period, a
voucher number repeated in its series) through landing and dbt: it loads, its budget rows reach
stg_ledger__budgets, and each tolerated deviation is a warning row with kind and severity."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb

from orchestration import landing
from orchestration.defs.ledger.assets import TABLES, _reader
from orchestration.settings import DBT_PROJECT_DIR

OWN = Path(__file__).resolve().parents[1] / "fixtures" / "sie"
DIMENSIONS = {"responsibility": 1, "project": 6, "object": 22}


def test_bl_style_budgets_reach_staging(tmp_path: Path) -> None:
    raw = tmp_path / "ledger"
    raw.mkdir()
    shutil.copy(OWN / "dev_balances_braces.se", raw / "bl_2023.se")
    db = tmp_path / "governance.duckdb"
    conn = landing.connect(db)
    try:
        outcomes = landing.ingest(
            conn, "ledger", landing.deliveries(raw, [".se"]),
            _reader(tmp_path / "work", DIMENSIONS), TABLES,
            tmp_path / "quarantine")
        assert [o.status for o in outcomes] == ["loaded"]
        warnings = conn.execute(
            "select kind, severity, count(*) from landing.ledger_warnings "
            "group by all order by kind").fetchall()
        assert warnings == [("balance_with_object_list", "warning", 3),
                            ("balance_without_object_list", "warning", 5)]
    finally:
        conn.close()

    env = {**os.environ, "UPPFOLJNING_DUCKDB_PATH": str(db)}
    done = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "run", "--select", "stg_ledger__budgets",
         "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
         "--target-path", str(tmp_path / "target"), "--quiet"],
        env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "select period, account, responsibility_code, amount_sek "
            "from staging.stg_ledger__budgets order by period, account").fetchall()
    assert rows == [(202301, "1119", None, Decimal("-1666.00")),
                    (202301, "7010", "100", Decimal("250.00")),
                    (202302, "1119", None, Decimal("-1666.00"))]
