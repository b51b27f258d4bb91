"""An SIE 4 writer for the fuzz tests, written from the SIE 4B text and independent of the sample
generator: it renders a ledger held as plain values in many legal spellings (quoting, tabs,
encodings, line endings, #RTRANS/#BTRANS), so that reading it back must give those values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Row:
    kind: str  # TRANS, RTRANS or BTRANS
    account: str
    objects: tuple[tuple[int, str], ...]  # (dimension, code), distinct dimensions
    cents: int
    when: date | None = None
    text: str | None = None
    quantity: Decimal | None = None

    @property
    def counts(self) -> bool:
        return self.kind == "TRANS"


@dataclass(frozen=True)
class Voucher:
    series: str
    number: str
    when: date
    text: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Style:
    encoding: str = "cp437"  # cp437, utf-8 or latin-1
    newline: str = "\r\n"
    tabs: bool = False  # tabs instead of blanks between fields
    indent: str = ""  # before rows
    quote_numbers: bool = False  # amounts, dates and numbers in quotes
    short_amounts: bool = False  # 12.5 and 12 instead of 12.50 and 12.00
    trailing_blank: bool = False


@dataclass(frozen=True)
class Ledger:
    year: int
    dimensions: dict[int, str]
    objects: dict[tuple[int, str], str]
    accounts: dict[str, str]
    vouchers: tuple[Voucher, ...]
    style: Style = field(default_factory=Style)


def quote(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'


def _amount(cents: int, style: Style) -> str:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    text = f"{sign}{whole}.{part:02d}"
    if style.short_amounts:
        text = text.rstrip("0").rstrip(".") if part else f"{sign}{whole}"
    return quote(text) if style.quote_numbers else text


def _day(d: date | None, style: Style) -> str:
    if d is None:
        return '""'
    text = d.strftime("%Y%m%d")
    return quote(text) if style.quote_numbers else text


def _objects(objects: tuple[tuple[int, str], ...], sep: str) -> str:
    return "{" + sep.join(f"{dim}{sep}{quote(code)}" for dim, code in objects) + "}"


def _row(row: Row, style: Style, sep: str) -> str:
    fields = [f"#{row.kind}", row.account, _objects(row.objects, sep), _amount(row.cents, style)]
    tail = [_day(row.when, style), quote(row.text) if row.text is not None else '""']
    if row.quantity is not None:
        tail.append(str(row.quantity))
    # trailing fields may be left out when empty
    while tail and tail[-1] == '""':
        tail.pop()
    return style.indent + sep.join(fields + tail)


def render(ledger: Ledger) -> bytes:
    style = ledger.style
    sep = "\t" if style.tabs else " "
    y = ledger.year
    lines = [
        "#FLAGGA 0", '#PROGRAM "Fuzzskrivaren" 1.0', "#FORMAT PC8", "#GEN 20240105",
        "#SIETYP 4", '#FNAMN "Fuzz kommun"', "#ORGNR 212000-9999",
        f"#RAR 0 {y}0101 {y}1231", f"#RAR -1 {y - 1}0101 {y - 1}1231",
    ]
    lines += [f"#KONTO {a} {quote(n)}" for a, n in ledger.accounts.items()]
    lines += [f"#DIM {d} {quote(n)}" for d, n in ledger.dimensions.items()]
    lines += [f"#OBJEKT {d} {quote(c)} {quote(n)}" for (d, c), n in ledger.objects.items()]
    for v in ledger.vouchers:
        number = quote(v.number) if style.quote_numbers else v.number
        series = v.series if v.series.isalnum() or v.series == "#" else quote(v.series)
        lines.append(sep.join(["#VER", series, number, _day(v.when, style), quote(v.text)]))
        lines.append("{")
        lines += [_row(r, style, sep) for r in v.rows]
        lines.append("}")
    end = (" " if style.trailing_blank else "") + style.newline
    return end.join(lines).encode(style.encoding) + end.encode(style.encoding)
