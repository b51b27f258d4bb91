"""Which months a ledger file covers, and the export style it is written in.

Municipalities deliver their ledger in one of three styles (docs/raw-contract.md):
- `yearly`: whole fiscal years, exported again each time;
- `year_to_date`: the fiscal year from its first month to the month just closed;
- `period`: one month or one quarter per file.
A file's style follows from its voucher months against its fiscal year (#RAR 0): a file whose
vouchers start after the first month of the year is a period file; one that runs to the last
month is a whole year; the rest are the year to date. The registry may declare the style
(`ledger.export_style`); a file that disagrees with the declaration is a named error."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from orchestration.readers.errors import SourceFileError
from orchestration.readers.sie.header import months_between

STYLES = ("yearly", "year_to_date", "period")
STYLE_WORDS = {"yearly": "helår", "year_to_date": "hittills i år", "period": "period"}
MAX_PERIOD_MONTHS = 3  # a period file holds one month or one quarter


@dataclass(frozen=True)
class LedgerRules:
    """What the registry says about the ledger's deliveries (empty: nothing declared)."""

    export_style: str | None = None
    organisation_numbers: tuple[str, ...] = ()

    def salt(self) -> str:
        return f"{self.export_style}|{','.join(self.organisation_numbers)}"


def digits(org_no: str | None) -> str:
    return re.sub(r"\D", "", org_no or "")


def file_style(year_months: list[str], first: str, last: str) -> str:
    if first > year_months[0]:
        return "period"
    return "yearly" if last >= year_months[-1] else "year_to_date"


def check_organisation(name: str, org_no: str | None, rules: LedgerRules) -> None:
    """A file of another organisation than the registry declares is quarantined."""
    if not rules.organisation_numbers:
        return
    if digits(org_no) not in {digits(o) for o in rules.organisation_numbers}:
        found = f"#ORGNR {org_no}" if org_no else "inget #ORGNR"
        raise SourceFileError(
            name, f"filen har {found}, men registret (ledger.organisation_numbers) tar bara "
            f"emot huvudböcker för {', '.join(rules.organisation_numbers)}: en annan "
            "organisations huvudbok hör inte till uppföljningen")


def coverage(name: str, year_months: list[str] | None, first: str | None, last: str | None,
             rules: LedgerRules) -> tuple[tuple[str, str], str]:
    """The months a file replaces when it loads, and its style.

    A whole-year or year-to-date file covers its fiscal year from the first month to its last
    voucher month; a period file covers its first to its last voucher month."""
    if year_months is None:  # an import file without #RAR: its own voucher months
        months = (first or "0000-00", last or first or "0000-00")
        return months, "period"
    if first is None:  # balances only (a new year's opening): the first month, to date
        return (year_months[0], year_months[0]), "year_to_date"
    style = file_style(year_months, first, last)
    declared = rules.export_style
    span = len(months_between_text(first, last))
    if declared == "period" and span > MAX_PERIOD_MONTHS:
        raise SourceFileError(
            name, f"registret anger periodfiler (ledger.export_style: period, en månad eller "
            f"ett kvartal per fil), men filen har verifikationer {first}–{last}")
    if declared in ("yearly", "year_to_date") and style == "period":
        raise SourceFileError(
            name, f"registret anger ledger.export_style: {declared} (räkenskapsåret från "
            f"{year_months[0]}), men filen har verifikationer först från {first}: den ser ut "
            "som en periodfil")
    if declared == "period":
        style = "period"
    start = first if style == "period" else year_months[0]
    return (start, last), style


def months_between_text(first: str, last: str) -> list[str]:
    a = date(int(first[:4]), int(first[5:7]), 1)
    b = date(int(last[:4]), int(last[5:7]), 1)
    return months_between(a, b)
