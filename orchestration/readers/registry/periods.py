"""The reporting calendar: every required report expanded to its periods and due dates."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Any

from orchestration.readers.registry.model import Registry

# The period suffixes of each frequency within a year (tertial: T1 Jan-Apr, T2 May-Aug, ...).
_PERIOD_SUFFIXES: dict[str, list[str]] = {
    "yearly": [""],
    "half_yearly": ["-H1", "-H2"],
    "tertial": ["-T1", "-T2", "-T3"],
    "quarterly": ["-Q1", "-Q2", "-Q3", "-Q4"],
    "monthly": [f"-{m:02d}" for m in range(1, 13)],
}


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of a calendar period: 2022, 2022-H1, 2022-T2, 2022-Q3, 2022-05."""
    year, _, suffix = period.partition("-")
    y = int(year)
    if not suffix:
        first_month, months = 1, 12
    elif suffix[0] in "HTQ":
        months = {"H": 6, "T": 4, "Q": 3}[suffix[0]]
        first_month = months * (int(suffix[1:]) - 1) + 1
    else:
        first_month, months = int(suffix), 1
    last_month = first_month + months - 1
    return date(y, first_month, 1), date(y, last_month, calendar.monthrange(y, last_month)[1])


def report_calendar(reg: Registry) -> list[dict[str, Any]]:
    """Every required report expanded to one row per period, with its due date."""
    rows = []
    for r in reg.required_reports:
        for year in range(r.first_year, r.last_year + 1):
            for suffix in _PERIOD_SUFFIXES[r.frequency]:
                period = f"{year}{suffix}"
                start, end = period_bounds(period)
                rows.append(
                    {
                        "source_file": r.origin.file,
                        "body": r.body,
                        "initiative_id": r.initiative,
                        "report_kind": r.kind,
                        "frequency": r.frequency,
                        "period": period,
                        "period_start": start,
                        "period_end": end,
                        "due_on": end + timedelta(days=r.due_days_after_period),
                    }
                )
    return rows
