"""Who may read what: after the pipeline's steps under a restrictive and a permissive umask,
the working warehouse, the history, quarantine, dbt's target and Dagster's storage are the
pipeline user's alone, and published/ is readable by everyone; nothing a BI reader can open
holds a personnummer or a name. The steps are the real ones a run takes before and after its
dbt build (file modes, publication), on a copy of the session's warehouse."""

from __future__ import annotations

import os
import re
import shutil
import stat
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from helpers import payroll_people

from orchestration.publish import publish
from orchestration.settings import get_settings, restrict_file_modes

PERSONNUMMER = re.compile(r"\b(19|20)\d{6}[-+]?\d{4}\b")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def _readable_by_others(path: Path, top: Path) -> bool:
    """Could another user open this? Every folder on the way from `top` must let them
    through (the folders above it are the test's own)."""
    for parent in [*reversed(path.parents), path]:
        if parent != top and top not in parent.parents:
            continue
        mode = _mode(parent)
        if parent.is_dir() and not mode & stat.S_IXOTH:
            return False
    return bool(_mode(path) & stat.S_IROTH)


def _published_text(published: Path) -> str:
    """Everything a BI reader gets, as text: every value of every DuckDB and Parquet table,
    every CSV and report."""
    parts = []
    folder = (published / "current").resolve()
    for path in sorted(folder.rglob("*")):
        if path.suffix in (".csv", ".html", ".json"):
            parts.append(path.read_text(encoding="utf-8-sig"))
        elif path.suffix == ".parquet":
            with duckdb.connect() as conn:
                parts.append(str(conn.execute(f"select * from '{path}'").fetchall()))
        elif path.suffix == ".duckdb":
            with duckdb.connect(str(path), read_only=True) as conn:
                for schema, table in conn.execute(
                        "select table_schema, table_name from information_schema.tables"
                ).fetchall():
                    parts.append(str(conn.execute(
                        f'select * from "{schema}"."{table}"').fetchall()))
    return "\n".join(parts)


@pytest.mark.parametrize("umask", [0o077, 0o000])
def test_modes_whatever_the_umask_and_no_person_in_what_readers_get(
        nightly, pipeline_env: dict, tmp_path: Path, umask: int) -> None:
    warehouse, home = tmp_path / "warehouse", tmp_path / "dagster_home"
    shutil.copytree(pipeline_env["warehouse"], warehouse, symlinks=True)
    shutil.copytree(pipeline_env["dagster_home"], home)
    (warehouse / "quarantine" / "payroll").mkdir(parents=True, exist_ok=True)
    (warehouse / "quarantine" / "payroll" / "lon_2023-13.csv").write_text("kopia")
    (warehouse / ".payroll_hash_key").write_text("nyckel")
    for path in [warehouse, home, *warehouse.rglob("*"), *home.rglob("*")]:
        if not path.is_symlink():  # everything left wide open by an earlier umask
            path.chmod(0o777 if path.is_dir() else 0o666)
    settings = replace(get_settings(), warehouse_dir=warehouse)
    old = os.umask(umask)
    try:
        restrict_file_modes(settings, home)
        publish(settings)
        os.umask(umask)  # as a later step in another process would find it
        publish(settings)
    finally:
        os.umask(old)

    private = [warehouse / n for n in ("governance.duckdb", "history.duckdb",
                                       ".payroll_hash_key", "quarantine", ".dbt_target")]
    private += list((warehouse / "quarantine").rglob("*"))
    for path in private:
        assert path.exists(), path
        assert not _readable_by_others(path, warehouse), f"{path}: {oct(_mode(path))}"
        assert _mode(path) & 0o077 == 0, f"{path}: {oct(_mode(path))}"
    assert _mode(home) == 0o700
    assert _mode(warehouse) == 0o711  # others pass through to published/, see nothing else
    published = warehouse / "published"
    for path in (published / "current").resolve().rglob("*"):
        assert _readable_by_others(path, warehouse), f"{path}: {oct(_mode(path))}"
    assert _readable_by_others((published / "governance.duckdb").resolve(), warehouse)

    text = _published_text(published)
    numbers, names = payroll_people(pipeline_env["raw"])
    assert not PERSONNUMMER.search(text)
    assert not [n for n in names if n in text]
    assert numbers and names


def test_no_one_person_salary_in_ledger_lines(nightly, pipeline_env: dict) -> None:
    """Per object code and month, the people on payroll (the most on any one account); where
    that is under three, no payroll-series ledger line on that code and month may carry an
    amount in the published copy."""
    published = pipeline_env["warehouse"] / "published" / "governance.duckdb"
    with duckdb.connect(str(published), read_only=True) as conn:
        conn.execute(f"attach '{pipeline_env['warehouse'] / 'governance.duckdb'}' as work "
                     "(read_only)")
        exposed = conn.execute("""
            with people as (
                select object_code, period, max(n) as people from (
                    select object_code, period, account, sum(head_count) as n
                    from work.landing.payroll_monthly group by all)
                group by all),
            series as (select payroll_series from work.staging.stg_registry__ledger_settings)
            select l.object_code, l.year, l.month, p.people, sum(l.amount_sek)
            from marts.fct_ledger_lines as l
            join series as s on l.voucher_series = s.payroll_series
            join people as p on p.object_code = l.object_code
                and p.period = printf('%04d-%02d', l.year, l.month)
            where p.people < 3 and l.amount_sek is not null
            group by all order by all""").fetchall()
    assert exposed == []
