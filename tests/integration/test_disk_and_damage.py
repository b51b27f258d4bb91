"""A full disk (a real, size-limited tmpfs filled to the last byte) while landing and while
publishing, and a damaged or deleted working warehouse. `uppfoljning run` as a real process."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest
from crashkit import check_version, mart_digest, run_env, uppfoljning

from orchestration.rebuild import (
    DAMAGED_SUFFIX,
    REBUILT_SUFFIX,
    prepare_warehouse,
    probe,
    save_history,
)
from orchestration.settings import get_settings


@pytest.fixture()
def small_disk(tmp_path: Path):
    """A 256 MB tmpfs: the sample's warehouse with its published versions and reports takes
    about 80 MB of it, and a run needs room for another version (the filler takes the rest)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def _corrected_raw(sample_raw: Path, target: Path) -> Path:
    """The sample with one payroll amount corrected: landing has something to write."""
    shutil.copytree(sample_raw, target)
    path = sorted((target / "payroll").glob("lon_*.csv"))[-1]
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    fields = lines[1].split(";")
    fields[8] = "1 234,00"
    lines[1] = ";".join(fields)
    path.write_text("".join(lines), encoding="utf-8-sig")
    return target


def _landing_files(database: Path) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as conn:
        return conn.execute("select source, file_name, file_sha256, status from landing.files "
                            "order by all").fetchall()


def test_a_full_disk_changes_nothing_and_the_next_run_completes(
        nightly, pipeline_env: dict, tmp_path: Path, small_disk: Path) -> None:
    warehouse, home = small_disk / "warehouse", tmp_path / "home"
    shutil.copytree(pipeline_env["warehouse"], warehouse, symlinks=True)
    raw = _corrected_raw(pipeline_env["raw"], tmp_path / "raw")
    filler = small_disk / "filler"
    env = run_env(raw, warehouse, home, UPPFOLJNING_FAULT_FILL=str(filler))
    published = warehouse / "published"
    version = check_version(published)
    database = warehouse / "governance.duckdb"
    mart, files = mart_digest(database), _landing_files(database)

    # 1. the disk fills while the corrected payroll file is being landed
    first = uppfoljning(env, fault="landing.insert")
    assert first.returncode == 1, first.stdout[-3000:] + first.stderr[-3000:]
    assert "Disken är full" in first.stdout and "Traceback" not in first.stdout
    assert check_version(published) == version
    filler.unlink()
    assert mart_digest(database) == mart and _landing_files(database) == files

    # 2. the disk fills while the new version is written
    second = uppfoljning(env, fault="publish.table")
    assert second.returncode == 1, second.stdout[-3000:] + second.stderr[-3000:]
    assert "Disken är full" in second.stdout and "Traceback" not in second.stdout
    assert check_version(published) == version
    assert not [p for p in (published / "versions").iterdir() if p.name.startswith(".")]
    filler.unlink()

    # 3. space freed: the next ordinary run completes and publishes
    env.pop("UPPFOLJNING_FAULT_FILL")
    last = uppfoljning(env)
    assert last.returncode == 0, last.stdout[-3000:] + last.stderr[-3000:]
    after = check_version(published)
    assert after is not None and after != version
    assert mart_digest(database) != mart  # the corrected amount arrived


def test_a_damaged_warehouse_is_rebuilt_from_raw_with_its_history(
        nightly, pipeline_env: dict, tmp_path: Path) -> None:
    warehouse, home = tmp_path / "warehouse", tmp_path / "home"
    shutil.copytree(pipeline_env["warehouse"], warehouse, symlinks=True)
    database = warehouse / "governance.duckdb"
    baseline = mart_digest(database)
    with duckdb.connect(str(database), read_only=True) as conn:
        first_seen = conn.execute("select finding_id, first_seen_on from marts.fct_findings "
                                  "order by 1").fetchall()
    # history as of the last publication, dated back so a rebuild that lost it would show
    env = run_env(pipeline_env["raw"], warehouse, home)
    with duckdb.connect(str(warehouse / "history.duckdb")) as conn:
        conn.execute("update findings set first_seen_on = date '2020-01-01'")
    with database.open("r+b") as f:  # overwritten where DuckDB keeps its header
        f.write(os.urandom(16384))
    done = uppfoljning(env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "är skadad" in done.stdout and "byggs nu om" in done.stdout
    assert list(warehouse.glob(f"governance.duckdb{DAMAGED_SUFFIX}*"))
    assert probe(database) is None
    rebuilt = mart_digest(database)
    assert set(rebuilt) == set(baseline)
    # every table but the findings' dates is as before; those came back from history.duckdb
    assert {t: v for t, v in rebuilt.items() if t != "fct_findings"} == \
        {t: v for t, v in baseline.items() if t != "fct_findings"}
    with duckdb.connect(str(database), read_only=True) as conn:
        kept = conn.execute("select finding_id, first_seen_on from marts.fct_findings "
                            "order by 1").fetchall()
    assert [f for f, _ in kept] == [f for f, _ in first_seen]
    assert {str(d) for _, d in kept} == {"2020-01-01"}


def test_truncated_deleted_and_on_demand(nightly, pipeline_env: dict, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Detection and the rebuild's preparation, without a run each (the run after it is the
    one above): truncated is damage, deleted is rebuilt, `rebuild` moves even a healthy file
    aside; each new file starts with the saved history."""
    warehouse = tmp_path / "warehouse"
    shutil.copytree(pipeline_env["warehouse"], warehouse, symlinks=True)
    monkeypatch.setenv("WAREHOUSE_DIR", str(warehouse))
    settings = get_settings()
    save_history(settings)
    database = settings.duckdb_path

    os.truncate(database, database.stat().st_size // 2)
    assert "Could not read" in (probe(database) or "")
    said = prepare_warehouse(settings)
    assert "är skadad" in said[0] and "Historiken" in said[-1]
    with duckdb.connect(str(database), read_only=True) as conn:
        assert conn.execute("select count(*) from marts.fct_findings").fetchall()[0][0] > 0
        assert conn.execute("select count(*) from landing.files where status = 'loaded'"
                            ).fetchall()[0][0] == 0

    database.unlink()
    said = prepare_warehouse(settings)
    assert "saknas" in said[0] and database.exists()

    said = prepare_warehouse(settings, force_rebuild=True)
    assert "Ombyggnad" in said[0]
    assert list(warehouse.glob(f"governance.duckdb{REBUILT_SUFFIX}*"))
