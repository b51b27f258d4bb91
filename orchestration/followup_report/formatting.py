"""Swedish number and date formats for what a person reads: `1 234 567 kr`, `12,6 mnkr`,
`2022-05-31`. A narrow no-break space groups thousands, as Swedish typography does, so a figure
never breaks over two lines."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

GROUP = "\u202f"  # narrow no-break space between thousands
NBSP = "\u00a0"  # between a figure and its unit
MINUS = "\u2212"


def _group(digits: str) -> str:
    parts = []
    while len(digits) > 3:
        parts.insert(0, digits[-3:])
        digits = digits[:-3]
    parts.insert(0, digits)
    return GROUP.join(parts)


def number(value: Decimal | float | int | None, decimals: int = 0) -> str:
    """1234567.4 -> '1 234 567'; decimals use a comma; a negative gets a real minus sign."""
    if value is None:
        return ""
    q = Decimal(1).scaleb(-decimals)
    d = Decimal(str(value)).quantize(q, rounding=ROUND_HALF_UP)
    sign = MINUS if d < 0 else ""
    whole, _, frac = f"{abs(d):f}".partition(".")
    text = _group(whole)
    return f"{sign}{text},{frac}" if decimals else f"{sign}{text}"


def kr(value: Decimal | float | int | None) -> str:
    return "" if value is None else f"{number(value)}{NBSP}kr"


def mnkr(value: Decimal | float | int | None) -> str:
    """Millions of kronor with one decimal: 12 600 000 -> '12,6 mnkr'."""
    if value is None:
        return ""
    return f"{number(Decimal(str(value)) / Decimal(1_000_000), 1)}{NBSP}mnkr"


def percent(value: Decimal | float | None) -> str:
    return "" if value is None else f"{number(Decimal(str(value)) * 100, 0)}{NBSP}%"


def decimal(value: Decimal | float | int | None, decimals: int = 1) -> str:
    return number(value, decimals)


def day(value: date | datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    return value.isoformat() if isinstance(value, date) else str(value)


FILTERS = {"kr": kr, "mnkr": mnkr, "number": number, "percent": percent, "decimal": decimal,
           "day": day}
