"""Column operations on Arrow arrays with numpy and pyarrow.compute: typed values out of the text
fields DuckDB extracted, with the index of the first bad value when there is one."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .schema import MONEY


def plain(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def first_true(mask: pa.Array | np.ndarray) -> int | None:
    """Index of the first true value (nulls count as false), or None."""
    values = (
        mask if isinstance(mask, np.ndarray)
        else plain(mask).to_numpy(zero_copy_only=False)
    )
    if values.dtype == object:
        values = np.array([bool(v) for v in values])  # only for tiny, null-holding masks
    hits = np.flatnonzero(values)
    return int(hits[0]) if len(hits) else None


def unquote(arr: pa.Array) -> pa.Array:
    """Fields without their quotes and with \\" turned back into "; "" becomes empty."""
    arr = plain(arr)
    quoted = pc.fill_null(pc.starts_with(arr, '"'), False)
    if not pc.any(quoted).as_py():
        return arr
    # Dropping one ASCII byte at each end keeps UTF-8 valid, so slice bytes, not characters.
    inner = pc.binary_slice(arr.view(pa.binary()), 1, -1).view(pa.string())
    if pc.any(pc.match_substring(inner, '\\"')).as_py():
        inner = pc.replace_substring(inner, '\\"', '"')
    if pc.all(quoted).as_py():
        return inner
    return pc.if_else(quoted, inner, arr)


def empty_to_null(arr: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr)


def yyyymmdd(arr: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """SIE dates (YYYYMMDD text; empty or null when absent) as date32, plus a mask of the
    present but bad ones. Arrow's strptime quietly turns 20230231 into 3 March, so the
    calendar is checked here."""
    arr = plain(arr)
    lengths = pc.fill_null(pc.binary_length(arr), 0).to_numpy()
    present = lengths > 0
    shaped = lengths == 8
    try:
        digits = pc.cast(pc.if_else(pa.array(shaped), arr, "19700101"), pa.int32())
    except pa.ArrowInvalid:  # eight characters that are not all digits (rare: look closer)
        only_digits = pc.match_substring_regex(arr, r"^[0-9]{8}$")
        shaped &= pc.fill_null(only_digits, False).to_numpy(zero_copy_only=False)
        digits = pc.cast(pc.if_else(pa.array(shaped), arr, "19700101"), pa.int32())
    n = digits.to_numpy()
    year = n // 10000
    month = n // 100 - year * 100
    day = n - (n // 100) * 100
    good = shaped & (month >= 1) & (month <= 12) & (day >= 1)
    months = (year - 1970) * 12 + np.clip(month, 1, 12) - 1
    first = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    following = (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    good &= day <= following - first
    days = (first + day - 1).astype(np.int32)
    return pa.array(days, pa.date32(), mask=~good), present & ~good


def to_decimal(arr: pa.Array, type_: pa.DataType) -> tuple[pa.Array | None, int | None]:
    """Exact decimal values (never rounded), or the index of the first value that is not one."""
    arr = plain(arr)
    try:
        return pc.cast(arr, type_), None
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    # Rare: find the culprit by halving, so that even a million-row chunk costs little.
    lo, hi = 0, len(arr)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        try:
            pc.cast(arr.slice(lo, mid - lo), type_)
            lo = mid
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            hi = mid
    return None, lo


def cents(money: pa.Array) -> np.ndarray:
    """DECIMAL(18,2) values as int64 öre (exact: 18 digits fit in 63 bits)."""
    money = plain(money)
    if money.null_count:
        money = pc.fill_null(money, pa.scalar(0, MONEY))
    words = np.frombuffer(money.buffers()[1], dtype=np.int64)
    start = money.offset * 2
    return words[start : start + 2 * len(money) : 2].copy()


def money_from_cents(values: np.ndarray) -> pa.Array:
    values = np.asarray(values, dtype=np.int64)
    words = np.empty((len(values), 2), dtype=np.int64)
    words[:, 0] = values
    words[:, 1] = values >> 63  # sign extension into the high word
    return pa.Array.from_buffers(MONEY, len(values), [None, pa.py_buffer(words)])


def fiscal_year(dates: pa.Array, years: Iterable[tuple[int, int, int]]) -> pa.Array:
    """Calendar year in which the fiscal year holding each date starts (null: none holds it).

    years: (start day, end day, start year) with days counted from 1970-01-01; earlier entries
    win where years overlap.
    """
    dates = plain(dates)
    days = pc.fill_null(dates.cast(pa.int32()), np.iinfo(np.int32).min).to_numpy()
    out = np.zeros(len(days), dtype=np.int32)
    found = np.zeros(len(days), dtype=bool)
    for start, end, year in years:
        hit = ~found & (days >= start) & (days <= end)
        out[hit] = year
        found |= hit
    return pa.array(out, pa.int32(), mask=~found)


def constant(value: str, n: int) -> pa.Array:
    """A string column holding one value n times (built from a one-entry dictionary)."""
    indices = pa.array(np.zeros(n, dtype=np.int32))
    return pa.DictionaryArray.from_arrays(indices, pa.array([value])).cast(pa.string())
