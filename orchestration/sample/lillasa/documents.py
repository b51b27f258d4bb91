"""Lillåsa's smaller sources: registry YAML, grants, the reports log, statistics and the
manifest of what was planted."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from orchestration.sample.documents import period_bounds, write_json
from orchestration.sample.lillasa import registry
from orchestration.sample.lillasa.plan import (
    AS_OF_DATE,
    CENTRES,
    DOUBLE_COMPENSATION,
    LATE_REPORT,
    MISSING_REPORT,
    PAYROLL_ONLY_ROW,
    UNKNOWN_CODE_LINE,
    monthly_targets,
)

# (grant id, grantor, programme, year, SEK, decided, use by, report due, object codes,
#  income object code, responsibility the income is booked on)
GRANTS = [
    ("LST-BRO-2023", "Länsstyrelsen", "Brottsförebyggande arbete", 2023, 900_000, "2023-02-14",
     "2023-12-31", "2024-03-31", "311|320|330", "390", "1010"),
    ("SKV-NV-2023", "Skolverket", "Insatser för ökad skolnärvaro", 2023, 400_000, "2023-03-09",
     "2023-12-31", "2024-03-31", "320", "392", "2010"),
    ("LST-BRO-2024", "Länsstyrelsen", "Brottsförebyggande arbete", 2024, 600_000, "2024-02-13",
     "2024-12-31", "2025-03-31", "311|320|330", "390", "1010"),
    ("SKV-NV-2024", "Skolverket", "Insatser för ökad skolnärvaro", 2024, 300_000, "2024-03-07",
     "2024-12-31", "2025-03-31", "320", "392", "2010"),
    ("SOS-VNR-2024", "Socialstyrelsen", "Stöd till arbete mot våld i nära relationer", 2024,
     150_000, "2024-04-10", "2024-12-31", "2025-03-31", "330|331", "393", "3010"),
]
# (grant id, submitted on, SEK used, SEK returned, participants, reference);
# SKV-NV-2023 was due on 2024-03-31 and has no report-back (planted).
GRANT_REPORTS = [
    ("LST-BRO-2023", "2024-02-20", 900_000, 0, "240", "KS 2024/31"),
]
MISSING_GRANT_REPORT = "SKV-NV-2023"


def write_registry(folder: Path) -> None:
    """One file for the governance model and one for the follow-up (a different split from
    Eskilstuna's four files)."""
    doc = registry.registry_document()
    parts = {
        "styrmodell.yaml": ["municipality", "ledger", "committees", "bodies", "funding_sources",
                            "mandate_projects", "initiatives", "allocations"],
        "uppfoljning.yaml": ["indicators", "required_reports"],
    }
    for name, keys in parts.items():
        text = yaml.safe_dump({k: doc[k] for k in keys}, allow_unicode=True, sort_keys=False,
                              width=100)
        (folder / name).write_text(text, encoding="utf-8")


def write_grants(folder: Path) -> None:
    # An extra column the contract does not name (allowed): the grantor's diary number.
    with (folder / "decisions.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["grant_id", "grantor", "programme", "recipient", "year", "amount_sek",
                    "decided_on", "use_by", "report_due", "object_codes", "income_object_code",
                    "grantor_reference"])
        for i, g in enumerate(GRANTS):
            w.writerow([g[0], g[1], g[2], registry.MUNICIPALITY["name"], g[3], f"{g[4]}.00",
                        g[5], g[6], g[7], g[8], g[9], f"{g[3]}-{101 + i}"])
    with (folder / "reports.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["grant_id", "submitted_on", "amount_used_sek", "amount_returned_sek",
                    "participants", "reference"])
        for r in GRANT_REPORTS:
            w.writerow([r[0], r[1], f"{r[2]}.00", f"{r[3]}.00", r[4], r[5]])


def write_delivered_reports(folder: Path) -> None:
    as_of = date.fromisoformat(AS_OF_DATE)
    rows = []
    for req in registry.REQUIRED_REPORTS:
        for year in range(req["first_year"], req["last_year"] + 1):
            for period, _, end in period_bounds(req["frequency"], year):
                key = (req["body"], req["initiative"], req["kind"], period)
                due = end + timedelta(days=req["due_days_after_period"])
                delivered = due - timedelta(days=2 + (year * 3 + len(period) * 5) % 11)
                if key == LATE_REPORT[:4]:
                    delivered = due + timedelta(days=LATE_REPORT[4])
                if key == MISSING_REPORT or delivered > as_of:
                    continue
                rows.append([delivered.isoformat(), req["body"], req["initiative"],
                             req["kind"], period, f"{req['body']} {delivered.year}/"
                             f"{(delivered.toordinal() % 90) + 1}"])
    rows.sort()
    with (folder / "delivered.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["delivered_on", "body", "initiative", "report_kind", "period", "reference"])
        w.writerows(rows)


def _scb_table(values: dict[str, int | None]) -> dict[str, Any]:
    years = sorted(values)
    missing = {str(i): ".." for i, y in enumerate(years) if values[y] is None}
    return {
        "version": "2.0",
        "class": "dataset",
        "label": "Unga som känner sig trygga i sitt bostadsområde efter region, "
                 "tabellinnehåll och år",
        "source": "SCB",
        "updated": "2024-04-30T06:00:00Z",
        "note": [".. = Uppgiften är inte tillgänglig."],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
        "id": ["Region", "ContentsCode", "Tid"],
        "size": [1, 1, len(years)],
        "dimension": {
            "Region": {"label": "region", "category": {"index": {"0799": 0},
                                                       "label": {"0799": "Lillåsa"}}},
            "ContentsCode": {"label": "tabellinnehåll", "category": {
                "index": {"TRYGGUNG": 0}, "label": {"TRYGGUNG": "Andel trygga unga, procent"},
                "unit": {"TRYGGUNG": {"base": "procent", "decimals": 0}}}},
            "Tid": {"label": "år", "category": {"index": {y: i for i, y in enumerate(years)},
                                               "label": {y: y for y in years}}},
        },
        "value": [values[y] for y in years],
        "status": missing,
        "extension": {"px": {"tableid": "LE0106TRY", "language": "sv"}},
    }


def _kolada(kpi: str, outcomes: dict[int, float]) -> dict[str, Any]:
    values = [{"kpi": kpi, "municipality": "0799", "period": year, "values": [
        {"gender": "T", "status": "", "value": value}]} for year, value in sorted(outcomes.items())]
    return {"count": len(values), "values": values}


# Outcomes: skadegörelse (lower is better) meets its 2023 target, skolnärvaro misses it, and
# the SCB table has no 2023 value yet (planted: indicator without outcome).
KOLADA = {"N07XX3": {2022: 14.2, 2023: 12.4}, "N15XX7": {2022: 82.0, 2023: 83.5}}
SCB_TRYGGHET = {"2021": 71, "2022": 72, "2023": None}


def write_survey(folder: Path) -> None:
    (folder / "scb").mkdir()
    (folder / "kolada").mkdir()
    write_json(folder / "scb" / "LE0106TRY_0799.json", _scb_table(SCB_TRYGGHET))
    write_json(folder / "scb" / "LE0106TRY_0799.json.meta.json", {
        "request_url": "https://api.scb.se/OV0104/v2beta/api/v2/tables/LE0106TRY/data?lang=sv"
                       "&valueCodes[Region]=0799&valueCodes[ContentsCode]=TRYGGUNG"
                       "&valueCodes[Tid]=2021,2022,2023&outputFormat=json-stat2",
        "fetched_at": "2024-06-01T05:00:00Z", "status": 200, "table_id": "LE0106TRY"})
    for kpi, outcomes in KOLADA.items():
        write_json(folder / "kolada" / f"{kpi}_0799.json", _kolada(kpi, outcomes))
        write_json(folder / "kolada" / f"{kpi}_0799.json.meta.json", {
            "request_url": f"https://api.kolada.se/v3/data/kpi/{kpi}/municipality/0799/year/"
                           + ",".join(str(y) for y in outcomes),
            "fetched_at": "2024-06-01T05:00:00Z", "status": 200, "kpi": kpi})


def manifest(scale: str, seed: int, ledger_style: str, counts: dict[str, int]) -> dict[str, Any]:
    """The planted problems (same vocabulary as Eskilstuna's manifest) and the figures."""
    targets = monthly_targets()
    y, m, resp, code, ore = UNKNOWN_CODE_LINE
    problems: list[dict[str, Any]] = [
        {"kind": "missing_report", "body": MISSING_REPORT[0], "initiative": MISSING_REPORT[1],
         "report_kind": MISSING_REPORT[2], "period": MISSING_REPORT[3]},
        {"kind": "late_report", "body": LATE_REPORT[0], "initiative": LATE_REPORT[1],
         "report_kind": LATE_REPORT[2], "period": LATE_REPORT[3], "days_late": LATE_REPORT[4]},
        {"kind": "indicator_no_outcome", "indicator": "trygghet_unga", "year": 2023},
        {"kind": "unknown_object_code", "object_code": code, "period": f"{y}-{m:02d}",
         "amount_sek": f"{ore // 100}.{ore % 100:02d}"},
    ]
    y, m, key, ore = PAYROLL_ONLY_ROW
    problems.append({"kind": "payroll_vs_ledger", "period": f"{y}-{m:02d}",
                     "object_code": CENTRES[key].object_code, "account": "5020",
                     "difference_sek": f"-{ore // 100}.00"})
    y, m, key = DOUBLE_COMPENSATION
    surplus = targets[(key, y, m)]
    problems.append({"kind": "internal_compensation", "period": f"{y}-{m:02d}",
                     "committee": CENTRES[key].committee, "initiative": CENTRES[key].initiative,
                     "object_code": CENTRES[key].object_code,
                     "difference_sek": f"{surplus // 100}.{surplus % 100:02d}"})
    problems.append({"kind": "grant_report_missing", "grant_id": MISSING_GRANT_REPORT})
    return {
        "generator": "orchestration.sample", "profile": "lillasa", "scale": scale, "seed": seed,
        "ledger_style": ledger_style, "as_of_date": AS_OF_DATE, "counts": counts,
        "figures": {
            "shared_grant": {"grant_id": "LST-BRO-2023", "shares_sek": {
                "fritid_unga": "450000.00", "skolnarvaro": "300000.00",
                "trygg_hemma": "150000.00"}},
            "mandate_used_sek": {"2023": "2490000.00", "2024": "925000.00"},
            "mandate_available_2024_sek": "2510000.00",
            "frame_sek": {"skolnarvaro": {"2023": "500000.00", "2024": "0.00"},
                          "trygg_hemma": {"2023": "450000.00", "2024": "0.00"}},
        },
        "planted_problems": problems,
    }
