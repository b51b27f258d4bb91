"""Publication in-process, several times in a row, with a BI reader checking the published
version all the while: one complete version at every instant, old versions pruned to the
documented count, a published folder from before version folders converted."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from crashkit import Reader, check_version

from orchestration import publish as publication
from orchestration.settings import get_settings


@pytest.fixture()
def settings(nightly, pipeline_env: dict, tmp_path: Path):
    warehouse = tmp_path / "warehouse"
    shutil.copytree(pipeline_env["warehouse"], warehouse, symlinks=True)
    return replace(get_settings(), warehouse_dir=warehouse)


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


def test_a_published_folder_from_before_is_converted(settings) -> None:
    """The old layout: real files and folders under the stable names."""
    published = settings.published_dir
    current = (published / "current").resolve()
    shutil.rmtree(published / "versions", ignore_errors=True)
    for name in publication.STABLE_NAMES:
        (published / name).unlink(missing_ok=True)
    (published / "current").unlink()
    shutil.copytree(current, published, dirs_exist_ok=True)
    (published / "csv").mkdir(exist_ok=True)
    (published / "governance.duckdb").write_bytes(b"old copy")
    made = publication.publish(settings)
    for name in publication.STABLE_NAMES:
        assert (published / name).is_symlink(), name
    assert check_version(published) == made.version
