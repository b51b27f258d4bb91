"""Synthetic employees: fake but well-formed personnummer (valid check digit) and names.

The serial numbers all start with 98, and every birth date lies on the 1st-9th of a month in
1950-2003, so a sample personnummer is easy to tell from a real one in a scan."""

from __future__ import annotations

import random

FIRST_NAMES = [
    "Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Sara", "Anders", "Elin", "Mikael",
    "Åsa", "Örjan", "Märta", "Björn", "Ingrid", "Jönas", "Sofia", "Per", "Linnéa", "Gösta",
    "Fatima", "Ahmed", "Leyla", "Mohammed", "Nadia", "Omar", "Hanna", "Oskar", "Maja", "Ali",
]
LAST_NAMES = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jönsson", "Ståhl", "Åberg", "Öberg",
    "Lindqvist", "Björk", "Hassan", "Ali", "Mohamed", "Sjöström", "Hägg", "Nyström", "Ek",
]


def luhn_check_digit(nine_digits: str) -> str:
    total = 0
    for i, ch in enumerate(nine_digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


def fake_personnummer(rng: random.Random) -> str:
    """YYYYMMDD-98NC with a valid Luhn check digit over YYMMDD98N."""
    year = rng.randint(1950, 2003)
    month = rng.randint(1, 12)
    day = rng.randint(1, 9)
    serial = f"98{rng.randint(0, 9)}"
    short = f"{year % 100:02d}{month:02d}{day:02d}{serial}"
    return f"{year}{month:02d}{day:02d}-{serial}{luhn_check_digit(short)}"


def fake_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
