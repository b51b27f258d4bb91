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


# a #VER line's date: the third field, after series and number (quoted or not)
_VER_DATE = re.compile(rb'^[ \t]*#VER[ \t]+(?:"[^"]*"|\S+)[ \t]+(?:"[^"]*"|\S+)[ \t]+"?(\d{8})"?',
                       re.M)
TAIL_BYTES = 256 * 1024


def voucher_months_hint(path: Path) -> tuple[str, str] | None:
    """YYYY-MM of the first voucher in the file's head and the last one in its tail: which
    months a file holds, without parsing it (exports list vouchers in date order; the loader
    takes the true months from the parsed file). None when neither end shows a voucher."""
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(min(size, HEAD_BYTES))
        f.seek(max(0, size - TAIL_BYTES))
        tail = f.read()
    first = _VER_DATE.search(head)
    dates = _VER_DATE.findall(tail)
    last = dates[-1] if dates else None
    if first is None or last is None:
        return None
    return _month(first.group(1)), _month(last)


def _month(text: bytes) -> str:
    return f"{text[:4].decode()}-{text[4:6].decode()}"
