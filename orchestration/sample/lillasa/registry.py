"""Lillåsa's governance registry: a small municipality's safety work 2023-2024.

Invented: no municipality of this name or code exists (0799 is not a Swedish municipality
code). Its shape deliberately differs from Eskilstuna's: no activity dimension, other SIE
dimension numbers, committees with several kinds of responsibility pattern (prefixes and an
exact code), an initiative with no mandate project, a grant shared by three initiatives, and a
calendar of quarterly and half-yearly reports."""

from __future__ import annotations

from typing import Any

MUNICIPALITY = {"code": "0799", "name": "Lillåsa kommun"}
ORGANISATION_NUMBER = "212000-9990"

# No activity dimension; responsibility, project and object under other numbers than 1/6/22.
DIMENSIONS = {"responsibility": 2, "project": 8, "object": 30}

COMMITTEES: list[dict[str, Any]] = [
    {"id": "KS", "name": "Kommunstyrelsen", "responsibility_codes": ["10*", "11*", "190"]},
    {"id": "BUN", "name": "Barn- och utbildningsnämnden",
     "responsibility_codes": ["20*", "21*", "25*"]},
    {"id": "SON", "name": "Socialnämnden", "responsibility_codes": ["30*", "31*", "3500"]},
    {"id": "KFN", "name": "Kultur- och fritidsnämnden", "responsibility_codes": ["40*"]},
    {"id": "TN", "name": "Tekniska nämnden", "responsibility_codes": ["50*", "51*"]},
]

BODIES: list[dict[str, Any]] = [
    {"id": "LBR", "name": "Lokala brottsförebyggande rådet"},
]

FUNDING_SOURCES = [
    {"id": "state_grant", "name": "Statsbidrag"},
    {"id": "mandate", "name": "Mandatperiodsmedel"},
    {"id": "frame", "name": "Ordinarie ram"},
]

MANDATE_PROJECTS = [
    {
        "code": "8400",
        "name": "Tryggt och levande Lillåsa",
        "holder": "KS",
        "first_year": 2023,
        "last_year": 2026,
        "allocation_per_year": 2_500_000,
        "carry_over": True,
    },
]

INITIATIVES: list[dict[str, Any]] = [
    {
        "id": "fritid_unga",
        "name": "Meningsfull fritid för unga",
        "owner": "KS",
        "run_by": ["KFN", "SON"],
        "object_codes": ["310", "311"],
        "mandate_project": "8400",
        "first_year": 2023,
        "last_year": 2026,
        "funding_order": ["state_grant", "mandate", "frame"],
    },
    {
        # no mandate project: grants first, the rest on the committee's frame
        "id": "skolnarvaro",
        "name": "Ökad skolnärvaro",
        "owner": "BUN",
        "run_by": ["BUN"],
        "object_codes": ["320"],
        "first_year": 2023,
        "last_year": 2025,
        "funding_order": ["state_grant", "frame"],
    },
    {
        "id": "trygg_hemma",
        "name": "Trygg hemma (våld i nära relationer)",
        "owner": "SON",
        "run_by": ["SON"],
        "object_codes": ["330", "331"],
        "first_year": 2023,
        "last_year": 2025,
        "funding_order": ["state_grant", "frame"],
    },
    {
        # mandate money first, no grants
        "id": "centrummiljo",
        "name": "Trygg centrummiljö",
        "owner": "KS",
        "run_by": ["TN", "KS"],
        "object_codes": ["340", "341"],
        "mandate_project": "8400",
        "first_year": 2023,
        "last_year": 2026,
        "funding_order": ["mandate", "frame"],
    },
]


def _alloc(initiative: str, year: int, source: str, amount: int) -> dict[str, Any]:
    return {"initiative": initiative, "year": year, "source": source, "amount": amount}


ALLOCATIONS: list[dict[str, Any]] = [
    _alloc("fritid_unga", 2023, "state_grant", 450_000),
    _alloc("fritid_unga", 2023, "mandate", 1_350_000),
    _alloc("fritid_unga", 2024, "state_grant", 300_000),
    _alloc("fritid_unga", 2024, "mandate", 1_500_000),
    _alloc("skolnarvaro", 2023, "state_grant", 700_000),
    _alloc("skolnarvaro", 2023, "frame", 500_000),
    _alloc("skolnarvaro", 2024, "state_grant", 500_000),
    _alloc("skolnarvaro", 2024, "frame", 700_000),
    _alloc("trygg_hemma", 2023, "state_grant", 150_000),
    _alloc("trygg_hemma", 2023, "frame", 450_000),
    _alloc("trygg_hemma", 2024, "state_grant", 250_000),
    _alloc("trygg_hemma", 2024, "frame", 350_000),
    _alloc("centrummiljo", 2023, "mandate", 1_140_000),
    _alloc("centrummiljo", 2024, "mandate", 1_000_000),
]

INDICATORS: list[dict[str, Any]] = [
    {
        "id": "skadegorelse",
        "name": "Anmälda skadegörelsebrott per 1 000 invånare",
        "source": {"kind": "kolada", "kpi": "N07XX3", "municipality": "0799"},
        "unit": "per_1000",
        "higher_is_better": False,  # fewer crimes is better
        "baseline": {"year": 2022, "value": 14.2},
        "targets": {2023: 13.0},
        "initiatives": ["centrummiljo", "fritid_unga"],
    },
    {
        "id": "skolnarvaro_andel",
        "name": "Elever i åk 7–9 med minst 90 % närvaro, andel (%)",
        "source": {"kind": "kolada", "kpi": "N15XX7", "municipality": "0799"},
        "unit": "percent",
        "higher_is_better": True,
        "baseline": {"year": 2022, "value": 82.0},
        "targets": {2023: 85.0},
        "initiatives": ["skolnarvaro"],
    },
    {
        "id": "trygghet_unga",
        "name": "Unga som känner sig trygga i sitt bostadsområde, andel (%)",
        "source": {"kind": "scb", "table": "LE0106TRY", "contents_code": "TRYGGUNG",
                   "region": "0799"},
        "unit": "percent",
        "higher_is_better": True,
        "baseline": {"year": 2021, "value": 71},
        "targets": {2022: 73, 2023: 75},
        "initiatives": ["trygg_hemma", "fritid_unga"],
    },
]

# Quarterly and half-yearly follow-up, besides the yearly report.
REQUIRED_REPORTS: list[dict[str, Any]] = [
    {"body": "KS", "initiative": "programme", "kind": "ekonomisk_uppfoljning",
     "frequency": "quarterly", "due_days_after_period": 45, "first_year": 2023,
     "last_year": 2024},
    {"body": "BUN", "initiative": "skolnarvaro", "kind": "uppfoljning",
     "frequency": "quarterly", "due_days_after_period": 60, "first_year": 2023,
     "last_year": 2024},
    {"body": "SON", "initiative": "trygg_hemma", "kind": "uppfoljning",
     "frequency": "half_yearly", "due_days_after_period": 60, "first_year": 2023,
     "last_year": 2024},
    {"body": "LBR", "initiative": "programme", "kind": "lagesrapport",
     "frequency": "half_yearly", "due_days_after_period": 30, "first_year": 2023,
     "last_year": 2024},
    {"body": "KS", "initiative": "programme", "kind": "arsredovisning",
     "frequency": "yearly", "due_days_after_period": 120, "first_year": 2023,
     "last_year": 2024},
]

LEDGER_SETTINGS = {
    "dimensions": DIMENSIONS,
    "payroll_series": "P",
    "internal_compensation_account": "3692",
    "grant_income_account_prefix": "351",
    "cost_account_classes": ["4", "5", "6", "7"],
}


def registry_document() -> dict[str, Any]:
    """The whole registry as one YAML-ready mapping."""
    ledger = dict(LEDGER_SETTINGS)
    return {
        "municipality": MUNICIPALITY,
        "ledger": ledger,
        "committees": COMMITTEES,
        "bodies": BODIES,
        "funding_sources": FUNDING_SOURCES,
        "mandate_projects": MANDATE_PROJECTS,
        "initiatives": INITIATIVES,
        "allocations": ALLOCATIONS,
        "indicators": INDICATORS,
        "required_reports": REQUIRED_REPORTS,
    }
