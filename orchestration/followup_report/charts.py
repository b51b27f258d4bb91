"""Charts drawn at build time as inline SVG with Altair (Vega-Lite) and vl-convert, which
bundles Vega and renders without a browser or a network: the report needs no JavaScript and
loads nothing. Altair was chosen because it is a grammar of graphics whose specification is
data (easy to test and to keep consistent across reports) and vl-convert renders it offline in
a fraction of a second. Each chart comes with a text alternative; the report puts the chart's
data table beside it, so colour and shape are never the only way to read a chart."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html import escape
from typing import ParamSpec

import altair as alt
import vl_convert as vlc

P = ParamSpec("P")
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

    @property
    def key(self) -> str:
        return json.dumps(self.spec, sort_keys=True, default=str)

    def html(self) -> str:
        # Vega marks its groups as graphics-symbol etc.; the chart is read as one image with
        # the text alternative and the data table beside it, so those roles are dropped
        inner = _ARIA.sub("", self.svg.strip())
        return re.sub(r"^<svg ", f'<svg role="img" aria-label="{escape(self.label)}" '
                      'focusable="false" ', inner, count=1)


def _render(spec: dict) -> str:
    # no base URL allowed: a chart can never fetch anything
    return vlc.vegalite_to_svg(spec, allowed_base_urls=[], format_locale="sv-SE")


_DRAWN: dict[str, str] = {}  # charts drawn earlier in this process (a re-publication)
_DRAWN_LIMIT = 2000


def render_all(jobs: list[ChartJob], pool: ThreadPoolExecutor) -> None:
    """Draws each distinct chart once (the same chart recurs across the reports of one
    publication), on the caller's threads: vl-convert releases the GIL, so a pool of two
    threads uses both cores."""
    unique = {job.key: job.spec for job in jobs if job.key not in _DRAWN}
    if unique:
        drawn = dict(zip(unique, pool.map(_render, unique.values()), strict=True))
        if len(_DRAWN) + len(drawn) > _DRAWN_LIMIT:
            _DRAWN.clear()
        _DRAWN.update(drawn)
    for job in jobs:
        job.svg = _DRAWN[job.key]


def _svg(chart: alt.TopLevelMixin, label: str) -> ChartJob:
    spec = chart.to_dict(validate=False)
    spec["config"] = _CONFIG
    return ChartJob(spec, label)


def _unchecked(build: Callable[P, ChartJob]) -> Callable[P, ChartJob]:
    """Builds the chart without Altair's debug-mode schema check of every object as it is
    made (about a second of CPU per publication, most of it compiling the schema in a fresh
    process). The specs are fixed by this module, tested, and checked again by vl-convert."""
    @functools.wraps(build)
    def unchecked(*args: P.args, **kwargs: P.kwargs) -> ChartJob:
        with alt.utils.schemapi.debug_mode(False):
            return build(*args, **kwargs)
    return unchecked


@_unchecked
def monthly_outcome(rows: list[dict], label: str) -> ChartJob:
    """Outcome per month as bars and the month's budget as a dashed line with point marks."""
    data = alt.Data(values=[{"månad": r["month_label"], "Utfall": float(r["outcome_mnkr"]),
                             "Budget": float(r["budget_mnkr"])} for r in rows])
    base = alt.Chart(data).encode(x=alt.X("månad:N", sort=None, title="Månad"))
    bars = base.mark_bar(color="#0072B2").encode(
        y=alt.Y("Utfall:Q", title="mnkr"))
    line = base.mark_line(color=INK, strokeDash=[6, 3], point=alt.OverlayMarkDef(
        shape="diamond", color=INK, size=50)).encode(y="Budget:Q")
    return _svg((bars + line).properties(width=520, height=200), label)


@_unchecked
def funding_by_year(rows: list[dict], label: str) -> ChartJob:
    """Stacked bars: who paid each year, in the funding order."""
    values = [{"år": str(r["year"]), "källa": r["source_label"], "mnkr": float(r["mnkr"]),
               "ordning": r["order"]} for r in rows]
    chart = alt.Chart(alt.Data(values=values)).mark_bar().encode(
        x=alt.X("år:N", title="År"),
        y=alt.Y("mnkr:Q", title="mnkr", stack="zero"),
        color=alt.Color("källa:N", title="Finansiering",
                        scale=alt.Scale(domain=list(SOURCE_COLOURS),
                                        range=list(SOURCE_COLOURS.values()))),
        order=alt.Order("ordning:Q"),
    ).properties(width=360, height=200)
    return _svg(chart, label)


@_unchecked
def indicator_vs_target(rows: list[dict], unit: str, label: str) -> ChartJob:
    """Outcome as a solid line with circles, the target as a dashed line with squares."""
    values = []
    for r in rows:
        if r["outcome"] is not None:
            values.append({"år": str(r["year"]), "serie": "Utfall", "värde": float(r["outcome"])})
        if r["target"] is not None:
            values.append({"år": str(r["year"]), "serie": "Målnivå", "värde": float(r["target"])})
    chart = alt.Chart(alt.Data(values=values)).mark_line(point=True).encode(
        x=alt.X("år:N", title="År"),
        y=alt.Y("värde:Q", title=unit or "värde", scale=alt.Scale(zero=False)),
        color=alt.Color("serie:N", title="Serie", scale=alt.Scale(
            domain=["Utfall", "Målnivå"], range=["#0072B2", "#1a1a1a"])),
        shape=alt.Shape("serie:N", scale=alt.Scale(domain=["Utfall", "Målnivå"],
                                                   range=["circle", "square"])),
        strokeDash=alt.StrokeDash("serie:N", scale=alt.Scale(
            domain=["Utfall", "Målnivå"], range=[[1, 0], [6, 3]])),
    ).properties(width=360, height=180)
    return _svg(chart, label)
