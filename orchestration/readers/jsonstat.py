"""JSON-stat 2.0 datasets (SCB PxWebApi v2 `outputFormat=json-stat2` responses) as long tables.

JSON-stat stores a cube as one flat `value` list in row-major order over the dimensions
named in `id` (sizes in `size`): the last dimension varies fastest. The long table is built
with index arithmetic on whole columns, never a Python object per cell.

A null cell stays NULL (with its status, e.g. ".." for "not available"); it is never zero.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.clients.http import sidecar_path
from orchestration.readers.errors import SourceFileError

RESERVED_COLUMNS = ("value", "status", "source_file")
# Far above what one PxWebApi call may return (SCB: 150 000); guards against a `size` typo
# allocating gigabytes before the value count is checked.
MAX_CELLS = 20_000_000

OBSERVATION_SCHEMA = pa.schema(
    [
        ("source_file", pa.string()),
        ("table_id", pa.string()),
        ("region", pa.string()),
        ("period", pa.string()),
        ("contents_code", pa.string()),
        ("other_dimensions", pa.string()),
        ("value", pa.float64()),
        ("status", pa.string()),
    ]
)


def load_json(path: Path, name: str) -> Any:
    """Parse a JSON file, turning every way it can be broken into a SourceFileError."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceFileError(name, f"cannot read file: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise SourceFileError(name, "file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceFileError(
            name, f"not UTF-8: invalid byte at offset {exc.start}", key=f"byte {exc.start}"
        ) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        # Truncated downloads end here; line and column tell where the text stops making sense.
        raise SourceFileError(
            name,
            f"invalid or truncated JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}",
            line=exc.lineno,
            key=f"line {exc.lineno} column {exc.colno}",
        ) from exc
    except ValueError as exc:  # Python refuses integers of more than 4,300 digits
        raise SourceFileError(name, f"a number in the file cannot be read: {exc}"[:200]) from None
    except RecursionError:
        raise SourceFileError(name, "the JSON is nested too deeply to be data") from None


@dataclass(frozen=True)
class _Dimension:
    id: str
    codes: list[str]


def _category_codes(name: str, dim_id: str, spec: Any, size: int) -> list[str]:
    """Category codes in storage order, from `index` as array or object (or a lone label)."""
    where = f"dimension.{dim_id}.category"
    if not isinstance(spec, dict):
        raise SourceFileError(name, "dimension has no category object", key=f"dimension.{dim_id}")
    category = spec.get("category")
    if not isinstance(category, dict):
        raise SourceFileError(name, "dimension has no category object", key=where)
    index = category.get("index")
    if index is None:
        # JSON-stat allows omitting index for a single category: its code is the label key.
        labels = category.get("label")
        if isinstance(labels, dict) and len(labels) == 1:
            index = list(labels)
        else:
            raise SourceFileError(name, "category has no index", key=f"{where}.index")
    if isinstance(index, list):
        codes = index
    elif isinstance(index, dict):
        codes = [None] * len(index)
        for code, position in index.items():
            if (
                isinstance(position, bool)
                or not isinstance(position, int)
                or not 0 <= position < len(index)
                or codes[position] is not None
            ):
                raise SourceFileError(
                    name,
                    f"category position {position!r} is not a unique position 0..{len(index) - 1}",
                    key=f"{where}.index.{code}",
                )
            codes[position] = code
    else:
        raise SourceFileError(name, "category index must be an array or object", key=where)
    if not all(isinstance(code, str) for code in codes):
        raise SourceFileError(name, "category codes must be strings", key=f"{where}.index")
    if len(codes) != size:
        raise SourceFileError(
            name,
            f"dimension has {len(codes)} categories but size says {size}",
            key=f"{where}.index",
        )
    return codes


def _parse_header(name: str, doc: Any) -> list[_Dimension]:
    if not isinstance(doc, dict):
        raise SourceFileError(name, "not JSON-stat 2.0: the top level is not an object")
    for field in ("version", "class", "id", "size", "dimension", "value"):
        if field not in doc:
            raise SourceFileError(name, f"not JSON-stat 2.0: missing '{field}'", key=field)
    version = doc["version"]
    if not isinstance(version, str) or not version.startswith("2."):
        raise SourceFileError(name, f"not JSON-stat 2.0: version is {version!r}", key="version")
    if doc["class"] != "dataset":
        raise SourceFileError(
            name, f"not a JSON-stat dataset: class is {doc['class']!r}", key="class"
        )
    ids, sizes, dims = doc["id"], doc["size"], doc["dimension"]
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise SourceFileError(name, "'id' must be an array of dimension ids", key="id")
    if len(set(ids)) != len(ids):
        raise SourceFileError(name, "'id' names a dimension twice", key="id")
    if (
        not isinstance(sizes, list)
        or len(sizes) != len(ids)
        or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in sizes)
    ):
        raise SourceFileError(
            name, "'size' must be one non-negative integer per entry in 'id'", key="size"
        )
    if not isinstance(dims, dict):
        raise SourceFileError(name, "'dimension' must be an object", key="dimension")
    result = []
    for position, (dim_id, size) in enumerate(zip(ids, sizes, strict=True)):
        if dim_id in RESERVED_COLUMNS:
            raise SourceFileError(
                name,
                f"dimension id {dim_id!r} clashes with an output column",
                key=f"id[{position}]",
            )
        if dim_id not in dims:
            raise SourceFileError(
                name, f"'id' refers to unknown dimension {dim_id!r}", key=f"id[{position}]"
            )
        result.append(_Dimension(dim_id, _category_codes(name, dim_id, dims[dim_id], size)))
    role = doc.get("role")
    if isinstance(role, dict):
        for role_name, members in role.items():
            for member in members if isinstance(members, list) else [members]:
                if member not in ids:
                    raise SourceFileError(
                        name,
                        f"role refers to unknown dimension {member!r}",
                        key=f"role.{role_name}",
                    )
    return result


def _values(name: str, value: Any, n: int) -> pa.Array:
    if isinstance(value, list):
        if len(value) != n:
            # SCB's /metadata answers are JSON-stat with no values; say so rather than puzzle.
            hint = " (a metadata response, not data?)" if not value else ""
            raise SourceFileError(
                name,
                f"'value' has {len(value)} cells but the sizes multiply to {n}{hint}",
                key="value",
            )
        return _numeric(name, value, lambda i: f"value[{i}]")
    if isinstance(value, dict):
        # Sparse form: {"<cell index>": number}; every other cell is null.
        positions = np.empty(len(value), dtype=np.int64)
        keys = list(value)
        for i, key in enumerate(keys):
            positions[i] = _cell_index(name, key, n, f"value.{key}")
        present = _numeric(name, list(value.values()), lambda i: f"value.{keys[i]}")
        dense = np.full(n, np.nan)
        mask = np.ones(n, dtype=bool)
        dense[positions] = present.to_numpy(zero_copy_only=False)
        mask[positions] = present.is_null().to_numpy(zero_copy_only=False)
        return pa.array(dense, type=pa.float64(), mask=mask)
    raise SourceFileError(name, "'value' must be an array or an object", key="value")


def _numeric(name: str, items: list[Any], key_of: Callable[[int], str]) -> pa.Array:
    try:
        inferred = pa.array(items)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        inferred = None
    if inferred is not None and (
        pa.types.is_null(inferred.type)
        or pa.types.is_integer(inferred.type)
        or pa.types.is_floating(inferred.type)
    ):
        return inferred.cast(pa.float64())
    # Only on the error path: find the first cell that is not a number to name it.
    for i, item in enumerate(items):
        if item is not None and (isinstance(item, bool) or not isinstance(item, int | float)):
            raise SourceFileError(name, f"cell is not a number or null: {item!r}", key=key_of(i))
    raise SourceFileError(name, "'value' holds numbers that do not fit a double", key="value")


def _cell_index(name: str, key: str, n: int, where: str) -> int:
    try:
        index = int(key)
    except ValueError:
        index = -1
    if not 0 <= index < n or str(index) != key.strip():
        raise SourceFileError(name, f"{key!r} is not a cell index 0..{n - 1}", key=where)
    return index


def _statuses(name: str, status: Any, n: int) -> pa.Array:
    if status is None:
        return pa.nulls(n, type=pa.string())
    if isinstance(status, str):
        return _constant(status, n) if status else pa.nulls(n, type=pa.string())
    if isinstance(status, list):
        if len(status) == 1:
            status = status * n
        if len(status) != n:
            raise SourceFileError(
                name, f"'status' has {len(status)} entries for {n} cells", key="status"
            )
        bad = next(
            (i for i, s in enumerate(status) if s is not None and not isinstance(s, str)), None
        )
        if bad is not None:
            raise SourceFileError(name, "status must be a string or null", key=f"status[{bad}]")
        return pa.array([s or None for s in status], type=pa.string())
    if isinstance(status, dict):
        dense: list[str | None] = [None] * n
        for key, flag in status.items():
            index = _cell_index(name, key, n, f"status.{key}")
            if flag is not None and not isinstance(flag, str):
                raise SourceFileError(name, "status must be a string or null", key=f"status.{key}")
            dense[index] = flag or None
        return pa.array(dense, type=pa.string())
    raise SourceFileError(name, "'status' must be a string, array or object", key="status")


def _category_positions(dimensions: list[_Dimension], n: int) -> dict[str, pa.Array]:
    """Each cell's category position per dimension: row-major, the last id varies fastest."""
    cells = np.arange(n, dtype=np.int64)
    positions: dict[str, pa.Array] = {}
    stride = 1
    for dim in reversed(dimensions):
        size = len(dim.codes)
        positions[dim.id] = pa.array((cells // stride) % size if size else cells)
        stride *= max(size, 1)
    return positions


def _constant(value: str, n: int) -> pa.Array:
    return pc.take(pa.array([value], type=pa.string()), pa.array(np.zeros(n, dtype=np.int64)))


@dataclass(frozen=True)
class _Parsed:
    doc: dict[str, Any]
    dimensions: list[_Dimension]
    positions: dict[str, pa.Array]
    table: pa.Table


def _parse(path: Path, name: str) -> _Parsed:
    doc = load_json(path, name)
    dimensions = _parse_header(name, doc)
    n = math.prod(len(d.codes) for d in dimensions)
    if n > MAX_CELLS:
        raise SourceFileError(name, f"the sizes multiply to {n} cells, too many", key="size")
    values = _values(name, doc["value"], n)
    statuses = _statuses(name, doc.get("status"), n)
    positions = _category_positions(dimensions, n)
    columns = {
        dim.id: pc.take(pa.array(dim.codes, type=pa.string()), positions[dim.id])
        for dim in dimensions
    }
    columns["value"] = values
    columns["status"] = statuses
    columns["source_file"] = _constant(name, n)
    return _Parsed(doc, dimensions, positions, pa.table(columns))


def read_jsonstat(path: Path, *, source_file: str | None = None) -> pa.Table:
    """A JSON-stat 2.0 dataset as a long table.

    One VARCHAR column per dimension (named by the dimension id, holding category codes) in
    `id` order, then `value` DOUBLE (NULL for null cells), `status` VARCHAR (NULL when the
    file gives none) and `source_file` (`source_file` argument, default the file name).
    """
    name = source_file or path.name
    return _parse(path, name).table


def _role_dimension(doc: dict[str, Any], ids: list[str], role: str, fallback: str) -> str | None:
    roles = doc.get("role")
    members = roles.get(role) if isinstance(roles, dict) else None
    if isinstance(members, str):
        members = [members]
    if isinstance(members, list) and members:
        return members[0]
    for dim_id in ids:
        if dim_id.lower() == fallback.lower():
            return dim_id
    return None


def _table_id(path: Path, doc: dict[str, Any], explicit: str | None) -> str | None:
    if explicit:
        return explicit
    extension = doc.get("extension")
    px = extension.get("px") if isinstance(extension, dict) else None
    if isinstance(px, dict):
        for key in ("tableid", "matrix"):
            if isinstance(px.get(key), str) and px[key].strip():
                return px[key].strip()
    meta = sidecar_path(path)
    if meta.is_file():
        try:
            recorded = json.loads(meta.read_text(encoding="utf-8")).get("table_id")
        except (OSError, ValueError, AttributeError):
            recorded = None
        if isinstance(recorded, str) and recorded.strip():
            return recorded.strip()
    # Files the clients write are named scb_<table>_<digest>_<part>.json.
    parts = path.stem.split("_")
    if len(parts) >= 2 and parts[0].lower() == "scb" and parts[1]:
        return parts[1]
    return None


def jsonstat_observations(
    path: Path, table_id: str | None = None, *, source_file: str | None = None
) -> pa.Table:
    """A JSON-stat 2.0 dataset normalised for the landing table `survey_scb`.

    `region` is the geo-role dimension (else one named Region), `period` the time-role one
    (else Tid), `contents_code` the metric-role one (else ContentsCode); each is NULL when the
    table has no such dimension. `other_dimensions` is a JSON object (keys sorted) of the
    remaining dimensions' codes. `table_id` comes from the argument, else the file's
    `extension.px.tableid`, else the sidecar written by the client, else the file name.
    """
    name = source_file or path.name
    parsed = _parse(path, name)
    doc, long = parsed.doc, parsed.table
    ids = [d.id for d in parsed.dimensions]
    table = _table_id(path, doc, table_id)
    if table is None:
        raise SourceFileError(
            name,
            "cannot tell which SCB table this is: no extension.px.tableid, no sidecar, "
            "and the file name does not start with scb_<table>_",
            key="extension.px.tableid",
        )
    n = long.num_rows
    region = _role_dimension(doc, ids, "geo", "Region")
    period = _role_dimension(doc, ids, "time", "Tid")
    contents = _role_dimension(doc, ids, "metric", "ContentsCode")
    named = {region, period, contents}
    others = sorted(d for d in ids if d not in named)

    def column(dim_id: str | None) -> pa.Array:
        return long[dim_id].combine_chunks() if dim_id else pa.nulls(n, type=pa.string())

    if others:
        # Build each row's JSON text from pre-encoded fragments, one column at a time.
        by_id = {d.id: d for d in parsed.dimensions}
        pieces: list[Any] = []
        for i, dim_id in enumerate(others):
            encoded = pa.array(
                [json.dumps(code, ensure_ascii=False) for code in by_id[dim_id].codes],
                type=pa.string(),
            )
            prefix = ("{" if i == 0 else ",") + json.dumps(dim_id, ensure_ascii=False) + ":"
            pieces.append(prefix)
            pieces.append(pc.take(encoded, parsed.positions[dim_id]))
        pieces.append("}")
        other_dimensions = pc.binary_join_element_wise(*pieces, "")
    else:
        other_dimensions = _constant("{}", n)

    return pa.Table.from_arrays(
        [
            long["source_file"],
            _constant(table, n),
            column(region),
            column(period),
            column(contents),
            other_dimensions,
            long["value"],
            long["status"],
        ],
        schema=OBSERVATION_SCHEMA,
    )
