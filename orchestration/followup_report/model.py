"""What one report holds: the body, the period and every figure, read from the marts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import duckdb

from orchestration.followup_report.indicators import indicator_rows
from orchestration.followup_report.periods import Period, parse_period
from orchestration.followup_report.queries import Marts, has_table, rows

ZERO = Decimal(0)
BUDGET_TOLERANCE = Decimal("0.05")  # within ±5 % of the period's budget counts as within
SOURCE_ORDER = {"state_grant": 1, "mandate": 2, "frame": 3}
SOURCE_SHORT = {"state_grant": "Statsbidrag", "mandate": "Mandatmedel", "frame": "Ram"}
REPORT_STATUS = {"delivered": ("levererad", "s-ok", "✓"), "late": ("för sent", "s-warn", "!"),
                 "missing": ("saknas", "s-bad", "✗"), "not_yet_due": ("ej förfallen", "s-none",
                                                                      "…")}
GRANT_STATUS = {"reported": ("återrapporterad", "s-ok", "✓"),
                "reported_late": ("återrapporterad för sent", "s-warn", "!"),
                "missing": ("återrapport saknas", "s-bad", "✗"),
                "not_yet_due": ("ej förfallen", "s-none", "…")}
SEVERITY = {"critical": "kritisk", "warning": "varning"}


@dataclass(frozen=True)
class ReportSpec:
    body: str
    period: Period
    preliminary: bool

    @property
    def slug(self) -> str:
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in self.body)
        return f"{safe}-{self.period.code}"


@dataclass(frozen=True)
class Publication:
    version: str
    as_of: date
    published_at: str


def publication(conn: duckdb.DuckDBPyConnection, fallback_as_of: date) -> Publication:
    if has_table(conn, None, "publication"):
        r = rows(conn, "select version, as_of_date, cast(published_at as varchar) as at "
                 "from publication limit 1")
        if r:
            return Publication(r[0]["version"], date.fromisoformat(str(r[0]["as_of_date"])),
                               r[0]["at"][:19])
    return Publication("ej publicerad (arbetsdatabasen)", fallback_as_of, "")


def report_specs(conn: duckdb.DuckDBPyConnection, as_of: date) -> list[ReportSpec]:
    """One report per body and calendar period that has ended, and the current one."""
    specs = []
    for r in rows(conn, "select distinct body, period from marts.rpt_reporting_compliance "
                  "order by body, period"):
        p = parse_period(r["period"])
        if p.end < as_of:
            specs.append(ReportSpec(r["body"], p, False))
        elif p.start <= as_of:
            specs.append(ReportSpec(r["body"], p, True))
    return specs


def _status(used: Decimal, budget: Decimal) -> tuple[str, str, str]:
    if budget == 0 and used == 0:
        return ("ingen budget, inget utfall", "s-none", "–")
    if budget == 0:
        return ("över budget", "s-bad", "▲")
    ratio = (used - budget) / budget
    if ratio > BUDGET_TOLERANCE:
        return ("över budget", "s-bad", "▲")
    if ratio < -BUDGET_TOLERANCE:
        return ("under budget", "s-warn", "▼")
    return ("inom budget", "s-ok", "✓")


def _up_to(code: str | None, end: date) -> bool:
    """Whether a finding about period `code` (a month, a year, a calendar period, or none)
    belongs in a report of a period ending `end`: one about no period, or one that started by
    then and is still open. A code that cannot be read is shown rather than hidden."""
    if not code:
        return True
    try:
        return parse_period(code).start <= end
    except ValueError:
        return True


def _sum(items: list[dict], key: str) -> Decimal:
    return sum((r[key] or ZERO for r in items), ZERO)


def build_context(conn: Marts, spec: ReportSpec, pub: Publication
                  ) -> dict[str, Any]:
    p = spec.period
    names = {r["committee_id"]: r["committee_name"]
             for r in conn.rows("select committee_id, committee_name from marts.dim_committees")}
    source_names = {r["funding_source_id"]: r["funding_source_name"] for r in conn.rows(
        "select * from marts.dim_funding_sources")}
    all_initiatives = conn.rows("select * from marts.dim_initiatives order by initiative_id")
    calendar = conn.rows("select * from marts.rpt_reporting_compliance where body = ? "
                    "order by period_end, initiative_id, report_kind", [spec.body])
    named = {r["initiative_id"] for r in calendar}
    in_scope = [i for i in all_initiatives
                if "programme" in named or i["initiative_id"] in named]
    ids = [i["initiative_id"] for i in in_scope]
    through = conn.rows("select max(month) as m from marts.fct_ledger_lines where year = ?",
                   [p.year])[0]["m"] or 0
    last_month = min(p.last_month, through) if spec.preliminary else p.last_month

    money = conn.rows("select * from marts.rpt_budget_vs_outcome where year = ? and "
                 "list_contains(?, initiative_id) order by initiative_id, committee, "
                 "funding_source, month", [p.year, ids])
    in_period = [r for r in money if p.first_month <= r["month"] <= p.last_month]
    to_date = [r for r in in_period if r["month"] <= last_month]
    ytd = [r for r in money if r["month"] <= p.last_month]
    first = [r for r in money if r["month"] == 1]

    initiatives = []
    for ini in in_scope:
        iid = ini["initiative_id"]
        mine_p = [r for r in in_period if r["initiative_id"] == iid]
        mine_d = [r for r in to_date if r["initiative_id"] == iid]
        mine_y = [r for r in ytd if r["initiative_id"] == iid]
        mine_1 = [r for r in first if r["initiative_id"] == iid]
        lines = []
        for key in sorted({(r["committee"], r["funding_source"]) for r in mine_p},
                          key=lambda k: (k[0] or "", SOURCE_ORDER.get(k[1], 9))):
            sel_p = [r for r in mine_p if (r["committee"], r["funding_source"]) == key]
            sel_y = [r for r in mine_y if (r["committee"], r["funding_source"]) == key]
            sel_1 = [r for r in mine_1 if (r["committee"], r["funding_source"]) == key]
            line = {"committee": key[0], "committee_name": names.get(key[0], key[0]),
                    "source": source_names.get(key[1], key[1]),
                    "budget_period": _sum(sel_p, "budget_sek"),
                    "outcome_period": _sum(sel_p, "outcome_sek"),
                    "budget_year": _sum(sel_1, "budget_full_year_sek"),
                    "outcome_year": _sum(sel_y, "outcome_sek"),
                    "forecast_year": _sum(sel_1, "forecast_full_year_sek")}
            if any(v for k, v in line.items() if k.endswith(("period", "year"))):
                lines.append(line)
        budget_to_date = _sum(mine_d, "budget_sek")
        used_to_date = _sum(mine_d, "outcome_sek")
        monthly = []
        for m in range(1, p.last_month + 1):
            sel = [r for r in mine_y if r["month"] == m]
            monthly.append({"month": m, "month_label": f"{p.year}-{m:02d}",
                            "budget": _sum(sel, "budget_sek"), "outcome": _sum(sel, "outcome_sek")})
        initiatives.append({
            **ini, "owner_name": names.get(ini["owner_committee"], ini["owner_committee"]),
            "lines": lines, "monthly": monthly,
            "budget_period": _sum(mine_p, "budget_sek"),
            "outcome_period": _sum(mine_p, "outcome_sek"),
            "budget_year": _sum(mine_1, "budget_full_year_sek"),
            "outcome_year": _sum(mine_y, "outcome_sek"),
            "forecast_year": _sum(mine_1, "forecast_full_year_sek"),
            "status": _status(used_to_date, budget_to_date),
        })

    funding = conn.rows("select * from marts.rpt_funding_by_source where list_contains(?, "
                   "initiative_id) and year <= ? order by initiative_id, year", [ids, p.year])
    costs = {(r["initiative_id"], r["year"]): r for r in conn.rows(
        "select * from marts.rpt_cost_results where list_contains(?, initiative_id)", [ids])}
    mandate = conn.rows("select * from marts.rpt_mandate_projects where year <= ? and "
                   "list_contains(?, mandate_project_code) order by mandate_project_code, year",
                   [p.year, [i["mandate_project"] for i in in_scope if i["mandate_project"]]])
    for ini in initiatives:
        iid = ini["initiative_id"]
        years = sorted({r["year"] for r in funding if r["initiative_id"] == iid})
        ini["funding"] = [{
            "year": y,
            "by_source": {r["funding_source"]: r["amount_sek"] for r in funding
                          if r["initiative_id"] == iid and r["year"] == y},
            "cost": next((r["cost_sek"] for r in funding
                          if r["initiative_id"] == iid and r["year"] == y), ZERO),
            "fte": costs.get((iid, y), {}).get("fte"),
            "participants": costs.get((iid, y), {}).get("participants"),
        } for y in years]
        ini["carry_over"] = [m for m in mandate if m["year"] == p.year
                             and m["mandate_project_code"] == ini["mandate_project"]]

    grants = conn.rows("select * from marts.rpt_grant_followup where grant_year <= ? "
                  "order by grant_year, grant_id", [p.year])
    for g in grants:
        g["status"] = GRANT_STATUS.get(g["report_status"], (g["report_status"], "s-none", "?"))
        used = g["amount_used_sek"] if g["amount_used_sek"] is not None else g["amount_spent_sek"]
        g["left"] = (g["amount_sek"] - (used or ZERO) - (g["amount_returned_sek"] or ZERO))
        g["overdue"] = g["report_status"] == "missing"

    for c in calendar:
        c["status_label"] = REPORT_STATUS.get(c["status"], (c["status"], "s-none", "?"))
        c["initiative_name"] = next((i["initiative_name"] for i in all_initiatives
                                     if i["initiative_id"] == c["initiative_id"]),
                                    "hela programmet" if c["initiative_id"] == "programme"
                                    else c["initiative_id"])
    shown_calendar = [c for c in calendar if c["period_end"] <= p.end and (
        c["period_end"].year == p.year or c["status"] in ("missing", "late"))]
    for ini in initiatives:
        mine = [c for c in conn.rows("select * from marts.rpt_reporting_compliance where "
                                "initiative_id = ? and period_end <= ? and year(period_end) = ?",
                                [ini["initiative_id"], p.end, p.year])]
        missing = sum(1 for c in mine if c["status"] == "missing")
        late = sum(1 for c in mine if c["status"] == "late")
        if missing:
            ini["report_status"] = (f"{missing} saknas", "s-bad", "✗")
        elif late:
            ini["report_status"] = (f"{late} för sent", "s-warn", "!")
        elif mine:
            ini["report_status"] = ("levererade", "s-ok", "✓")
        else:
            ini["report_status"] = ("inga krav", "s-none", "–")

    indicators = indicator_rows(conn, ids)
    for ini in initiatives:
        year_rows = [(ind, y) for ind in indicators if ini["initiative_id"] in ind["serves"]
                     for y in ind["years"] if y["year"] == p.year and y["whole"]]
        ini["indicator_status"] = [(ind["indicator_name"], y) for ind, y in year_rows]

    # a total order: with ties (one check and subject in two periods) the HTML, and so the
    # PDF's reuse key, would change between two publications of the same marts
    findings = [f for f in conn.rows(
        "select * from marts.fct_findings where is_open order by severity, first_seen_on, "
        "check_name, subject, period, finding_id") if _up_to(f["period"], p.end)]
    for f in findings:
        f["severity_label"] = SEVERITY.get(f["severity"], f["severity"])
    key_findings = sorted(findings, key=lambda f: (f["severity"] != "critical",
                                                   f["check_name"] != "reporting_delivered",
                                                   -(abs(f["amount_sek"] or 0))))[:5]

    totals = {
        "budget_period": _sum(in_period, "budget_sek"),
        "outcome_period": _sum(in_period, "outcome_sek"),
        "budget_year": _sum(first, "budget_full_year_sek"),
        "outcome_year": _sum(ytd, "outcome_sek"),
        "forecast_year": _sum(first, "forecast_full_year_sek"),
    }
    totals["left_period"] = totals["budget_period"] - totals["outcome_period"]
    totals["left_year"] = totals["budget_year"] - totals["outcome_year"]
    totals["mandate_used_year"] = sum((m["mandate_used_sek"] for m in mandate
                                       if m["year"] == p.year), ZERO)
    totals["grants_year"] = sum((g["amount_sek"] for g in grants if g["grant_year"] == p.year),
                                ZERO)

    monthly = []
    for m in range(1, p.last_month + 1):
        sel = [r for r in ytd if r["month"] == m]
        monthly.append({"month": m, "month_label": f"{p.year}-{m:02d}",
                        "budget": _sum(sel, "budget_sek"), "outcome": _sum(sel, "outcome_sek"),
                        "budget_mnkr": _sum(sel, "budget_sek") / 1_000_000,
                        "outcome_mnkr": _sum(sel, "outcome_sek") / 1_000_000})
    funding_years = []
    for y in sorted({r["year"] for r in funding}):
        sel = [r for r in funding if r["year"] == y]
        by = {s: sum((r["amount_sek"] for r in sel if r["funding_source"] == s), ZERO)
              for s in SOURCE_ORDER}
        funding_years.append({"year": y, "by_source": by, "cost": sum(by.values(), ZERO)})
    chart_funding = [{"year": f["year"], "source_label": SOURCE_SHORT[s],
                      "order": SOURCE_ORDER[s], "mnkr": f["by_source"][s] / 1_000_000}
                     for f in funding_years for s in SOURCE_ORDER]

    # the ledger and payroll files up to the period's end, as the figures: later months leave
    # a closed period's report as it was (and its PDF reused)
    ledger_files = conn.rows("select source_file, max(voucher_date) as last_voucher, count(*) "
                             "as lines from marts.fct_ledger_lines where voucher_date <= ? "
                             "group by source_file order by source_file", [p.end])
    payroll_files = conn.rows("select min(period) as first, max(period) as last, "
                              "count(distinct source_file) as files from "
                              "marts.fct_payroll_monthly where month <= ?", [p.end])
    return {
        "spec": spec, "body": spec.body, "body_name": names.get(spec.body, spec.body),
        "period": p, "period_label": p.label(), "preliminary": spec.preliminary,
        "data_through": f"{p.year}-{last_month:02d}" if last_month else None,
        "pub": pub, "initiatives": initiatives, "totals": totals, "mandate": mandate,
        "grants": grants, "indicators": indicators, "calendar": shown_calendar,
        "findings": findings, "key_findings": key_findings, "ledger_files": ledger_files,
        "payroll": payroll_files[0] if payroll_files else None, "names": names,
        "tolerance": BUDGET_TOLERANCE, "monthly": monthly, "funding_years": funding_years,
        "chart_funding_rows": chart_funding,
    }
