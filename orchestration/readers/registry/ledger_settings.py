"""The registry's `ledger:` mapping: SIE dimension numbers and the ledger's conventions."""

from __future__ import annotations

import re
from typing import Any

from orchestration.readers.registry.entries import Entry
from orchestration.readers.registry.model import REQUIRED_DIMENSIONS

EXPORT_STYLES = ("yearly", "year_to_date", "period")
ORGANISATION_NUMBER = re.compile(r"^\d{6}-?\d{4}$")


def ledger_settings(e: Entry) -> dict[str, Any]:
    e.known(
        "dimensions",
        "payroll_series",
        "internal_compensation_account",
        "grant_income_account_prefix",
        "cost_account_classes",
        "export_style",
        "organisation_numbers",
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
    # how the ledger is delivered (docs/raw-contract.md); undeclared: read from the files
    style = e.text("export_style", required=False)
    if style is not None and style not in EXPORT_STYLES:
        raise e.fail("export_style", f"is {style!r}; use one of {', '.join(EXPORT_STYLES)}")
    settings["export_style"] = style
    # whose ledgers belong to the follow-up; undeclared: every organisation's file is taken
    numbers = e.texts("organisation_numbers")
    for number in numbers:
        if not ORGANISATION_NUMBER.match(number):
            raise e.fail("organisation_numbers",
                          f"{number!r} is not an organisation number (NNNNNN-NNNN)")
    settings["organisation_numbers"] = numbers
    # Keys the project adds later still reach the settings table as text.
    for name, value in e.value.items():
        if name not in settings and isinstance(value, str | int | float | bool):
            settings[str(name)] = value
    return settings
