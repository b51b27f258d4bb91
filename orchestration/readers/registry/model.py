"""What the registry holds: one frozen record per entry, each with the place it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

LIST_KEYS = (
    "committees",
    "bodies",
    "funding_sources",
    "mandate_projects",
    "initiatives",
    "allocations",
    "indicators",
    "required_reports",
    "areas", "goals", "peer_sets",  # indicators' follow-up context (follow_up.py)
)
MAPPING_KEYS = ("municipality", "ledger")
REQUIRED_KEYS = ("municipality", "ledger", "committees", "funding_sources", "initiatives")
# Only the object dimension is required: it identifies the initiatives. The others are
# optional, and the rules that use them fall back where they are missing (raw-contract.md).
REQUIRED_DIMENSIONS = ("object",)
FREQUENCIES = ("yearly", "half_yearly", "tertial", "quarterly", "monthly")
PROGRAMME = "programme"  # a required report's initiative may be the whole mandate project


@dataclass(frozen=True)
class Origin:
    file: str
    key: str


@dataclass(frozen=True)
class Committee:
    origin: Origin
    id: str
    name: str
    responsibility_codes: list[str]


@dataclass(frozen=True)
class Body:
    origin: Origin
    id: str
    name: str
    kind: str


@dataclass(frozen=True)
class FundingSource:
    origin: Origin
    id: str
    name: str


@dataclass(frozen=True)
class MandateProject:
    origin: Origin
    code: str
    name: str
    holder: str | None
    first_year: int
    last_year: int
    allocation_per_year: Decimal | None
    carry_over: bool


@dataclass(frozen=True)
class Initiative:
    origin: Origin
    id: str
    name: str
    owner: str
    run_by: list[str]
    object_codes: list[str]
    mandate_project: str | None
    first_year: int
    last_year: int
    funding_order: list[str]


@dataclass(frozen=True)
class Allocation:
    origin: Origin
    initiative: str
    year: int
    source: str
    amount: Decimal


@dataclass(frozen=True)
class Indicator:
    origin: Origin
    id: str
    name: str
    source_kind: str
    scb_table: str | None
    scb_contents_code: str | None
    region: str | None
    kolada_kpi: str | None
    unit: str | None
    higher_is_better: bool | None
    baseline_year: int | None
    baseline_value: float | None
    targets: dict[int, float]
    initiatives: list[str]
    # Follow-up settings (indicators.py documents the defaults).
    tolerance: float = 0.0
    partial_share: float = 0.5
    areas: list[str] = field(default_factory=list)
    area_targets: dict[str, dict[int, float]] = field(default_factory=dict)
    area_baselines: dict[str, float] = field(default_factory=dict)
    goal: str | None = None
    peer_set: str | None = None


@dataclass(frozen=True)
class RequiredReport:
    origin: Origin
    body: str
    initiative: str
    kind: str
    frequency: str
    due_days_after_period: int
    first_year: int
    last_year: int


@dataclass
class Registry:
    files: list[str]
    municipality_code: str
    municipality_name: str
    municipality_origin: Origin
    ledger: dict[str, Any]
    ledger_origin: Origin
    committees: list[Committee] = field(default_factory=list)
    bodies: list[Body] = field(default_factory=list)
    funding_sources: list[FundingSource] = field(default_factory=list)
    mandate_projects: list[MandateProject] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    required_reports: list[RequiredReport] = field(default_factory=list)
    areas: list[Any] = field(default_factory=list)  # follow_up.Area, without the municipality
    goals: list[Any] = field(default_factory=list)  # follow_up.Goal
    peer_sets: list[Any] = field(default_factory=list)  # follow_up.PeerSet
    initiative_goals: list[Any] = field(default_factory=list)  # follow_up.InitiativeGoal
    warnings: list[str] = field(default_factory=list)
    # key path -> workbook cell, when the registry came from styrmodell.xlsx (places.py)
    places: dict[str, str] = field(default_factory=dict)

    def dimension_numbers(self) -> dict[str, int]:
        """Ledger dimension name -> SIE dimension number, e.g. {'responsibility': 1, ...}."""
        return dict(self.ledger["dimensions"])

    def object_codes(self) -> set[str]:
        """Every object code that belongs to an initiative."""
        return {code for i in self.initiatives for code in i.object_codes}

    def initiative_of_object_code(self) -> dict[str, str]:
        return {code: i.id for i in self.initiatives for code in i.object_codes}

    def committee_of_responsibility(self, code: str) -> str | None:
        """The committee owning a responsibility code; the longest matching pattern wins."""
        best: tuple[int, str] | None = None
        for c in self.committees:
            for pattern in c.responsibility_codes:
                prefix = pattern.removesuffix("*")
                hit = code.startswith(prefix) if pattern.endswith("*") else code == pattern
                if hit and (best is None or len(prefix) > best[0]):
                    best = (len(prefix), c.id)
        return best[1] if best else None
