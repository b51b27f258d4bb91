"""The sample municipality's governance registry: Eskilstuna's safety programme as it stood on
2023-06-15. Figures follow ../shared/domain.md; where the documents leave a gap the choice is
written in docs/sample-data.md."""

from __future__ import annotations

from typing import Any

MUNICIPALITY = {"code": "0484", "name": "Eskilstuna kommun"}

# SIE dimension numbers the sample ledger uses (1 and 6 are reserved by SIE 4B, 21-22 are free).
DIMENSIONS = {"responsibility": 1, "project": 6, "activity": 21, "object": 22}

COMMITTEES: list[dict[str, Any]] = [
    {"id": "KS", "name": "Kommunstyrelsen", "responsibility_codes": ["10*", "11*"]},
    {"id": "KFN", "name": "Kultur- och fritidsnämnden", "responsibility_codes": ["30*"]},
    {"id": "SN", "name": "Socialnämnden", "responsibility_codes": ["41*", "42*"]},
    {"id": "VON", "name": "Vård- och omsorgsnämnden", "responsibility_codes": ["45*"]},
    {"id": "GSN", "name": "Grundskolenämnden", "responsibility_codes": ["50*"]},
    {"id": "GYN", "name": "Gymnasienämnden", "responsibility_codes": ["55*"]},
    {
        "id": "AVN",
        "name": "Arbetsmarknads- och vuxenutbildningsnämnden",
        "responsibility_codes": ["60*"],
    },
    {"id": "MSN", "name": "Miljö- och samhällsbyggnadsnämnden", "responsibility_codes": ["70*"]},
]

# Bodies that receive follow-up but own no ledger codes.
BODIES: list[dict[str, Any]] = [
    {"id": "KSAU", "name": "Kommunstyrelsens arbetsutskott"},
    {"id": "KRB", "name": "Kommunalrådsberedningen"},
    {"id": "TB", "name": "Trygghetsberedningen"},
    {"id": "SOS", "name": "Socialstyrelsen"},
]

FUNDING_SOURCES = [
    {"id": "state_grant", "name": "Statsbidrag"},
    {"id": "mandate", "name": "Mandatperiodsmedel"},
    {"id": "frame", "name": "Ordinarie ram"},
]

MANDATE_PROJECTS = [
    {
        "code": "9120",
        "name": "Trygghetsfrämjande och brottsförebyggande åtgärder",
        "holder": "KS",
        "first_year": 2020,
        "last_year": 2023,
        "allocation_per_year": 10_000_000,
        "carry_over": True,
    },
    {
        "code": "9130",
        "name": "Jobbcentrum Nord & Syd",
        "holder": "KS",
        "first_year": 2020,
        "last_year": 2023,
        "allocation_per_year": 20_000_000,
        "carry_over": True,
    },
]

INITIATIVES: list[dict[str, Any]] = [
    {
        "id": "trygga_unga",
        "name": "Trygga unga",
        "owner": "KS",
        "run_by": ["SN", "KFN"],
        "object_codes": ["7101", "7102"],
        "mandate_project": "9120",
        "first_year": 2021,
        "last_year": 2023,
        "funding_order": ["state_grant", "mandate"],
    },
    {
        "id": "lovstod",
        "name": "Lovstöd",
        "owner": "KS",
        "run_by": ["KFN"],
        "object_codes": ["7201"],
        "mandate_project": "9120",
        "first_year": 2020,
        "last_year": 2023,
        "funding_order": ["state_grant", "mandate"],
    },
    {
        "id": "trygg_saker_skola",
        "name": "Trygg och säker skola",
        "owner": "KS",
        "run_by": ["KS"],
        "object_codes": ["7301"],
        "mandate_project": "9120",
        "first_year": 2022,
        "last_year": 2023,
        "funding_order": ["mandate"],
    },
    {
        "id": "trygga_unga_skolan",
        "name": "Trygga unga skolan (elevhälsa)",
        "owner": "GSN",
        "run_by": ["GSN", "GYN"],
        "object_codes": ["7401", "7402"],
        "first_year": 2021,
        "last_year": 2023,
        "funding_order": ["state_grant"],
    },
    {
        "id": "ovriga_trygghetsinsatser",
        "name": "Övriga trygghetsinsatser",
        "owner": "KS",
        "run_by": ["KS"],
        "object_codes": ["7501"],
        "first_year": 2020,
        "last_year": 2023,
        "funding_order": ["frame"],
    },
    {
        "id": "jobbcentrum",
        "name": "Jobbcentrum Nord & Syd",
        "owner": "KS",
        "run_by": ["AVN"],
        "object_codes": ["7601"],
        "mandate_project": "9130",
        "first_year": 2020,
        "last_year": 2023,
        "funding_order": ["mandate"],
    },
]


def _alloc(initiative: str, year: int, source: str, amount: int) -> dict[str, Any]:
    return {"initiative": initiative, "year": year, "source": source, "amount": amount}


# The annual plans' money (Trygghetspaketet: 184 MSEK in all 2020-2023).
ALLOCATIONS: list[dict[str, Any]] = [
    _alloc("trygga_unga", 2021, "mandate", 4_000_000),
    _alloc("trygga_unga", 2021, "state_grant", 6_300_000),
    _alloc("trygga_unga", 2022, "mandate", 14_000_000),
    _alloc("trygga_unga", 2022, "state_grant", 11_300_000),
    _alloc("trygga_unga", 2023, "mandate", 16_000_000),
    _alloc("trygga_unga", 2023, "state_grant", 6_300_000),
    _alloc("lovstod", 2020, "mandate", 5_000_000),
    _alloc("lovstod", 2021, "state_grant", 4_200_000),
    _alloc("lovstod", 2021, "mandate", 800_000),
    _alloc("lovstod", 2022, "state_grant", 700_000),
    _alloc("lovstod", 2022, "mandate", 4_300_000),
    _alloc("lovstod", 2023, "mandate", 5_000_000),
    _alloc("trygg_saker_skola", 2022, "mandate", 800_000),
    _alloc("trygg_saker_skola", 2023, "mandate", 800_000),
    _alloc("trygga_unga_skolan", 2021, "state_grant", 2_500_000),
    _alloc("trygga_unga_skolan", 2022, "state_grant", 2_500_000),
    _alloc("trygga_unga_skolan", 2023, "state_grant", 2_500_000),
    *[_alloc("ovriga_trygghetsinsatser", y, "frame", 4_250_000) for y in range(2020, 2024)],
    *[_alloc("jobbcentrum", y, "mandate", 20_000_000) for y in range(2020, 2024)],
]

INDICATORS: list[dict[str, Any]] = [
    {
        "id": "nri_trygghet",
        "name": "Nöjd Region-Index – Trygghet",
        "source": {"kind": "scb", "table": "ME0003NRI", "contents_code": "NRITRYGG",
                   "region": "0484"},
        "unit": "index",
        "higher_is_better": True,
        "baseline": {"year": 2019, "value": 40},
        "targets": {2020: 45, 2021: 47, 2022: 49},
        "initiatives": ["trygga_unga", "lovstod", "ovriga_trygghetsinsatser"],
    },
    {
        "id": "unga_trygga_skolan",
        "name": "Elever i åk 9 som känner sig trygga i skolan, andel (%)",
        "source": {"kind": "kolada", "kpi": "N15XX1", "municipality": "0484"},
        "unit": "percent",
        "higher_is_better": True,
        "baseline": {"year": 2020, "value": 78},
        "targets": {2021: 80, 2022: 82},
        "initiatives": ["trygga_unga", "trygga_unga_skolan"],
    },
    {
        "id": "jobb_etablering",
        "name": "Deltagare i arbetsmarknadsinsatser som fått arbete eller börjat studera, "
                "andel (%)",
        "source": {"kind": "kolada", "kpi": "N15XX2", "municipality": "0484"},
        "unit": "percent",
        "higher_is_better": True,
        "baseline": {"year": 2019, "value": 31},
        "targets": {2020: 33, 2021: 35, 2022: 37},
        "initiatives": ["jobbcentrum"],
    },
]

# The reporting calendar (årshjul). Deliveries are in reports/delivered.csv.
REQUIRED_REPORTS: list[dict[str, Any]] = [
    {"body": "KS", "initiative": "trygga_unga", "kind": "uppfoljning",
     "frequency": "half_yearly", "due_days_after_period": 90, "first_year": 2021,
     "last_year": 2023},
    {"body": "KRB", "initiative": "programme", "kind": "ekonomisk_uppfoljning",
     "frequency": "half_yearly", "due_days_after_period": 60, "first_year": 2020,
     "last_year": 2023},
    {"body": "SN", "initiative": "trygga_unga", "kind": "verksamhetsberattelse",
     "frequency": "yearly", "due_days_after_period": 75, "first_year": 2021,
     "last_year": 2023},
    {"body": "KFN", "initiative": "trygga_unga", "kind": "verksamhetsberattelse",
     "frequency": "yearly", "due_days_after_period": 75, "first_year": 2021,
     "last_year": 2023},
    {"body": "KFN", "initiative": "lovstod", "kind": "verksamhetsberattelse",
     "frequency": "yearly", "due_days_after_period": 75, "first_year": 2020,
     "last_year": 2023},
    {"body": "KS", "initiative": "programme", "kind": "arsredovisning",
     "frequency": "yearly", "due_days_after_period": 120, "first_year": 2020,
     "last_year": 2023},
    {"body": "TB", "initiative": "programme", "kind": "uppfoljning",
     "frequency": "tertial", "due_days_after_period": 60, "first_year": 2023,
     "last_year": 2023},
]

LEDGER_SETTINGS = {
    "dimensions": DIMENSIONS,
    "payroll_series": "L",
    "internal_compensation_account": "3690",
    "grant_income_account_prefix": "35",
    "cost_account_classes": ["4", "5", "6", "7"],
}


def registry_document() -> dict[str, Any]:
    """The whole registry as one YAML-ready mapping (written as several files by the writer)."""
    return {
        "municipality": MUNICIPALITY,
        "ledger": LEDGER_SETTINGS,
        "committees": COMMITTEES,
        "bodies": BODIES,
        "funding_sources": FUNDING_SOURCES,
        "mandate_projects": MANDATE_PROJECTS,
        "initiatives": INITIATIVES,
        "allocations": ALLOCATIONS,
        "indicators": INDICATORS,
        "required_reports": REQUIRED_REPORTS,
    }
