"""Each top-level section of the registry built from its merged entries."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from orchestration.readers.errors import SourceFileError
from orchestration.readers.registry.cross_checks import cross_check
from orchestration.readers.registry.entries import Entry
from orchestration.readers.registry.model import (
    FREQUENCIES,
    REQUIRED_DIMENSIONS,
    REQUIRED_KEYS,
    Allocation,
    Body,
    Committee,
    FundingSource,
    Indicator,
    Initiative,
    MandateProject,
    Origin,
    Registry,
    RequiredReport,
)
from orchestration.readers.registry.yaml_files import merge_files

log = logging.getLogger(__name__)


def load_registry(registry_dir: Path) -> Registry:
    """Read every *.yaml / *.yml in `registry_dir`, merge them and check them.

    Raises SourceFileError naming the file and key path of the first problem.
    """
    registry_dir = Path(registry_dir)
    paths = sorted([*registry_dir.glob("*.yaml"), *registry_dir.glob("*.yml")])
    if not paths:
        raise SourceFileError(registry_dir.name, "no registry files (*.yaml) in the folder")
    merged = merge_files(paths)
    first_file = paths[0].name
    for key in REQUIRED_KEYS:
        if key not in merged.mappings and key not in merged.lists:
            raise SourceFileError(first_file, "required top-level key is missing", key=key)
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
        files=[p.name for p in paths],
        municipality_code=code,
        municipality_name=mun.text("name"),
        municipality_origin=mun.origin,
        ledger=_ledger(ledger_entry),
        ledger_origin=ledger_entry.origin,
        warnings=warnings,
    )
    reg.committees = [_committee(e) for e in entries("committees")]
    reg.bodies = [_body(e) for e in entries("bodies")]
    reg.funding_sources = [_funding_source(e) for e in entries("funding_sources")]
    reg.mandate_projects = [_mandate_project(e) for e in entries("mandate_projects")]
    reg.initiatives = [_initiative(e) for e in entries("initiatives")]
    reg.allocations = [_allocation(e) for e in entries("allocations")]
    reg.indicators = [_indicator(e, reg.municipality_code) for e in entries("indicators")]
    reg.required_reports = [_required_report(e) for e in entries("required_reports")]
    cross_check(reg)
    for message in warnings:
        log.warning("registry: %s", message)
    return reg


def _ledger(e: Entry) -> dict[str, Any]:
    e.known(
        "dimensions",
        "payroll_series",
        "internal_compensation_account",
        "grant_income_account_prefix",
        "cost_account_classes",
    )
    dims = e.sub("dimensions")
    numbers: dict[str, int] = {}
    for name in dims.value:
        number = dims.integer(name)
        if number < 1:
            raise dims.fail(name, f"SIE dimension numbers are positive, not {number}")
        numbers[str(name)] = number
    for name in REQUIRED_DIMENSIONS:
        if name not in numbers:
            raise dims.fail(name, "is missing: the ledger must name its SIE dimension number")
    seen: dict[int, str] = {}
    for name, number in numbers.items():
        if number in seen:
            raise dims.fail(name, f"dimension {number} is already used by {seen[number]}")
        seen[number] = name
    settings: dict[str, Any] = {"dimensions": numbers}
    for name in ("payroll_series", "internal_compensation_account", "grant_income_account_prefix"):
        settings[name] = e.text(name, required=False)
    settings["cost_account_classes"] = e.texts("cost_account_classes")
    # Keys the project adds later still reach the settings table as text.
    for name, value in e.value.items():
        if name not in settings and isinstance(value, str | int | float | bool):
            settings[str(name)] = value
    return settings


def _committee(e: Entry) -> Committee:
    e.known("id", "name", "responsibility_codes")
    codes = e.texts("responsibility_codes")
    for i, pattern in enumerate(codes):
        if "*" in pattern[:-1] or pattern == "*":
            raise e.fail(
                f"responsibility_codes[{i}]",
                f"pattern {pattern!r}: '*' may only end a prefix, e.g. '41*'",
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
        e.warnings.append(f"{e.origin.file}: {e.origin.key} has no object codes")
    return init


def _allocation(e: Entry) -> Allocation:
    e.known("initiative", "year", "source", "amount")
    return Allocation(
        e.origin, e.text("initiative"), e.integer("year"), e.text("source"), e.money("amount")
    )


def _indicator(e: Entry, municipality_code: str) -> Indicator:
    e.known(
        "id", "name", "source", "unit", "higher_is_better", "baseline", "targets", "initiatives"
    )
    src = e.sub("source")
    kind = src.text("kind")
    scb_table = scb_code = region = kpi = None
    if kind == "scb":
        src.known("kind", "table", "contents_code", "region")
        scb_table, scb_code, region = (
            src.text("table"),
            src.text("contents_code"),
            src.text("region"),
        )
    elif kind == "kolada":
        src.known("kind", "kpi", "municipality")
        kpi = src.text("kpi")
        # Kolada's municipality id is the same four-digit code; it defaults to ours.
        region = src.text("municipality", required=False) or municipality_code
    else:
        raise src.fail("kind", f"unknown source kind {kind!r}: expected scb or kolada")
    baseline = e.sub("baseline", required=False)
    if baseline is not None:
        baseline.known("year", "value")
    targets: dict[int, float] = {}
    raw_targets = e.value.get("targets") or {}
    if not isinstance(raw_targets, dict):
        raise e.fail("targets", "must be a mapping of year: target")
    for year, target in raw_targets.items():
        if isinstance(year, bool) or not isinstance(year, int):
            raise e.fail(f"targets.{year}", "target years must be integers")
        if isinstance(target, bool) or not isinstance(target, int | float):
            raise e.fail(f"targets.{year}", f"must be a number, not {target!r}")
        targets[year] = float(target)
    return Indicator(
        e.origin,
        e.text("id"),
        e.text("name"),
        kind,
        scb_table,
        scb_code,
        region,
        kpi,
        e.text("unit", required=False),
        e.flag("higher_is_better", None),
        baseline.integer("year") if baseline else None,
        baseline.number("value") if baseline else None,
        targets,
        e.texts("initiatives"),
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
        raise e.fail("frequency", f"{frequency!r} is not one of {', '.join(FREQUENCIES)}")
    due = e.integer("due_days_after_period")
    if due < 0:
        raise e.fail("due_days_after_period", f"must not be negative, not {due}")
    first, last = e.year_range()
    return RequiredReport(
        e.origin, e.text("body"), e.text("initiative"), e.text("kind"), frequency, due, first, last
    )
