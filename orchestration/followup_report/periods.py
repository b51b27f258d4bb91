"""Periods of the reporting calendar as the contract writes them (2022, 2022-H1, 2022-T2,
2022-Q3, 2022-05): their first and last day and a Swedish name."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

_PATTERN = re.compile(r"^(\d{4})(?:-(H[12]|T[1-3]|Q[1-4]|\d{2}))?$")
_MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
           "september", "oktober", "november", "december"]


@dataclass(frozen=True)
class Period:
    code: str
    year: int
    first_month: int
    last_month: int

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        return date(self.year, self.last_month,
                    calendar.monthrange(self.year, self.last_month)[1])

    @property
    def is_year(self) -> bool:
        return self.first_month == 1 and self.last_month == 12

    def label(self) -> str:
        part = self.code[5:]
        if not part:
            return f"helåret {self.year}"
        if part[0] == "H":
            return f"{'första' if part == 'H1' else 'andra'} halvåret {self.year}"
        if part[0] == "T":
            return f"tertial {part[1]} {self.year}"
        if part[0] == "Q":
            return f"kvartal {part[1]} {self.year}"
        return f"{_MONTHS[self.first_month - 1]} {self.year}"

    def months(self) -> list[int]:
        return list(range(self.first_month, self.last_month + 1))


def parse_period(code: str) -> Period:
    m = _PATTERN.match(code.strip())
    if not m:
        raise ValueError(f"Perioden {code!r} går inte att läsa; väntade t.ex. 2022, 2022-H1, "
                         "2022-T2, 2022-Q3 eller 2022-05.")
    year, part = int(m.group(1)), m.group(2)
    if part is None:
        first, last = 1, 12
    elif part[0] == "H":
        first = 1 if part == "H1" else 7
        last = first + 5
    elif part[0] == "T":
        first = 1 + 4 * (int(part[1]) - 1)
        last = first + 3
    elif part[0] == "Q":
        first = 1 + 3 * (int(part[1]) - 1)
        last = first + 2
    else:
        first = last = int(part)
        if not 1 <= first <= 12:
            raise ValueError(f"Perioden {code!r} har en månad utanför 01–12.")
    return Period(code.strip(), year, first, last)
