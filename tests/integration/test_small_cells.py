"""Nothing published reveals one person's salary, not even by differencing: the attack in
differencing.py, on the session's published version, recovers no withheld payroll amount;
and the same attack on a copy published with the old rule (payroll rows blanked, ledger lines
not) does find the leak, so it has teeth."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from differencing import attack

import orchestration.publish as publish_module
from orchestration import publish_privacy
from orchestration.publish import publish
from orchestration.publish_privacy import SMALL_CELL_LIMIT
from orchestration.settings import get_settings


def test_no_withheld_payroll_amount_can_be_recovered(nightly, pipeline_env: dict) -> None:
    warehouse = pipeline_env["warehouse"]
    found = attack((warehouse / "published" / "current").resolve(),
                   warehouse / "governance.duckdb")
    assert found.leaks == []
    assert sum(found.routes.values()) > 100, found.routes  # the routes compared something
    # residual groups: whole payroll of the group withheld, group under three people
    with duckdb.connect(str(warehouse / "published" / "governance.duckdb"),
                        read_only=True) as conn:
        withheld = conn.execute("select count(*) from marts.fct_ledger_lines "
                                "where suppression is not null").fetchone()[0]
        empty_by_suppression = conn.execute(
            "select count(*) from marts.fct_ledger_lines where amount_sek is null "
            "and suppression is null").fetchone()[0]
        kinds = {r[0] for r in conn.execute(
            "select distinct suppression from marts.fct_payroll_monthly").fetchall()}
    assert withheld > 0 and empty_by_suppression == 0
    assert kinds <= {None, "primary", "secondary"} and "primary" in kinds
    print(f"routes: {found.routes}; residual groups: {len(found.residual)}")


def _old_rule(conn: duckdb.DuckDBPyConnection, table: str, source: str = "src") -> str:
    """The rule before this change: payroll rows under three people blanked, nothing else."""
    if table != "fct_payroll_monthly":
        return f"select * from {source}.marts.{table}"
    columns = [r[0] for r in conn.execute(
        "select column_name from information_schema.columns where table_catalog = ? and "
        "table_schema = 'marts' and table_name = ? order by ordinal_position",
        [source, table]).fetchall()]
    return "select " + ", ".join(
        f"case when head_count < {SMALL_CELL_LIMIT} then null else {c} end as {c}"
        if c in publish_privacy.PAYROLL_AMOUNT_COLUMNS else c for c in columns
    ) + f" from {source}.marts.{table}"


def test_the_attack_finds_the_leak_of_the_old_rule(nightly, pipeline_env: dict,
                                                   tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    shutil.copy2(pipeline_env["warehouse"] / "governance.duckdb", warehouse)
    monkeypatch.setattr(publish_module, "published_select", _old_rule)
    monkeypatch.setattr(publish_module, "write_reports", lambda *args: None)  # data only
    publish(replace(get_settings(), warehouse_dir=warehouse))
    found = attack((warehouse / "published" / "current").resolve(),
                   warehouse / "governance.duckdb")
    assert any("huvudboken" in leak for leak in found.leaks), found.leaks
    assert any(leak.startswith("cell") for leak in found.leaks), found.leaks
