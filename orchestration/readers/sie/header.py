"""The fiscal year a SIE file declares (#RAR 0), read from the head of the file alone.

The raw/ sensor and the ledger's month partitions use it to tell which file holds a month
without parsing the file. The full reader (reader.py) still validates every #RAR."""

import re
from datetime import date
from pathlib import Path

# #RAR sits among the declarations before the first voucher; 4 MB holds the head of any
# real export (a chart of accounts is some thousand lines)
HEAD_BYTES = 4 * 1024 * 1024
_RAR = re.compile(rb'^[ \t]*#RAR[ \t]+"?(-?\d+)"?[ \t]+"?(\d{8})"?[ \t]+"?(\d{8})"?', re.M)
_FIRST_VOUCHER = re.compile(rb"^[ \t]*#VER\b", re.M)


def current_fiscal_year(path: Path) -> tuple[date, date] | None:
    """Start and end of the file's #RAR 0, or None when the head declares none."""
    head = b""
    with path.open("rb") as f:
        while len(head) < HEAD_BYTES and (block := f.read(64 * 1024)):
            head += block
            if first := _FIRST_VOUCHER.search(head):
                head = head[:first.start()]
                break
    for index, start, end in _RAR.findall(head):
        if int(index) != 0:
            continue
        try:
            return _date(start), _date(end)
        except ValueError:
            return None
    return None


def fiscal_months(path: Path) -> list[str] | None:
    """YYYY-MM of the months in the file's fiscal year; None when its head declares none."""
    year = current_fiscal_year(path)
    return None if year is None else months_between(*year)


def months_between(start: date, end: date) -> list[str]:
    """YYYY-MM of every month from start to end, both included."""
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _date(text: bytes) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
