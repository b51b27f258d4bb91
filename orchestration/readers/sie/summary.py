"""What a read found: the SieSummary returned to the caller, and the bounded warning log."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

MAX_WARNINGS = 1000  # a broken million-row file must not produce a million warnings
MAX_UNBALANCED = 10_000


@dataclass
class SieSummary:
    """Facts about one SIE file. Every value is JSON-ready: dates are ISO strings and amounts
    are decimal strings ("-12771.00"), so nothing is lost to floats."""

    source_file: str
    encoding: str  # 'cp437', 'utf-8' or 'latin-1': what the bytes really are
    declared_format: str | None  # the #FORMAT value, normally 'PC8'
    sie_type: str | None
    program: str | None
    generated_on: str | None
    company_name: str | None
    org_no: str | None
    fiscal_years: list[dict[str, Any]]  # {year_index, start_date, end_date}
    vouchers: int
    transactions: int  # #TRANS rows that count in the ledger
    accounts: int  # accounts declared by #KONTO
    unbalanced_vouchers: list[dict[str, Any]]  # {series, number, line, difference}
    warnings: list[dict[str, Any]]  # {line, kind, message}
    unknown_records: dict[str, int]
    total_amount: str  # sum of the rows that count; "0.00" when every voucher balances
    rows_written: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class WarningLog:
    """Collects warnings in file order per kind, keeping at most MAX_WARNINGS of them but
    counting every one, so the summary says how many were left out."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()  # the reader and the output thread both add warnings

    def add(self, kind: str, message: str, line: int | None = None) -> None:
        with self._lock:
            self.counts[kind] += 1
            if len(self.items) < MAX_WARNINGS:
                self.items.append({"line": line, "kind": kind, "message": message})

    def count_more(self, kind: str, extra: int) -> None:
        """Record that `extra` further warnings of a kind exist without listing them."""
        with self._lock:
            self.counts[kind] += extra

    def result(self) -> list[dict[str, Any]]:
        """The warnings in line order (file-wide ones first), then what was left out."""
        listed = Counter(item["kind"] for item in self.items)
        out = sorted(self.items, key=lambda w: -1 if w["line"] is None else w["line"])
        for kind, total in sorted(self.counts.items()):
            if total > listed[kind]:
                out.append(
                    {
                        "line": None,
                        "kind": kind,
                        "message": f"{total - listed[kind]} more warnings of this kind "
                        f"({total} in all) are not listed",
                    }
                )
        return out
