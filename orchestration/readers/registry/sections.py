"""Each top-level section of the registry built from its merged entries (the indicators and
the ledger settings have modules of their own)."""

from __future__ import annotations

from orchestration.readers.errors import SourceFileError
from orchestration.readers.registry.entries import Entry
from orchestration.readers.registry.indicators import indicator
from orchestration.readers.registry.ledger_settings import ledger_settings
from orchestration.readers.registry.model import (
    FREQUENCIES,
    REQUIRED_KEYS,
    Allocation,
    Body,
    Committee,
    FundingSource,
    Initiative,
    MandateProject,
    Origin,
    Registry,
    RequiredReport,
)
from orchestration.readers.registry.yaml_files import Merged


def build_registry(merged: Merged, files: list[str]) -> Registry:
    """Every section built from the merged delivery; raises SourceFileError naming the place
    of the first problem. Cross-checks between sections come after (`cross_checks`)."""
    first_file = files[0]
    for key in REQUIRED_KEYS:
        if key not in merged.mappings and key not in merged.lists:
            raise SourceFileError(first_file, "nyckeln på översta nivån saknas men krävs", key=key)
    warnings = merged.warnings

    def entries(key: str) -> list[Entry]:
        return [Entry(o, v, warnings) for o, v in merged.lists.get(key, [])]

    mun_file, mun_value = merged.mappings["municipality"]
    mun = Entry(Origin(mun_file, "municipality"), mun_value, warnings)
    mun.known("code", "name")
    code = mun.text("code")
    if isinstance(mun.value.get("code"), int):
        code = code.zfill(4)  # "0484" written without quotes loads as 484
    ledger_file, ledger_value = merged.mappings["ledger"]
    ledger_entry = Entry(Origin(ledger_file, "ledger"), ledger_value, warnings)

    reg = Registry(
        files=files,
        municipality_code=code,
        municipality_name=mun.text("name"),
        municipality_origin=mun.origin,
        ledger=ledger_settings(ledger_entry),
        ledger_origin=ledger_entry.origin,
        warnings=warnings,
    )
    reg.committees = [_committee(e) for e in entries("committees")]
    reg.bodies = [_body(e) for e in entries("bodies")]
    reg.funding_sources = [_funding_source(e) for e in entries("funding_sources")]
    reg.mandate_projects = [_mandate_project(e) for e in entries("mandate_projects")]
    reg.initiatives = [_initiative(e) for e in entries("initiatives")]
    reg.allocations = [_allocation(e) for e in entries("allocations")]
    reg.indicators = [indicator(e, reg.municipality_code) for e in entries("indicators")]
    reg.required_reports = [_required_report(e) for e in entries("required_reports")]
    return reg


def _committee(e: Entry) -> Committee:
    e.known("id", "name", "responsibility_codes")
    codes = e.texts("responsibility_codes")
    for i, pattern in enumerate(codes):
        if "*" in pattern[:-1] or pattern == "*":
            raise e.fail(
                f"responsibility_codes[{i}]",
                f"mönstret {pattern!r}: '*' får bara avsluta ett prefix, t.ex. '41*'",
            )
    return Committee(e.origin, e.text("id"), e.text("name"), codes)


def _body(e: Entry) -> Body:
    e.known("id", "name", "kind")
    return Body(e.origin, e.text("id"), e.text("name"), e.text("kind", required=False) or "body")


def _funding_source(e: Entry) -> FundingSource:
    e.known("id", "name")
    return FundingSource(e.origin, e.text("id"), e.text("name"))


def _mandate_project(e: Entry) -> MandateProject:
    e.known(
        "code", "name", "holder", "first_year", "last_year", "allocation_per_year", "carry_over"
    )
    first, last = e.year_range()
    return MandateProject(
        e.origin,
        e.text("code"),
        e.text("name"),
        e.text("holder", required=False),
        first,
        last,
        e.money("allocation_per_year", required=False),
        bool(e.flag("carry_over", False)),
    )


def _initiative(e: Entry) -> Initiative:
    e.known(
        "id",
        "name",
        "owner",
        "run_by",
        "object_codes",
        "mandate_project",
        "first_year",
        "last_year",
        "funding_order",
    )
    first, last = e.year_range()
    init = Initiative(
        e.origin,
        e.text("id"),
        e.text("name"),
        e.text("owner"),
        e.texts("run_by"),
        e.texts("object_codes"),
        e.text("mandate_project", required=False),
        first,
        last,
        e.texts("funding_order"),
    )
    if not init.object_codes:
        e.warnings.append(f"{e.origin.file}, {e.origin.key}: satsningen har inga objektkoder")
    return init


def _allocation(e: Entry) -> Allocation:
    e.known("initiative", "year", "source", "amount")
    return Allocation(
        e.origin, e.text("initiative"), e.integer("year"), e.text("source"), e.money("amount")
    )


def _required_report(e: Entry) -> RequiredReport:
    e.known(
        "body",
        "initiative",
        "kind",
        "frequency",
        "due_days_after_period",
        "first_year",
        "last_year",
    )
    frequency = e.text("frequency")
    if frequency not in FREQUENCIES:
        raise e.fail("frequency", f"{frequency!r} är inte en av {', '.join(FREQUENCIES)}")
    due = e.integer("due_days_after_period")
    if due < 0:
        raise e.fail("due_days_after_period", f"får inte vara negativt, inte {due}")
    first, last = e.year_range()
    return RequiredReport(
        e.origin, e.text("body"), e.text("initiative"), e.text("kind"), frequency, due, first, last
    )
