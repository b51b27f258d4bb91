"""The nightly's report asset fails when the published reports are missing, incomplete or
built from another version than the one published."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg
import pytest

from orchestration.defs.followup_report.assets import published_reports


def publish_folder(root: Path, version: str, index_version: str, html: str) -> Path:
    (root / "rapporter").mkdir(parents=True)
    (root / "VERSION.json").write_text(json.dumps({"version": version}), encoding="utf-8")
    (root / "rapporter" / "KS-2022.html").write_text(html, encoding="utf-8")
    (root / "rapporter" / "index.json").write_text(json.dumps({
        "version": index_version, "reports": [
            {"body": "KS", "period": "2022", "preliminary": False, "html": "KS-2022.html",
             "pdf": None}]}), encoding="utf-8")
    return root


def test_reports_of_the_published_version_pass(tmp_path: Path) -> None:
    root = publish_folder(tmp_path, "v2", "v2", "<p>Publicerad version v2</p>")
    assert len(published_reports(root)["reports"]) == 1


@pytest.mark.parametrize(("index_version", "html", "message"), [
    ("v1", "<p>v1</p>", "byggda ur version v1"),
    ("v2", "<p>version v1</p>", "anger inte version v2"),
])
def test_reports_of_another_version_fail(tmp_path: Path, index_version: str, html: str,
                                         message: str) -> None:
    root = publish_folder(tmp_path, "v2", index_version, html)
    with pytest.raises(dg.Failure, match=message):
        published_reports(root)


def test_missing_reports_fail(tmp_path: Path) -> None:
    root = publish_folder(tmp_path, "v2", "v2", "v2")
    (root / "rapporter" / "KS-2022.html").unlink()
    with pytest.raises(dg.Failure, match="finns inte"):
        published_reports(root)
    (root / "rapporter" / "index.json").unlink()
    with pytest.raises(dg.Failure, match="saknas"):
        published_reports(root)
