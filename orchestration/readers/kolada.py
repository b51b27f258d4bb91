"""Kolada API v3 data responses (`/v3/data/kpi/{kpi}/municipality/{id}/year/{years}`) as a
long table for the landing table `survey_kolada`.

A response is `{"count", "values": [{"kpi", "municipality", "period", "values": [{"gender",
"status", "value", ...}]}], "next_url"/"previous_url"}`; a fetch that needed several pages is
several files, which `read_kolada` accepts together. Null values stay NULL, never zero, and
their status mark is kept. A row Kolada marks `isdeleted: true` has been withdrawn and is not
read.

`read_kolada_group` reads a municipality group's metadata (`/v3/municipality_group/{id}`:
`{"values": [{"id": "G...", "title", "members": [{"id", "title"}]}]}`), the members of a peer
set declared as a Kolada group.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa

from orchestration.readers.errors import SourceFileError
from orchestration.readers.jsonstat import load_json

KOLADA_SCHEMA = pa.schema(
    [
        ("kpi", pa.string()),
        ("municipality", pa.string()),
        ("period", pa.int32()),
        ("gender", pa.string()),
        ("status", pa.string()),
        ("value", pa.float64()),
        ("source_file", pa.string()),
    ]
)


def _text(name: str, item: dict[str, Any], field: str, where: str, required: bool) -> str | None:
    value = item.get(field)
    if value is None:
        if required:
            raise SourceFileError(name, f"missing '{field}'", key=f"{where}.{field}")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise SourceFileError(
            name, f"'{field}' must be text, got {value!r}", key=f"{where}.{field}"
        )
    # Empty status means "no flag"; NULL says that without a sentinel.
    return str(value) or None


def _period(name: str, row: dict[str, Any], where: str) -> int:
    period = row.get("period")
    if isinstance(period, str) and period.strip().isdigit():
        period = int(period.strip())
    if isinstance(period, bool) or not isinstance(period, int) or not 1900 <= period <= 2999:
        raise SourceFileError(
            name, f"period must be a year, got {row.get('period')!r}", key=f"{where}.period"
        )
    return period


def _number(name: str, item: dict[str, Any], where: str) -> float | None:
    value = item.get("value")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SourceFileError(
            name, f"value must be a number or null, got {value!r}", key=f"{where}.value"
        )
    return float(value)


def _read_one(path: Path, name: str, columns: dict[str, list[Any]]) -> None:
    doc = load_json(path, name)
    if not isinstance(doc, dict) or not isinstance(doc.get("values"), list):
        raise SourceFileError(
            name, "not a Kolada v3 data response: no 'values' array at the top", key="values"
        )
    for r, row in enumerate(doc["values"]):
        where = f"values[{r}]"
        if not isinstance(row, dict):
            raise SourceFileError(name, "row is not an object", key=where)
        if "municipality" not in row:
            hint = " (organisational-unit data is not read here)" if "ou" in row else ""
            raise SourceFileError(name, f"row has no 'municipality'{hint}", key=where)
        if row.get("isdeleted") is True:
            continue
        kpi = _text(name, row, "kpi", where, required=True)
        municipality = _text(name, row, "municipality", where, required=True)
        period = _period(name, row, where)
        cells = row.get("values")
        if not isinstance(cells, list):
            raise SourceFileError(name, "row has no 'values' array", key=f"{where}.values")
        for c, cell in enumerate(cells):
            cell_where = f"{where}.values[{c}]"
            if not isinstance(cell, dict):
                raise SourceFileError(name, "value entry is not an object", key=cell_where)
            if cell.get("isdeleted") is True:
                continue
            columns["kpi"].append(kpi)
            columns["municipality"].append(municipality)
            columns["period"].append(period)
            columns["gender"].append(_text(name, cell, "gender", cell_where, required=False))
            columns["status"].append(_text(name, cell, "status", cell_where, required=False))
            columns["value"].append(_number(name, cell, cell_where))
            columns["source_file"].append(name)


def read_kolada(
    path: Path | Sequence[Path], *, source_files: Sequence[str] | None = None
) -> pa.Table:
    """One Kolada v3 response file, or the page files of one fetch, as a long table.

    Columns: kpi, municipality, period INTEGER, gender, status (NULL when empty), value DOUBLE
    (NULL when null), source_file (the matching `source_files` entry, default the file name).
    """
    paths = [path] if isinstance(path, Path) else list(path)
    if source_files is not None and len(source_files) != len(paths):
        raise ValueError("source_files must name every path")
    names = list(source_files) if source_files is not None else [p.name for p in paths]
    columns: dict[str, list[Any]] = {field.name: [] for field in KOLADA_SCHEMA}
    for page, name in zip(paths, names, strict=True):
        _read_one(page, name, columns)
    return pa.Table.from_pydict(columns, schema=KOLADA_SCHEMA)


GROUP_SCHEMA = pa.schema(
    [
        ("group_id", pa.string()),
        ("group_title", pa.string()),
        ("municipality", pa.string()),
        ("municipality_name", pa.string()),
        ("source_file", pa.string()),
    ]
)


def is_group_response(doc: Any) -> bool:
    """A municipality-group answer lists members; a data answer lists KPI values."""
    values = doc.get("values") if isinstance(doc, dict) else None
    return bool(values) and isinstance(values[0], dict) and "members" in values[0]


def read_kolada_group(path: Path, *, source_file: str | None = None) -> pa.Table:
    """One Kolada municipality-group response as (group_id, group_title, municipality, ...)."""
    name = source_file or path.name
    doc = load_json(path, name)
    if not is_group_response(doc):
        raise SourceFileError(name, "not a Kolada municipality group: no 'values[0].members'",
                              key="values")
    columns: dict[str, list[Any]] = {field.name: [] for field in GROUP_SCHEMA}
    for g, group in enumerate(doc["values"]):
        where = f"values[{g}]"
        group_id = _text(name, group, "id", where, required=True)
        title = _text(name, group, "title", where, required=False)
        members = group.get("members")
        if not isinstance(members, list):
            raise SourceFileError(name, "'members' must be a list", key=f"{where}.members")
        for m, member in enumerate(members):
            member_where = f"{where}.members[{m}]"
            if not isinstance(member, dict):
                raise SourceFileError(name, "member is not an object", key=member_where)
            code = _text(name, member, "id", member_where, required=True)
            for column, value in (("group_id", group_id), ("group_title", title),
                                  ("municipality", code.zfill(4) if code.isdigit() else code),
                                  ("municipality_name",
                                   _text(name, member, "title", member_where, required=False)),
                                  ("source_file", name)):
                columns[column].append(value)
    return pa.Table.from_pydict(columns, schema=GROUP_SCHEMA)
