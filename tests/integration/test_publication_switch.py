"""Publication in-process, several times in a row, with a BI reader checking the published
version all the while: one complete version at every instant, old versions pruned to the
documented count, a published folder from before version folders converted."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest
from crashkit import Reader, check_version

from orchestration import publish as publication
from orchestration.settings import get_settings


@pytest.fixture()
def settings(tmp_path: Path):
    """A small working warehouse of its own (a few mart tables), published once: fast, so
    the publications can follow one another while the reader looks."""
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    with duckdb.connect(str(warehouse / "governance.duckdb")) as conn:
        conn.execute("create schema marts")
        for n in range(6):
            conn.execute(f"create table marts.t{n} as select range as id, "
                         f"range * 1.25 as amount_sek, 'rad ' || range as label "
                         f"from range({20_000 * (n + 1)})")
    settings = replace(get_settings(), warehouse_dir=warehouse)
    publication.publish(settings)
    return settings


def test_readers_see_one_complete_version_at_every_instant(settings) -> None:
    published = settings.published_dir
    first = check_version(published)
    reader = Reader(published)
    reader.start()
    try:
        made = [publication.publish(settings).version for _ in range(4)]
    finally:
        reader.stop()
    assert reader.errors == [], reader.errors[:5]
    assert reader.reads > 20
    assert reader.seen[0] == first and reader.seen[-1] == made[-1]
    assert set(reader.seen) <= {first, *made}
    kept = sorted(p.name for p in (published / "versions").iterdir())
    assert kept == made[-publication.PUBLISHED_VERSIONS_KEPT:]  # pruned to the count


def test_a_published_folder_from_before_is_converted(settings, tmp_path: Path) -> None:
    """The old layout: real files and folders under the stable names, no versions/."""
    published = settings.published_dir
    old = tmp_path / "old"
    shutil.copytree((published / "current").resolve(), old)
    shutil.rmtree(published)
    shutil.copytree(old, published)
    assert (published / "parquet").is_dir() and not (published / "parquet").is_symlink()
    made = publication.publish(settings)
    for name in publication.STABLE_NAMES:
        if (published / "current" / name).exists():
            assert (published / name).is_symlink(), name
    assert check_version(published) == made.version
    assert not [p for p in published.iterdir() if p.name.startswith(".")]
