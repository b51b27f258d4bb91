"""The municipality's own measurements: `raw/survey/egna/*.csv` (a local trygghetsmätning,
counts from its own systems), one value per indicator, year and area.

Columns, found by header name (any order, any case; extra columns are ignored):
`indicator;year;area;value` and an optional `status`. Semicolon-separated (a comma is
accepted when the header uses it), UTF-8 with or without BOM, decimal comma or point.
- `indicator` is a registry indicator id whose source is `survey`;
- `area` is a registry area id or code; empty means the whole municipality;
- `value` empty or one of the statistics' missing-value marks (`-`, `.`, `..`, `x`) keeps the
  value NULL and the mark in `status` (never a zero). `status` may say the same in its own
  column, e.g. `x` for a cell suppressed because too few answered.

The file is small (indicators x areas x years), so it is read with the csv module.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pyarrow as pa

from orchestration.readers.errors import SourceFileError

REQUIRED = ("indicator", "year", "area", "value")
MISSING_MARKS = ("-", ".", "..", "x", "X")
_NUMBER = re.compile(r"^-?[0-9]+([.,][0-9]+)?$")

OWN_SCHEMA = pa.schema(
    [
        ("source_file", pa.string()),
        ("source_line", pa.int64()),
        ("indicator", pa.string()),
        ("year", pa.int32()),
        ("area", pa.string()),
        ("value", pa.float64()),
        ("status", pa.string()),
    ]
)


def _text(path: Path, name: str) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise SourceFileError(name, "är inte giltig UTF-8", line=line) from None


def read_own_measurements(path: Path, *, source_file: str | None = None) -> pa.Table:
    """Rows of one own-measurement CSV; raises SourceFileError naming file, line and reason."""
    name = source_file or path.name
    text = _text(path, name)
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise SourceFileError(name, "tom fil: förväntade rubrikraden indicator;year;area;value",
                              line=1)
    delimiter = ";" if ";" in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise SourceFileError(name, f"kolumn saknas: {', '.join(missing)}; förväntade "
                              "indicator;year;area;value[;status]", line=1)
    at = {c: header.index(c) for c in (*REQUIRED, "status") if c in header}
    columns: dict[str, list] = {f.name: [] for f in OWN_SCHEMA}
    seen: dict[tuple[str, int, str], int] = {}
    for fields in reader:
        line = reader.line_num
        if not any(f.strip() for f in fields):
            continue  # blank lines, common at the end of exported files
        if len(fields) < len(header):
            fields = fields + [""] * (len(header) - len(fields))

        def cell(column: str, fields: list[str] = fields) -> str:
            return fields[at[column]].strip() if column in at else ""

        indicator, year_text, area, raw = (cell(c) for c in REQUIRED)
        status = cell("status") or None
        if not indicator:
            raise SourceFileError(name, "indicator är tom", line=line)
        if not year_text.isdigit() or not 1900 <= int(year_text) <= 2999:
            raise SourceFileError(name, f"year ska vara ett årtal, inte {year_text!r}", line=line)
        year = int(year_text)
        value: float | None = None
        if raw in MISSING_MARKS or raw == "":
            status = status or raw or None
        elif _NUMBER.match(raw.replace("\u00a0", "").replace(" ", "")):
            value = float(raw.replace("\u00a0", "").replace(" ", "").replace(",", "."))
        else:
            raise SourceFileError(name, f"value ska vara ett tal eller ett av "
                                  f"{' '.join(MISSING_MARKS[:4])}, inte {raw!r}", line=line)
        key = (indicator, year, area)
        if key in seen:
            raise SourceFileError(name, f"{indicator} {year} {area or 'hela kommunen'} finns "
                                  f"två gånger (först på rad {seen[key]})", line=line)
        seen[key] = line
        for column, v in (("source_file", name), ("source_line", line),
                          ("indicator", indicator), ("year", year), ("area", area or None),
                          ("value", value), ("status", status)):
            columns[column].append(v)
    return pa.Table.from_pydict(columns, schema=OWN_SCHEMA)
