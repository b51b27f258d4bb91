"""The registry's `indicators:` entries: source, direction, baseline and targets."""

from __future__ import annotations

from orchestration.readers.registry.entries import Entry
from orchestration.readers.registry.model import Indicator


def indicator(e: Entry, municipality_code: str) -> Indicator:
    e.known(
        "id", "name", "source", "unit", "higher_is_better", "baseline", "targets", "initiatives"
    )
    src = e.sub("source")
    kind = src.text("kind")
    scb_table = scb_code = region = kpi = None
    if kind == "scb":
        src.known("kind", "table", "contents_code", "region")
        scb_table, scb_code, region = (
            src.text("table"),
            src.text("contents_code"),
            src.text("region"),
        )
    elif kind == "kolada":
        src.known("kind", "kpi", "municipality")
        kpi = src.text("kpi")
        # Kolada's municipality id is the same four-digit code; it defaults to ours.
        region = src.text("municipality", required=False) or municipality_code
    else:
        raise src.fail("kind", f"unknown source kind {kind!r}: expected scb or kolada")
    baseline = e.sub("baseline", required=False)
    if baseline is not None:
        baseline.known("year", "value")
    targets: dict[int, float] = {}
    raw_targets = e.value.get("targets") or {}
    if not isinstance(raw_targets, dict):
        raise e.fail("targets", "must be a mapping of year: target")
    for year, target in raw_targets.items():
        if isinstance(year, bool) or not isinstance(year, int):
            raise e.fail(f"targets.{year}", "target years must be integers")
        if isinstance(target, bool) or not isinstance(target, int | float):
            raise e.fail(f"targets.{year}", f"must be a number, not {target!r}")
        targets[year] = float(target)
    return Indicator(
        e.origin,
        e.text("id"),
        e.text("name"),
        kind,
        scb_table,
        scb_code,
        region,
        kpi,
        e.text("unit", required=False),
        e.flag("higher_is_better", None),
        baseline.integer("year") if baseline else None,
        baseline.number("value") if baseline else None,
        targets,
        e.texts("initiatives"),
    )
