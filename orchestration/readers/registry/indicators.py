"""The registry's `indicators:` entries: source, direction, baseline, targets, and how they are
assessed.

Keys beyond source/baseline/targets, with their defaults:
- `tolerance` (default 0, in the indicator's unit): a change of at most this much counts as
  "oförändrad" in the trend; 0 means any change is a change.
- `partial_share` (default 0.5): an outcome that has come at least this share of the way from
  the baseline towards the target is "delvis uppfyllt".
- `areas` (default: the whole municipality only): the districts the indicator is followed for;
  the municipality's own code stands for the whole municipality.
- `area_targets: {area: {year: target}}` overrides `targets` for one area and year;
  `area_baselines: {area: value}` overrides `baseline.value` for one area. An area with neither
  takes its own outcome in the baseline year as its baseline.
- `goal`: the goal the indicator serves; `peer_set`: the peer set it is compared with (Kolada
  indicators without one use the registry's default peer set, if any).
- `source.kind: survey`: the municipality's own measurement in raw/survey/*.csv, where the
  `indicator` column holds this indicator's id.
"""

from __future__ import annotations

from orchestration.readers.registry.entries import Entry
from orchestration.readers.registry.model import Indicator

SOURCE_KINDS = ("scb", "kolada", "survey")
SOURCES_IN_WORDS = "scb, kolada eller survey"
DEFAULT_TOLERANCE = 0.0
DEFAULT_PARTIAL_SHARE = 0.5


def _targets(e: Entry, raw, key: str) -> dict[int, float]:
    targets: dict[int, float] = {}
    if raw is None:
        return targets
    if not isinstance(raw, dict):
        raise e.fail(key, "ska vara år: målvärde")
    for year, target in raw.items():
        if isinstance(year, bool) or not isinstance(year, int):
            raise e.fail(f"{key}.{year}", "målår ska vara heltal")
        if isinstance(target, bool) or not isinstance(target, int | float):
            raise e.fail(f"{key}.{year}", f"ska vara ett tal, inte {target!r}")
        targets[year] = float(target)
    return targets


def _area_mapping(e: Entry, key: str) -> dict:
    raw = e.value.get(key) or {}
    if not isinstance(raw, dict):
        raise e.fail(key, "ska vara område: värden")
    return {str(area).strip(): value for area, value in raw.items()}


def _share(e: Entry) -> float:
    share = e.number("partial_share", required=False)
    if share is None:
        return DEFAULT_PARTIAL_SHARE
    if not 0 < share <= 1:
        raise e.fail("partial_share", f"ska vara över 0 och högst 1, inte {share}")
    return share


def _tolerance(e: Entry) -> float:
    tolerance = e.number("tolerance", required=False)
    if tolerance is None:
        return DEFAULT_TOLERANCE
    if tolerance < 0:
        raise e.fail("tolerance", f"får inte vara negativ, inte {tolerance}")
    return tolerance


def indicator(e: Entry, municipality_code: str) -> Indicator:
    e.known(
        "id", "name", "source", "unit", "higher_is_better", "baseline", "targets", "initiatives",
        "tolerance", "partial_share", "areas", "area_targets", "area_baselines", "goal",
        "peer_set",
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
    elif kind == "survey":
        src.known("kind")
        region = municipality_code
    else:
        raise src.fail("kind", f"okänd källa {kind!r}: förväntade {SOURCES_IN_WORDS}")
    baseline = e.sub("baseline", required=False)
    if baseline is not None:
        baseline.known("year", "value")
    areas = e.texts("areas") or [municipality_code]
    area_targets = {
        area: _targets(e, value, f"area_targets.{area}")
        for area, value in _area_mapping(e, "area_targets").items()
    }
    area_baselines: dict[str, float] = {}
    for area, value in _area_mapping(e, "area_baselines").items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise e.fail(f"area_baselines.{area}", f"ska vara ett tal, inte {value!r}")
        if area not in areas:
            raise e.fail(f"area_baselines.{area}",
                         f"området {area!r} finns inte i indikatorns areas")
        area_baselines[area] = float(value)
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
        baseline.number("value", required=False) if baseline else None,
        _targets(e, e.value.get("targets"), "targets"),
        e.texts("initiatives"),
        tolerance=_tolerance(e),
        partial_share=_share(e),
        areas=areas,
        area_targets=area_targets,
        area_baselines=area_baselines,
        goal=e.text("goal", required=False),
        peer_set=e.text("peer_set", required=False),
    )
