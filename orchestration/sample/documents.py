"""The sample's smaller sources: registry YAML, grant decisions and report-backs, the log of
delivered reports, SCB and Kolada responses, and the manifest of what was planted."""

from __future__ import annotations

import calendar
import csv
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from orchestration.sample import registry
from orchestration.sample.plan import AS_OF_DATE

# (grant id, grantor, programme, year, SEK, decided, use by, report due, object codes,
#  income object code, responsibility and activity the income is booked on)
GRANTS = [
    ("SOS-UO-2021", "Socialstyrelsen", "Sociala insatser för barn och unga i utsatta områden",
     2021, 6_300_000, "2021-03-15", "2021-12-31", "2022-03-31", "7101|7102", "7100", "1010"),
    ("SOS-UO-2022", "Socialstyrelsen", "Sociala insatser för barn och unga i utsatta områden",
     2022, 11_300_000, "2022-03-10", "2022-12-31", "2023-03-31", "7101|7102", "7100", "1010"),
    ("SOS-UO-2023", "Socialstyrelsen", "Sociala insatser för barn och unga i utsatta områden",
     2023, 6_300_000, "2023-03-08", "2023-12-31", "2024-03-31", "7101|7102", "7100", "1010"),
    ("SOS-LOV-2021", "Socialstyrelsen", "Lovstöd", 2021, 4_200_000, "2021-02-19",
     "2021-12-31", "2022-03-31", "7201", "7200", "1010"),
    ("SOS-LOV-2022", "Socialstyrelsen", "Lovstöd", 2022, 700_000, "2022-02-18", "2022-12-31",
     "2023-03-31", "7201", "7200", "1010"),
    ("SKV-EH-2021", "Skolverket", "Förstärkt elevhälsa", 2021, 2_500_000, "2021-01-29",
     "2021-12-31", "2022-03-31", "7401|7402", "7400", "5020"),
    ("SKV-EH-2022", "Skolverket", "Förstärkt elevhälsa", 2022, 2_500_000, "2022-01-28",
     "2022-12-31", "2023-03-31", "7401|7402", "7400", "5020"),
    ("SKV-EH-2023", "Skolverket", "Förstärkt elevhälsa", 2023, 2_500_000, "2023-01-27",
     "2023-12-31", "2024-03-31", "7401|7402", "7400", "5020"),
]
_ACTIVITY_OF = {"1010": "100", "5020": "440"}
_PROJECT_OF = {"7100": "9120", "7200": "9120", "7400": ""}
# (grant id, submitted on, SEK used, SEK returned, participants, reference);
# SKV-EH-2022 has no report-back although it was due on 2023-03-31 (planted).
GRANT_REPORTS = [
    ("SOS-UO-2021", "2022-03-25", 6_300_000, 0, "410", "SN 2022/118"),
    ("SOS-UO-2022", "2023-03-28", 11_300_000, 0, "865", "SN 2023/097"),
    ("SOS-LOV-2021", "2022-03-18", 4_200_000, 0, "29800", "KFN 2022/041"),
    ("SOS-LOV-2022", "2023-03-20", 700_000, 0, "35200", "KFN 2023/036"),
    ("SKV-EH-2021", "2022-03-30", 2_500_000, 0, "", "GSN 2022/077"),
]
MISSING_REPORTS = {("KS", "trygga_unga", "uppfoljning", "2021-H2"),
                   ("KS", "trygga_unga", "uppfoljning", "2022-H1")}


def write_json(path: Path, doc: Any) -> None:
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n",
                    encoding="utf-8")


def write_registry(folder: Path) -> None:
    doc = registry.registry_document()
    parts = {
        "governance.yaml": ["municipality", "ledger", "committees", "bodies", "funding_sources"],
        "programme.yaml": ["mandate_projects", "initiatives", "allocations"],
        "indicators.yaml": ["indicators"],
        "reporting.yaml": ["required_reports"],
    }
    for name, keys in parts.items():
        text = yaml.safe_dump({k: doc[k] for k in keys}, allow_unicode=True, sort_keys=False,
                              width=100)
        (folder / name).write_text(text, encoding="utf-8")


def post_grant_income(writer: Any, year: int, month: int) -> None:
    """Each grant's income is booked in full in the month it is decided."""
    for g in GRANTS:
        decided = date.fromisoformat(g[5])
        if (decided.year, decided.month) != (year, month):
            continue
        ore = g[4] * 100
        resp, income_code = g[10], g[9]
        objects = {1: resp, 21: _ACTIVITY_OF[resp], 6: _PROJECT_OF[income_code],
                   22: income_code}
        writer.voucher("M", decided.strftime("%Y%m%d"), f"Statsbidrag {g[0]} {g[1]}",
                       [("1930", {}, ore, None), ("3510", objects, -ore, g[2])])


def write_grants(folder: Path) -> None:
    with (folder / "decisions.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["grant_id", "grantor", "programme", "recipient", "year", "amount_sek",
                    "decided_on", "use_by", "report_due", "object_codes", "income_object_code"])
        for g in GRANTS:
            w.writerow([g[0], g[1], g[2], registry.MUNICIPALITY["name"], g[3], f"{g[4]}.00",
                        g[5], g[6], g[7], g[8], g[9]])
    with (folder / "reports.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["grant_id", "submitted_on", "amount_used_sek", "amount_returned_sek",
                    "participants", "reference"])
        for r in GRANT_REPORTS:
            w.writerow([r[0], r[1], f"{r[2]}.00", f"{r[3]}.00", r[4], r[5]])


def period_bounds(frequency: str, year: int) -> list[tuple[str, date, date]]:
    """The reporting periods of a year: (label, first day, last day)."""
    def month_end(y: int, m: int) -> date:
        return date(y, m, calendar.monthrange(y, m)[1])

    spans = {
        "yearly": [("", 1, 12)],
        "half_yearly": [("-H1", 1, 6), ("-H2", 7, 12)],
        "tertial": [("-T1", 1, 4), ("-T2", 5, 8), ("-T3", 9, 12)],
        "quarterly": [(f"-Q{q}", 3 * q - 2, 3 * q) for q in range(1, 5)],
        "monthly": [(f"-{m:02d}", m, m) for m in range(1, 13)],
    }[frequency]
    return [(f"{year}{suffix}", date(year, a, 1), month_end(year, b)) for suffix, a, b in spans]


def write_delivered_reports(folder: Path) -> None:
    as_of = date.fromisoformat(AS_OF_DATE)
    rows = []
    for req in registry.REQUIRED_REPORTS:
        for year in range(req["first_year"], req["last_year"] + 1):
            for period, _, end in period_bounds(req["frequency"], year):
                key = (req["body"], req["initiative"], req["kind"], period)
                due = end + timedelta(days=req["due_days_after_period"])
                delivered = due - timedelta(days=3 + (len(period) * 7 + year) % 17)
                if key in MISSING_REPORTS or delivered > as_of or delivered <= end:
                    continue
                reference = f"{req['body']} {delivered.year}/§{(delivered.toordinal() % 180) + 1}"
                rows.append([delivered.isoformat(), req["body"], req["initiative"],
                             req["kind"], period, reference])
    rows.sort()
    with (folder / "delivered.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["delivered_on", "body", "initiative", "report_kind", "period", "reference"])
        w.writerows(rows)


def _scb_nri() -> dict[str, Any]:
    years = ["2019", "2020", "2021", "2022"]
    return {
        "version": "2.0",
        "class": "dataset",
        "label": "Nöjd Region-Index (NRI) Trygghet efter region, tabellinnehåll och år",
        "source": "SCB",
        "updated": "2021-06-30T06:00:00Z",
        "note": ["Indexet redovisas inte från och med 2021.",
                 ".. = Uppgiften är inte tillgänglig."],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
        "id": ["Region", "ContentsCode", "Tid"],
        "size": [1, 1, len(years)],
        "dimension": {
            "Region": {"label": "region", "category": {"index": {"0484": 0},
                                                       "label": {"0484": "Eskilstuna"}}},
            "ContentsCode": {"label": "tabellinnehåll", "category": {
                "index": {"NRITRYGG": 0}, "label": {"NRITRYGG": "NRI Trygghet, index 0-100"},
                "unit": {"NRITRYGG": {"base": "index", "decimals": 0}}}},
            "Tid": {"label": "år", "category": {"index": {y: i for i, y in enumerate(years)},
                                               "label": {y: y for y in years}}},
        },
        "value": [40, 38, None, None],
        "status": {"2": "..", "3": ".."},
        "extension": {"px": {"tableid": "ME0003NRI", "language": "sv"}},
    }


def _kolada(kpi: str, outcomes: dict[int, float]) -> dict[str, Any]:
    values = []
    for year, value in sorted(outcomes.items()):
        values.append({"kpi": kpi, "municipality": "0484", "period": year, "values": [
            {"gender": "T", "status": "", "value": value},
            {"gender": "K", "status": "", "value": round(value + 0.8, 1)},
            {"gender": "M", "status": "", "value": round(value - 0.9, 1)},
        ]})
    return {"count": len(values), "values": values}


def write_survey(folder: Path) -> None:
    (folder / "scb").mkdir()
    (folder / "kolada").mkdir()
    base = "https://api.scb.se/OV0104/v2beta/api/v2/tables/ME0003NRI/data"
    write_json(folder / "scb" / "ME0003NRI_0484.json", _scb_nri())
    write_json(folder / "scb" / "ME0003NRI_0484.json.meta.json", {
        "request_url": f"{base}?lang=sv&valueCodes[Region]=0484&valueCodes[ContentsCode]="
                       "NRITRYGG&valueCodes[Tid]=2019,2020,2021,2022&outputFormat=json-stat2",
        "fetched_at": "2023-06-01T05:00:00Z", "status": 200, "table_id": "ME0003NRI"})
    kolada = {"N15XX1": {2020: 78.0, 2021: 80.5, 2022: 79.0},
              "N15XX2": {2019: 31.0, 2020: 32.5, 2021: 35.2, 2022: 36.1}}
    for kpi, outcomes in kolada.items():
        write_json(folder / "kolada" / f"{kpi}_0484.json", _kolada(kpi, outcomes))
        write_json(folder / "kolada" / f"{kpi}_0484.json.meta.json", {
            "request_url": f"https://api.kolada.se/v3/data/kpi/{kpi}/municipality/0484/year/"
                           + ",".join(str(y) for y in outcomes),
            "fetched_at": "2023-06-01T05:00:00Z", "status": 200, "kpi": kpi})


def manifest(scale: str, seed: int, counts: dict[str, int]) -> dict[str, Any]:
    """What the sample must reproduce (domain.md's figures) and the problems planted in it."""
    from orchestration.sample.plan import (
        CENTRES,
        COMPENSATION_SHORTFALL,
        PAYROLL_ONLY_ROW,
        UNKNOWN_CODE_LINES,
    )

    problems: list[dict[str, Any]] = [
        {"kind": "missing_report", "body": b, "initiative": i, "report_kind": k, "period": p}
        for b, i, k, p in sorted(MISSING_REPORTS)
    ]
    problems += [{"kind": "indicator_no_outcome", "indicator": "nri_trygghet", "year": y}
                 for y in (2021, 2022)]
    problems.append({"kind": "initiative_without_target", "initiative": "trygg_saker_skola"})
    problems += [{"kind": "unknown_object_code", "object_code": code,
                  "period": f"{y}-{m:02d}", "amount_sek": f"{ore // 100}.{ore % 100:02d}"}
                 for y, m, _, _, code, ore in UNKNOWN_CODE_LINES]
    y, m, key, ore = PAYROLL_ONLY_ROW
    problems.append({"kind": "payroll_vs_ledger", "period": f"{y}-{m:02d}",
                     "object_code": CENTRES[key].object_code, "account": "5020",
                     "difference_sek": f"{ore // 100}.00"})
    y, m, key, ore = COMPENSATION_SHORTFALL
    problems.append({"kind": "internal_compensation", "period": f"{y}-{m:02d}",
                     "committee": CENTRES[key].committee,
                     "initiative": CENTRES[key].initiative,
                     "object_code": CENTRES[key].object_code,
                     "difference_sek": f"{ore // 100}.00"})
    problems.append({"kind": "grant_report_missing", "grant_id": "SKV-EH-2022"})
    return {
        "generator": "orchestration.sample", "scale": scale, "seed": seed,
        "as_of_date": AS_OF_DATE, "counts": counts,
        "figures": {
            "mandate_allocation_per_year_sek": "10000000.00",
            "mandate_used_sek": {"2020": "4500000.00", "2021": "0.00", "2022": "12600000.00"},
            "mandate_budget_2023_sek": "21800000.00",
            "grant_utsatta_omraden_sek": {"2021": "6300000.00", "2022": "11300000.00",
                                          "2023": "6300000.00"},
            "external_money_2021_sek": "13000000.00",
            "trygga_unga_jan_aug_2022_sek": {"KFN": "5600000.00", "SN": "5000000.00"},
            "lovstod_2022": {"cost_sek": "5700000.00", "participants": 35200,
                             "share_associations": "0.66"},
            "trygghetspaketet_budget_sek": "184000000.00",
            "jobbcentrum_allocation_per_year_sek": "20000000.00",
            "nri_trygghet": {"baseline_2019": 40, "targets": {"2020": 45, "2021": 47,
                                                               "2022": 49},
                             "outcome_2020": 38, "outcomes_missing": [2021, 2022]},
        },
        "planted_problems": problems,
    }
