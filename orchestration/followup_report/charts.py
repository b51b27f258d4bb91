"""Charts drawn at build time as inline SVG: Vega-Lite specifications rendered by vl-convert,
which bundles Vega and renders without a browser or a network, so the report needs no
JavaScript and loads nothing. Vega-Lite was chosen because it is a grammar of graphics whose
specification is data: easy to test, to keep consistent across reports, and rendered offline
in a fraction of a second. The specifications are written here as plain data rather than
through Altair (which writes the same JSON): Altair cost about 0,4 s to import in every process
that loads the Dagster definitions and about 1 s of CPU per publication to build the specs,
for the same SVG byte for byte. The tests check each specification against Vega-Lite's schema.
Each chart comes with a text alternative; the report puts the chart's data table beside it,
so colour and shape are never the only way to read a chart."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html import escape
from pathlib import Path

import vl_convert as vlc

RENDERER = f"vl-convert {vlc.__version__}"  # another version may draw another SVG
FONT = "DejaVu Sans"
INK = "#1a1a1a"
# Okabe–Ito colours (distinguishable with the common colour-vision deficiencies)
SOURCE_COLOURS = {"Statsbidrag": "#0072B2", "Mandatmedel": "#E69F00", "Ram": "#009E73"}
_CONFIG = {
    "aria": False,  # the whole chart is one image with our own text alternative
    "font": FONT,
    "axis": {"labelColor": INK, "titleColor": INK, "labelFontSize": 11, "titleFontSize": 11,
             "gridColor": "#d0d0d0"},
    "legend": {"labelColor": INK, "titleColor": INK, "labelFontSize": 11, "titleFontSize": 11},
    "view": {"stroke": None},
}


_ARIA = re.compile(r' (?:role|aria-[a-z]+)="[^"]*"')


@dataclass
class ChartJob:
    """A chart to draw: its Vega-Lite spec and the label the SVG gets."""
    spec: dict
    label: str
    svg: str = ""

    @functools.cached_property
    def key(self) -> str:
        """The chart's identity: its whole specification (data and style) and the renderer."""
        text = json.dumps(self.spec, sort_keys=True, default=str)
        return hashlib.sha256(f"{RENDERER}\0{text}".encode()).hexdigest()

    def html(self) -> str:
        # Vega marks its groups as graphics-symbol etc.; the chart is read as one image with
        # the text alternative and the data table beside it, so those roles are dropped
        inner = _ARIA.sub("", self.svg.strip())
        return re.sub(r"^<svg ", f'<svg role="img" aria-label="{escape(self.label)}" '
                      'focusable="false" ', inner, count=1)


def _render(spec: dict) -> str:
    # no base URL allowed: a chart can never fetch anything
    return vlc.vegalite_to_svg(spec, allowed_base_urls=[], format_locale="sv-SE")


_DRAWN: dict[str, str] = {}  # charts drawn earlier in this process or read from the cache
_DRAWN_LIMIT = 2000


def _add(drawn: dict[str, str]) -> None:
    if len(_DRAWN) + len(drawn) > _DRAWN_LIMIT:
        _DRAWN.clear()
    _DRAWN.update(drawn)


def remember(cache: Path | None) -> int:
    """Charts an earlier build kept (`keep`) are not drawn again: most of a publication's
    charts are those of ended periods, unchanged from one night to the next, and drawing is
    most of the reports' HTML time. Returns how many were read; a cache that cannot be read
    is no cache (the charts are drawn)."""
    if cache is None or not cache.is_file():
        return 0
    try:
        kept = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    if not isinstance(kept, dict) or not all(isinstance(v, str) for v in kept.values()):
        return 0
    _add(kept)
    return len(kept)


def keep(cache: Path | None, jobs: list[ChartJob]) -> None:
    """Writes this build's charts for the next build (whole, then renamed: a crash leaves the
    previous file). Only this build's charts are kept, so the file never grows beyond them.
    A cache that cannot be written (a full disk) is no reason to stop a publication: the next
    build draws its charts."""
    if cache is None:
        return
    tmp = cache.with_name(f".{cache.name}.tmp")
    try:
        tmp.write_text(json.dumps({job.key: job.svg for job in jobs if job.svg},
                                  sort_keys=True), encoding="utf-8")
        tmp.replace(cache)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def render_all(jobs: list[ChartJob], pool: ThreadPoolExecutor) -> int:
    """Draws each distinct chart not drawn before (the same chart recurs across the reports of
    one publication, and across nights), on the caller's threads: vl-convert releases the
    GIL, so a pool of two threads uses both cores. Returns how many were drawn."""
    unique = {job.key: job.spec for job in jobs if job.key not in _DRAWN}
    if unique:
        _add(dict(zip(unique, pool.map(_render, unique.values()), strict=True)))
    for job in jobs:
        job.svg = _DRAWN[job.key]
    return len(unique)


def _chart(spec: dict, label: str) -> ChartJob:
    return ChartJob({**spec, "config": _CONFIG}, label)


def _axis(field: str, kind: str, title: str | None, **more: object) -> dict:
    channel = {"field": field, "type": kind, **more}
    if title is not None:
        channel["title"] = title
    return channel


def _series(field: str, title: str, domain: list[str], colours: list[str]) -> dict:
    return _axis(field, "nominal", title, scale={"domain": domain, "range": colours})


def monthly_outcome(rows: list[dict], label: str) -> ChartJob:
    """Outcome per month as bars and the month's budget as a dashed line with point marks."""
    month = _axis("månad", "nominal", "Månad", sort=None)
    return _chart({
        "data": {"values": [{"månad": r["month_label"], "Utfall": float(r["outcome_mnkr"]),
                             "Budget": float(r["budget_mnkr"])} for r in rows]},
        "layer": [
            {"mark": {"type": "bar", "color": "#0072B2"},
             "encoding": {"x": month, "y": _axis("Utfall", "quantitative", "mnkr")}},
            {"mark": {"type": "line", "color": INK, "strokeDash": [6, 3],
                      "point": {"color": INK, "shape": "diamond", "size": 50}},
             "encoding": {"x": month, "y": _axis("Budget", "quantitative", None)}},
        ],
        "width": 520, "height": 200,
    }, label)


def funding_by_year(rows: list[dict], label: str) -> ChartJob:
    """Stacked bars: who paid each year, in the funding order."""
    return _chart({
        "data": {"values": [{"år": str(r["year"]), "källa": r["source_label"],
                             "mnkr": float(r["mnkr"]), "ordning": r["order"]} for r in rows]},
        "mark": {"type": "bar"},
        "encoding": {
            "x": _axis("år", "nominal", "År"),
            "y": _axis("mnkr", "quantitative", "mnkr", stack="zero"),
            "color": _series("källa", "Finansiering", list(SOURCE_COLOURS),
                             list(SOURCE_COLOURS.values())),
            "order": _axis("ordning", "quantitative", None),
        },
        "width": 360, "height": 200,
    }, label)


def indicator_vs_target(rows: list[dict], unit: str, label: str) -> ChartJob:
    """Outcome as a solid line with circles, the target as a dashed line with squares."""
    values = []
    for r in rows:
        if r["outcome"] is not None:
            values.append({"år": str(r["year"]), "serie": "Utfall", "värde": float(r["outcome"])})
        if r["target"] is not None:
            values.append({"år": str(r["year"]), "serie": "Målnivå", "värde": float(r["target"])})
    series = ["Utfall", "Målnivå"]
    return _chart({
        "data": {"values": values},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": _axis("år", "nominal", "År"),
            "y": _axis("värde", "quantitative", unit or "värde", scale={"zero": False}),
            "color": _series("serie", "Serie", series, ["#0072B2", INK]),
            "shape": _axis("serie", "nominal", None,
                           scale={"domain": series, "range": ["circle", "square"]}),
            "strokeDash": _axis("serie", "nominal", None,
                                scale={"domain": series, "range": [[1, 0], [6, 3]]}),
        },
        "width": 360, "height": 180,
    }, label)
