"""What a read found: the SieSummary returned to the caller, and the bounded warning log."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

MAX_WARNINGS = 1000  # a broken million-row file must not produce a million warnings
MAX_UNBALANCED = 10_000

# The deviations from SIE 4B that the reader tolerates, because the record still reads one way
# only: each is a warning on the file, counted by kind, in Swedish for the person who follows up.
TEXTS = {
    "trans_without_object_list":
        "#TRANS utan objektlista (klamrarna {} saknas); raden lästes som en rad utan objekt",
    "quoted_number": "beloppet står inom citattecken; det lästes som ett tal",
    "balance_without_object_list":
        "{record} utan objektlista (klamrarna {{}} saknas); posten lästes som kontots saldo "
        "utan objekt",
    "balance_with_object_list":
        "{record} med en tom objektlista {{}}, som posten inte ska ha; den lästes utan objekt",
    "account_period_swapped":
        "{record} har kontot före perioden ({account} {period}); #KONTO och formen ÅÅÅÅMM "
        "visar vilket som är vilket, så de lästes omvända",
    "repeated_voucher_number":
        "verifikationsnumret {series} {number} finns redan på rad {first}; verifikationerna "
        "hålls isär efter sin plats i filen",
    "probable_double_booking":
        "verifikationen {series} {number} är en exakt upprepning av den på rad {first} "
        "(samma datum, text och rader): troligen dubbelbokförd",
    "tabs": "filen har {n} tabbtecken, mellan fält eller i texter; mellan fält lästes de som "
            "blanksteg, vilket SIE 4B tillåter",
    "mixed_line_endings":
        "filen blandar radslut ({styles}); alla räknades som radslut",
}
def kronor(amount: Decimal) -> str:
    """An amount the Swedish way, for a message a person reads: -12 771,00 kr."""
    sign = "-" if amount < 0 else ""
    whole, _, cents = f"{abs(amount):.2f}".partition(".")
    groups = f"{int(whole):,}".replace(",", " ")
    return f"{sign}{groups},{cents} kr"


# How much a kind matters to the person who follows up; "warning" unless listed.
SEVERITY = {
    "quoted_number": "info",
    "mixed_line_endings": "info",
    "tabs": "info",
    "late_fiscal_year": "info",
    "unknown_record": "info",
    "probable_double_booking": "warning",
    "unbalanced_voucher": "critical",
}


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
    warnings: list[dict[str, Any]]  # {line, kind, severity, message}
    unknown_records: dict[str, int]
    total_amount: str  # sum of the rows that count; "0.00" when every voucher balances
    rows_written: dict[str, int] = field(default_factory=dict)
    warning_counts: dict[str, int] = field(default_factory=dict)  # every warning, by kind

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
                self.items.append({"line": line, "kind": kind,
                                   "severity": SEVERITY.get(kind, "warning"),
                                   "message": message})

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
                        "severity": SEVERITY.get(kind, "warning"),
                        "message": f"ytterligare {total - listed[kind]} varningar av det här "
                        f"slaget ({total} i allt) listas inte",
                    }
                )
        return out
