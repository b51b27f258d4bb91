"""Swedish formats and calendar periods the reports print."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from orchestration.followup_report.formatting import day, kr, mnkr, number
from orchestration.followup_report.periods import parse_period

G, NB = "\u202f", "\u00a0"


def test_amounts_the_swedish_way() -> None:
    assert kr(Decimal("1234567.40")) == f"1{G}234{G}567{NB}kr"
    assert kr(Decimal("999.50")) == f"1{G}000{NB}kr"  # half away from zero
    assert kr(-45000) == f"\u221245{G}000{NB}kr"
    assert kr(0) == f"0{NB}kr" and kr(None) == ""
    assert mnkr(Decimal("12600000.00")) == f"12,6{NB}mnkr"
    assert mnkr(Decimal("4549999")) == f"4,5{NB}mnkr"
    assert number(Decimal("36.1"), 1) == "36,1"
    assert day(date(2022, 5, 31)) == "2022-05-31"


@pytest.mark.parametrize(("code", "start", "end", "label"), [
    ("2022", date(2022, 1, 1), date(2022, 12, 31), "helåret 2022"),
    ("2022-H1", date(2022, 1, 1), date(2022, 6, 30), "första halvåret 2022"),
    ("2022-H2", date(2022, 7, 1), date(2022, 12, 31), "andra halvåret 2022"),
    ("2023-T2", date(2023, 5, 1), date(2023, 8, 31), "tertial 2 2023"),
    ("2022-Q1", date(2022, 1, 1), date(2022, 3, 31), "kvartal 1 2022"),
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "februari 2024"),
])
def test_calendar_periods(code: str, start: date, end: date, label: str) -> None:
    p = parse_period(code)
    assert (p.start, p.end, p.label()) == (start, end, label)


@pytest.mark.parametrize("bad", ["22", "2022-H3", "2022-13", "2022-T4", "helår"])
def test_a_period_that_cannot_be_read_is_named(bad: str) -> None:
    with pytest.raises(ValueError, match="går inte att läsa|utanför"):
        parse_period(bad)
