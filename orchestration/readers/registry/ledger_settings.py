"""The registry's `ledger:` mapping: SIE dimension numbers and the ledger's conventions."""

from __future__ import annotations

from typing import Any

from orchestration.readers.registry.entries import Entry
from orchestration.readers.registry.model import REQUIRED_DIMENSIONS


def ledger_settings(e: Entry) -> dict[str, Any]:
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
            raise dims.fail(name, f"SIE-dimensionsnummer är positiva, inte {number}")
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
    # Keys the project adds later still reach the settings table as text.
    for name, value in e.value.items():
        if name not in settings and isinstance(value, str | int | float | bool):
            settings[str(name)] = value
    return settings
