"""How the sample writes amounts and records in the formats real systems export."""

from __future__ import annotations

NBSP = "\u00a0"


def swedish_amount(ore: int, thousands: str = " ") -> str:
    """Öre as a Swedish number: 41 500,00 (decimal comma, a space between thousands)."""
    sign = "-" if ore < 0 else ""
    kr, rest = divmod(abs(ore), 100)
    return f"{sign}{kr:,}".replace(",", thousands) + f",{rest:02d}"


def sie_amount(ore: int) -> str:
    """Öre as an SIE amount: 41500.00 (decimal point, no thousands separator)."""
    sign = "-" if ore < 0 else ""
    kr, rest = divmod(abs(ore), 100)
    return f"{sign}{kr}.{rest:02d}"


def sie_quote(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'


def sie_objects(codes: dict[int, str]) -> str:
    """An SIE object list: {1 "4120" 21 "569" 22 "7101"} for the non-empty codes."""
    return "{" + " ".join(f'{dim} "{code}"' for dim, code in codes.items() if code) + "}"
