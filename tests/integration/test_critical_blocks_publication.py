"""Through a real Dagster run: a critical check (an unbalanced voucher) stops publication and
leaves the last published mart in place, while warnings never stop the run's other assets.
The night before, with the good ledger, is the session's nightly (a copy of its warehouse)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from sie_split import with_vouchers

from orchestration.run import run_nightly

pytestmark = pytest.mark.integration

UNBALANCED = (b'#VER A 99999 20230512 "Felkonterad faktura" 20230512\r\n{\r\n'
              b'   #TRANS 4010 {1 "3020" 21 "350" 6 "9120" 22 "7102"} 12771.00\r\n'
              b'   #TRANS 2440 {} -10000.00\r\n}\r\n')


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_unbalanced_voucher_blocks_publication_but_not_the_rest(
        nightly, pipeline_env: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw, warehouse, home = tmp_path / "raw", tmp_path / "warehouse", tmp_path / "home"
    # the night before is the session's nightly over the sample: a copy of its raw files and
    # of the warehouse it built and published (copied, not shared)
    assert nightly.success and "published/mart" in nightly.materialized
    shutil.copytree(pipeline_env["raw"], raw)
    shutil.copytree(pipeline_env["warehouse"], warehouse, symlinks=True)
    home.mkdir()
    shutil.copy(Path(__file__).resolve().parents[2] / "orchestration" / "dagster.yaml", home)
    monkeypatch.setenv("RAW_DIR", str(raw))
    monkeypatch.setenv("WAREHOUSE_DIR", str(warehouse))
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("PAYROLL_HASH_KEY", "test-key-not-secret")  # the session run's

    lines_before = _programme_lines(warehouse)
    published = warehouse / "published"
    version = json.loads((published / "VERSION.json").read_text())["version"]
    copy_sha = _sha(published / "governance.duckdb")

    ledger = raw / "ledger" / "eskilstuna_2023.se"
    # as the program exports it: its #UB/#RES include the unbalanced voucher, so the year's
    # balances hold and the voucher reaches the critical check
    ledger.write_bytes(with_vouchers(ledger.read_bytes(), UNBALANCED,
                                     {"4010": "12771.00", "2440": "-10000.00"}))
    second = run_nightly()

    assert not second.success
    blocked = [c for c in second.checks_failed if c[0].endswith(":ledger_vouchers")]
    assert blocked and blocked[0][1] == "ERROR"
    assert "published/mart" not in second.materialized
    assert "marts/fct_findings" in second.materialized  # the mart itself was rebuilt
    # the warning checks ran and were reported, they did not stop anything
    assert any(c[0].endswith(":reporting") and c[1] == "WARN" for c in second.checks_failed)
    assert json.loads((published / "VERSION.json").read_text())["version"] == version
    assert _sha(published / "governance.duckdb") == copy_sha
    with duckdb.connect(str(warehouse / "governance.duckdb"), read_only=True) as conn:
        finding = conn.execute(
            "select severity, subject from marts.fct_findings "
            "where check_name = 'ledger_voucher_balance' and is_open").fetchall()
    assert finding == [("critical", "eskilstuna_2023.se A 99999")]
    # the incremental programme lines took in the replaced file, and only its new line
    rows, total = _programme_lines(warehouse)
    assert (rows, total) == (lines_before[0] + 1, lines_before[1] + 12771)


def _programme_lines(warehouse: Path) -> tuple[int, float]:
    with duckdb.connect(str(warehouse / "governance.duckdb"), read_only=True) as conn:
        return conn.execute("select count(*), sum(amount_sek) from "
                            "intermediate.int_ledger__programme_lines").fetchall()[0]
