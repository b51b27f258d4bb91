"""The registry's `ledger:` mapping: SIE dimension numbers and the ledger's conventions."""

from __future__ import annotations

import re
from typing import Any

from orchestration.readers.registry.entries import Entry
from orchestration.readers.registry.model import REQUIRED_DIMENSIONS

_NAME = re.compile(r"[a-z][a-z0-9_]*")
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
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            # the name becomes a column, <name>_code, in the landing tables
            raise dims.fail(str(name), f"dimensionens namn {name!r}: använd små bokstäver a-z, "
                            "siffror och _, t.ex. responsibility eller counterpart")
        number = dims.integer(name)
        if number < 1:
            raise dims.fail(name, f"SIE-dimensionsnummer är positiva, inte {number}")
        if number == 7:
            raise dims.fail(name, "dimension 7 är SIE:s anställda (personuppgifter) och läses "
                            "aldrig in; ange en annan dimension")
        numbers[str(name)] = number
    for name in REQUIRED_DIMENSIONS:
        if name not in numbers:
            raise dims.fail(name, "saknas: huvudboken måste ange SIE-dimensionens nummer för "
                            f"{name} (den enda dimension som krävs)")
    seen: dict[int, str] = {}
    for name, number in numbers.items():
        if number in seen:
            raise dims.fail(name, f"dimension {number} används redan av {seen[number]}")
        seen[number] = name
    settings: dict[str, Any] = {"dimensions": numbers}
    for name in ("payroll_series", "internal_compensation_account", "grant_income_account_prefix"):
        settings[name] = e.text(name, required=False)
    settings["cost_account_classes"] = e.texts("cost_account_classes")
    # how the ledger is delivered (docs/raw-contract.md); undeclared: read from the files
    style = e.text("export_style", required=False)
    if style is not None and style not in EXPORT_STYLES:
        raise e.fail("export_style",
                     f"är {style!r}; ange en av {', '.join(EXPORT_STYLES)}")
    settings["export_style"] = style
    # whose ledgers belong to the follow-up; undeclared: every organisation's file is taken
    organisations = e.texts("organisation_numbers")
    for number in organisations:
        if not ORGANISATION_NUMBER.match(number):
            raise e.fail("organisation_numbers",
                         f"{number!r} är inget organisationsnummer (NNNNNN-NNNN)")
    settings["organisation_numbers"] = organisations
    # Keys the project adds later still reach the settings table as text.
    for name, value in e.value.items():
        if name not in settings and isinstance(value, str | int | float | bool):
            settings[str(name)] = value
    return settings
