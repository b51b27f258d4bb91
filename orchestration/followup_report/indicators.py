"""The indicator section's reading of `rpt_indicator_status`. Today the mart says met /
not_met / no_outcome / no_target; the indicators issue adds an assessment, a trend and a reason
column. Where those columns exist they are used as they are; otherwise they are derived here
from today's columns, so switching over is a matter of the columns landing."""

from __future__ import annotations

from typing import Any

from orchestration.followup_report.queries import Marts

# (label, css class, symbol): a word and a symbol as well as a colour
ASSESSMENTS = {
    "uppfyllt": ("uppfyllt", "s-ok", "✓"),
    "delvis_uppfyllt": ("delvis uppfyllt", "s-warn", "◐"),
    "ej_uppfyllt": ("ej uppfyllt", "s-bad", "✗"),
    "bedomning_saknas": ("bedömning saknas", "s-none", "?"),
    "ingen_malniva": ("ingen målnivå", "s-none", "–"),
}
_FROM_STATUS = {"met": "uppfyllt", "not_met": "ej_uppfyllt", "no_outcome": "bedomning_saknas",
                "no_target": "ingen_malniva"}
TRENDS = {"forbattrad": ("förbättrad", "↗"), "oforandrad": ("oförändrad", "→"),
          "forsamrad": ("försämrad", "↘")}
# the indicators issue's columns, used where the mart has them
OPTIONAL_COLUMNS = ("assessment", "assessment_label", "trend_vs_previous",
                    "trend_vs_previous_label", "no_assessment_reason",
                    "no_assessment_reason_label", "area_id", "area_name",
                    "is_whole_municipality", "peer_rank", "peer_count", "peers_compared",
                    "peer_median", "peer_band_label")
_STATUS_MARKS = {"..": "uppgiften saknas hos källan (..)", ".": "uppgift kan inte förekomma (.)",
                 "-": "inget att redovisa (-)"}


def _key(value: str | None) -> str | None:
    if value is None:
        return None
    v = value.strip().lower()
    for a, b in (("ä", "a"), ("å", "a"), ("ö", "o"), (" ", "_")):
        v = v.replace(a, b)
    return v


def _reason(source_kind: str, outcome_status: str | None, later_outcome: bool) -> str:
    source = {"scb": "SCB", "kolada": "Kolada"}.get(source_kind, source_kind)
    if outcome_status in _STATUS_MARKS:
        why = f"{source}: {_STATUS_MARKS[outcome_status]}"
    else:
        why = f"{source} har inget utfall för året"
    if not later_outcome:
        why += "; inget senare utfall finns, källan publicerar inte längre värdet"
    return why


def _trend(previous: float | None, current: float | None, higher_is_better: bool) -> str | None:
    if previous is None or current is None:
        return None
    if current == previous:
        return "oforandrad"
    better = current > previous if higher_is_better else current < previous
    return "forbattrad" if better else "forsamrad"


def indicator_rows(conn: Marts, initiative_ids: list[str]
                   ) -> list[dict[str, Any]]:
    """One entry per indicator that follows up any of the initiatives, with its years."""
    cols = conn.table_columns("rpt_indicator_status")
    extra = [c for c in OPTIONAL_COLUMNS if c in cols]
    indicators = conn.rows("select * from marts.dim_indicators order by indicator_id")
    years = conn.rows(f"select indicator_id, year, baseline_year, baseline, target, outcome, "
                 f"outcome_status, status{''.join(', ' + c for c in extra)} "
                 "from marts.rpt_indicator_status order by indicator_id, year"
                 f"{', area_id' if 'area_id' in extra else ''}")
    out = []
    wanted = set(initiative_ids)
    for ind in indicators:
        serves = {s.strip() for s in (ind.get("initiatives") or "").split(",") if s.strip()}
        if wanted and not serves & wanted:
            continue
        mine = [y for y in years if y["indicator_id"] == ind["indicator_id"]]
        previous = None
        for i, y in enumerate(mine):
            key = _key(y.get("assessment")) or _FROM_STATUS.get(y["status"], "bedomning_saknas")
            label, css, symbol = ASSESSMENTS.get(key, (y.get("assessment") or y["status"],
                                                       "s-none", "?"))
            if "trend_vs_previous" in y:
                trend = _key(y["trend_vs_previous"])
            else:
                trend = _trend(previous, y["outcome"], bool(ind["higher_is_better"]))
            y["assessment_label"] = y.get("assessment_label") or label
            y["css"], y["symbol"] = css, symbol
            y["trend_label"], y["trend_symbol"] = TRENDS.get(trend or "", ("", ""))
            if y.get("trend_vs_previous_label"):
                y["trend_label"] = y["trend_vs_previous_label"]
            y["area"] = None if y.get("is_whole_municipality", True) else y.get("area_name")
            y["whole"] = y["area"] is None
            y["reason"] = y.get("no_assessment_reason_label") or y.get("no_assessment_reason")
            if key == "bedomning_saknas" and not y["reason"]:
                later = any(z["outcome"] is not None for z in mine[i + 1:])
                y["reason"] = _reason(ind["source_kind"], y["outcome_status"], later)
            if y["outcome"] is not None and y["whole"]:
                previous = y["outcome"]
        out.append({**ind, "years": mine, "serves": sorted(serves),
                    "has_peers": any(y.get("peer_count") for y in mine)})
    return out
