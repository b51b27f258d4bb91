"""The follow-up reports in the asset graph. Publication builds them inside its own staging
folder from the copy it is publishing (so they go live in the same switch as the mart version
they print); this asset, downstream of it, records what the nightly published and fails when
the reports are missing or were built from another version than the one published."""

from __future__ import annotations

import json
from pathlib import Path

import dagster as dg

from orchestration.defs.partitions import SINGLE_RUN
from orchestration.defs.resources import Warehouse
from orchestration.followup_report.build import REPORTS_DIR


def published_reports(published_dir: Path) -> dict:
    """The index of the published reports, checked against the published version. With
    version folders, `published/current` names the version that is live: read through it."""
    if (published_dir / "current").is_dir():
        published_dir = published_dir / "current"
    version_file = published_dir / "VERSION.json"
    index_file = published_dir / REPORTS_DIR / "index.json"
    if not index_file.exists():
        raise dg.Failure(f"Uppföljningsrapporterna saknas: {index_file} finns inte.")
    index = json.loads(index_file.read_text(encoding="utf-8"))
    version = json.loads(version_file.read_text(encoding="utf-8"))["version"]
    if index["version"] != version:
        raise dg.Failure(f"Rapporterna är byggda ur version {index['version']}, men den "
                         f"publicerade versionen är {version}.")
    for report in index["reports"]:
        for name in filter(None, (report["html"], report.get("pdf"))):
            path = published_dir / REPORTS_DIR / name
            if not path.exists():
                raise dg.Failure(f"Rapporten {path} står i förteckningen men finns inte.")
        html = (published_dir / REPORTS_DIR / report["html"]).read_text(encoding="utf-8")
        if version not in html:
            raise dg.Failure(f"Rapporten {report['html']} anger inte version {version}.")
    return index


@dg.asset(
    key=["published", "followup_reports"],
    deps=[dg.AssetKey(["published", "mart"])],
    group_name="publish",
    backfill_policy=SINGLE_RUN,
    kinds={"html", "pdf"},
    description="Uppföljningsrapporterna per organ och period (warehouse/published/rapporter/), "
    "byggda ur den publicerade versionen av marten och publicerade i samma byte.",
)
def followup_reports(warehouse: Warehouse) -> dg.MaterializeResult:
    published_dir = warehouse.settings().published_dir
    index = published_reports(published_dir)
    return dg.MaterializeResult(metadata={
        "version": index["version"],
        "reports": len(index["reports"]),
        "preliminary": sum(1 for r in index["reports"] if r["preliminary"]),
        "index": dg.MetadataValue.path(str(published_dir / REPORTS_DIR / "index.html")),
        "list": dg.MetadataValue.md("\n".join(
            f"- {r['body']} {r['period']}{' (preliminär)' if r['preliminary'] else ''}"
            for r in index["reports"])),
    })
