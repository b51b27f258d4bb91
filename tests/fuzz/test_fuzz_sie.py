"""Fuzzing the SIE reader: random valid ledgers written by an independent writer are read back
exactly; mutated generated, own and real files are read or rejected with SourceFileError."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from unittest import mock

import pyarrow.parquet as pq
from conftest import FIXTURES, SCALE, SHARED_SIE, fuzz_settings, parses_or_names_the_problem
from fuzz_sie_writer import Ledger, Row, Style, Voucher, render
from hypothesis import given, note
from hypothesis import strategies as st

from orchestration.readers.errors import SourceFileError
from orchestration.readers.sie import read_sie, reader

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789åäöÅÄÖé"
TEXT = st.text(alphabet=LETTERS + ' "{}-/.,&', max_size=20)
CODE = st.text(alphabet=LETTERS + ' "{}-', min_size=1, max_size=8)
YEAR = 2023


@st.composite
def ledgers(draw: st.DrawFn) -> Ledger:
    dims = draw(st.lists(st.integers(1, 40), unique=True, max_size=4))
    objects = {(d, c): draw(TEXT) for d in dims
               for c in draw(st.lists(CODE, unique=True, min_size=1, max_size=4))}
    accounts = {a: draw(TEXT) for a in draw(
        st.lists(st.from_regex(r"[1-8][0-9]{3}", fullmatch=True), unique=True, min_size=2,
                 max_size=6))}
    codes = {d: [c for (dd, c) in objects if dd == d] for d in dims}
    vouchers = []
    numbers: dict[str, int] = {}
    for _ in range(draw(st.integers(0, 25))):
        series = draw(st.sampled_from(["A", "B", "#", "LÖN", "Serie 2"]))
        numbers[series] = numbers.get(series, 0) + 1
        repeat = draw(st.integers(0, 9)) == 0  # BL repeats numbers within a series
        number = "1" if repeat else str(numbers[series])
        day = date(YEAR, 1, 1) + timedelta(days=draw(st.integers(0, 364)))
        rows = []
        for _ in range(draw(st.integers(1, 6))):
            picked = draw(st.lists(st.sampled_from(dims), unique=True)) if dims else []
            row = Row(
                kind="TRANS",
                account=draw(st.sampled_from(sorted(accounts))),
                objects=tuple((d, draw(st.sampled_from(codes[d]))) for d in picked),
                cents=draw(st.integers(-10**13, 10**13)),
                when=draw(st.none() | st.just(day)),
                text=draw(st.none() | TEXT),
                quantity=draw(st.none() | st.decimals(-9999, 9999, places=2)),
            )
            kind = draw(st.sampled_from(["TRANS"] * 6 + ["RTRANS", "BTRANS"]))
            if kind == "RTRANS":  # an added row, repeated as #TRANS for old readers
                rows.append(Row("RTRANS", row.account, row.objects, row.cents, row.when,
                                row.text, row.quantity))
            elif kind == "BTRANS":  # a removed row: shown, never counted
                rows.append(Row("BTRANS", row.account, row.objects, -row.cents))
            rows.append(row)
        if draw(st.booleans()):  # most vouchers balance; some do not
            rest = -sum(r.cents for r in rows if r.counts)
            rows.append(Row("TRANS", draw(st.sampled_from(sorted(accounts))), (), rest))
        vouchers.append(Voucher(series, number, day, draw(TEXT), tuple(rows)))
    style = Style(
        encoding=draw(st.sampled_from(["cp437", "utf-8", "latin-1"])),
        newline=draw(st.sampled_from(["\r\n", "\n", "\r"])),
        tabs=draw(st.booleans()),
        indent=draw(st.sampled_from(["", "   ", "\t"])),
        quote_numbers=draw(st.booleans()),
        short_amounts=draw(st.booleans()),
        trailing_blank=draw(st.booleans()),
    )
    return Ledger(YEAR, {d: draw(TEXT) for d in dims}, objects, accounts, tuple(vouchers), style)


@contextmanager
def small_blocks(size: int) -> Iterator[None]:
    """Small blocks, so that chunk boundaries fall everywhere, vouchers across them included."""
    with mock.patch.object(reader, "BLOCK_BYTES", size):
        yield


def _expected(ledger: Ledger) -> tuple[list[tuple], list[tuple]]:
    dims = sorted(ledger.dimensions)
    vouchers, rows = [], []
    for v in ledger.vouchers:
        total = sum(r.cents for r in v.rows if r.counts)
        vouchers.append((v.series, v.number, v.when, v.text or None, len(v.rows),
                         Decimal(total).scaleb(-2), total == 0))
        for r in v.rows:
            codes = dict(r.objects)
            rows.append((v.series, v.number, r.kind, r.account,
                         tuple(codes.get(d) for d in dims), Decimal(r.cents).scaleb(-2),
                         r.when, r.text or None, r.quantity, r.counts))
    return vouchers, rows


def _read_back(out: Path, dims: list[int]) -> tuple[list[tuple], list[tuple]]:
    v = pq.read_table(out / "vouchers.parquet").to_pylist()
    t = pq.read_table(out / "transactions.parquet").to_pylist()
    vouchers = [(x["voucher_series"], x["voucher_number"], x["voucher_date"], x["voucher_text"],
                 x["row_count"], x["amount_sum"], x["is_balanced"]) for x in v]
    rows = [(x["voucher_series"], x["voucher_number"], x["row_kind"], x["account"],
             tuple(x[f"d{d}_code"] for d in dims), x["amount"], x["transaction_date"],
             x["transaction_text"], None if x["quantity"] is None else x["quantity"].normalize(),
             x["counts_in_ledger"]) for x in t]
    return vouchers, rows


@fuzz_settings(25)
@given(ledger=ledgers(), block=st.sampled_from([None, 700, 4096]))
def test_round_trip_reads_back_exactly(ledger: Ledger, block: int | None) -> None:
    dims = sorted(ledger.dimensions)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.se"
        path.write_bytes(render(ledger))
        with small_blocks(block or reader.BLOCK_BYTES):
            result = parses_or_names_the_problem(
                "sie_round_trip",
                lambda: read_sie(path, Path(tmp) / "out", {f"d{d}": d for d in dims}),
                "fuzz.se")
        assert not isinstance(result, SourceFileError), f"a valid file was rejected: {result}"
        expected_vouchers, expected_rows = _expected(ledger)
        got_vouchers, got_rows = _read_back(Path(tmp) / "out", dims)
        assert got_vouchers == expected_vouchers
        expected_rows = [r[:8] + (None if r[8] is None else r[8].normalize(),) + r[9:]
                         for r in expected_rows]
        assert got_rows == expected_rows
        assert result.encoding == ledger.style.encoding
        assert result.vouchers == len(ledger.vouchers)


# -- mutations ---------------------------------------------------------------------------------
def _seeds() -> list[tuple[str, bytes]]:
    files = sorted((FIXTURES / "sie").glob("*.s[ei]"))
    if SHARED_SIE is not None:  # the real exports, read where they are, never copied
        files += sorted(p for p in SHARED_SIE.iterdir() if p.suffix.lower() in (".se", ".si"))
    return [(p.name, p.read_bytes()) for p in files]


SEEDS = _seeds()
NOISE = st.binary(min_size=1, max_size=40)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    generated = draw(st.booleans())
    data = render(draw(ledgers())) if generated else draw(st.sampled_from(SEEDS))[1]
    for _ in range(draw(st.integers(1, 4))):
        n = len(data)
        at = draw(st.integers(0, n))
        how = draw(st.sampled_from(["truncate", "brace", "quote", "noise", "huge", "encoding",
                                    "delete_line", "repeat_line", "nul", "newline",
                                    "token", "label"]))
        note(f"{how} at byte {at} of {n}")
        if how == "truncate":
            data = data[:at]
        elif how == "brace":  # delete a brace, or add one
            braces = [i for i, b in enumerate(data) if b in b"{}"]
            if braces and draw(st.booleans()):
                i = draw(st.sampled_from(braces))
                data = data[:i] + data[i + 1:]
            else:
                data = data[:at] + draw(st.sampled_from([b"{", b"}", b"{\r\n", b"}\n"])) + data[at:]
        elif how == "quote":
            data = data[:at] + b'"' + data[at:]
        elif how == "noise":
            data = data[:at] + draw(NOISE) + data[at:]
        elif how == "huge":  # a field of up to 2 MB, with or without quotes
            size = draw(st.sampled_from([1000, 100_000, 2_000_000 if SCALE > 1 else 300_000]))
            data = data[:at] + draw(st.sampled_from([b"x", b'"', b"9", b" "])) * size + data[at:]
        elif how == "encoding":  # letters of another encoding half-way
            data = data[:at] + draw(st.sampled_from(
                ["åäö".encode(), "åäö".encode("latin-1"), "åäö".encode("cp437"), b"\xef\xbb\xbf"]
            )) + data[at:]
        elif how == "nul":
            data = data[:at] + b"\x00" + data[at:]
        elif how == "newline":
            data = data[:at] + draw(st.sampled_from([b"\r", b"\n", b"\r\n"])) + data[at:]
        elif how in ("token", "label"):  # a field dropped, doubled or swapped; a record renamed
            lines = data.splitlines(keepends=True)
            if lines:
                i = draw(st.integers(0, len(lines) - 1))
                fields = lines[i].split(b" ")
                j, k = draw(st.integers(0, len(fields) - 1)), draw(st.integers(0, len(fields) - 1))
                if how == "label":
                    fields[0] = draw(st.sampled_from([b"#TRANS", b"#VER", b"#PBUDGET", b"#IB",
                                                      b"#RAR", b"#OBJEKT", b"#RTRANS", b"{"]))
                elif draw(st.booleans()):
                    fields[j], fields[k] = fields[k], fields[j]
                else:
                    fields.insert(j, fields[k]) if draw(st.booleans()) else fields.pop(j)
                lines[i] = b" ".join(fields)
                data = b"".join(lines)
        else:
            lines = data.splitlines(keepends=True)
            if lines:
                i = draw(st.integers(0, len(lines) - 1))
                if how == "delete_line":
                    del lines[i]
                else:
                    lines.insert(i, lines[i])
                data = b"".join(lines)
    return data


@fuzz_settings(40)
@given(data=mutated(), block=st.sampled_from([None, 300, 2048]))
def test_mutations_parse_or_name_the_line(data: bytes, block: int | None) -> None:
    if len(data) > 200_000:
        block = None  # megabytes in 300-byte blocks test the test machine, not the reader
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mutated.se"
        path.write_bytes(data)
        with small_blocks(block or reader.BLOCK_BYTES):
            result = parses_or_names_the_problem(
                "sie_mutation", lambda: read_sie(path, Path(tmp) / "out", {"d1": 1, "d6": 6}),
                "mutated.se")
        if isinstance(result, SourceFileError):
            assert result.line is None or 1 <= result.line <= data.count(b"\n") + data.count(
                b"\r") + 1, f"line {result.line} is not in the file"
            assert not (Path(tmp) / "out").exists() or not any((Path(tmp) / "out").iterdir())
        else:
            rows = pq.read_table(Path(tmp) / "out" / "transactions.parquet")
            assert rows.num_rows >= result.transactions


def test_a_100_mb_line_is_rejected_quickly_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "long.se"
    with path.open("wb") as fh:
        fh.write(b"#FLAGGA 0\r\n#SIETYP 4\r\n#FNAMN \"")
        chunk = b"x" * (1 << 20)
        for _ in range(100):
            fh.write(chunk)
        fh.write(b"\"\r\n")
    result = parses_or_names_the_problem(
        "sie_long_line", lambda: read_sie(path, tmp_path / "out", {}), "long.se")
    assert isinstance(result, SourceFileError) and "no line end" in result.reason
