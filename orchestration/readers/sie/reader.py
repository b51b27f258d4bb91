"""read_sie: one SIE 4E/4I file in, eight Parquet files and a SieSummary out.

The file streams through in blocks of about BLOCK_BYTES, in three overlapping steps: a thread
reads and transcodes the next block; this thread lets DuckDB classify the lines, check the
structure and cut out the fields (on all cores); the output thread types the fields, sums the
vouchers and writes Parquet (outputs.py). Memory stays bounded by the block size, not by the
file size.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from ..errors import SourceFileError
from . import schema, validate
from .chunks import BLOCK_BYTES, prefetch_blocks
from .encoding import Detected, EncodingError, Transcoder, detect
from .outputs import ParquetOutputs
from .parse import ChunkError, ChunkParser
from .structure import BLANK, CODE_SQL, GARBAGE, StructureError, analyse
from .summary import TEXTS, SieSummary, WarningLog
from .tokens import sql_literal

SAMPLE_BYTES = 1 << 20
BATCH_ROWS = 1 << 16  # Arrow batches DuckDB can scan in parallel
DUCKDB_MEMORY = "256MB"  # per chunk it needs far less; the rest of the 1 GB is Arrow
_SIE_MARKERS = frozenset(("#FLAGGA", "#SIETYP", "#FORMAT", "#PROGRAM", "#GEN", "#VER", "#FNAMN"))


MIN_BLOCK_BYTES = 2 << 20


def block_bytes(file_bytes: int) -> int:
    """A quarter of the file, at least MIN_BLOCK_BYTES, at most BLOCK_BYTES: a file read as one
    block (a month's period file) would leave the three steps nothing to overlap, and cost
    per row twice what a yearly file costs."""
    return min(BLOCK_BYTES, max(MIN_BLOCK_BYTES, file_bytes // 4))


_shared: list[duckdb.DuckDBPyConnection] = []
_shared_lock = threading.Lock()


def _database() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB for every read in this process; each read takes a connection of
    its own (cursor), whose temp tables and macros no other read sees. Opening a database per
    file cost more than reading a month's period file."""
    with _shared_lock:
        if not _shared:
            spill = tempfile.mkdtemp(prefix="sie-duckdb-")
            atexit.register(shutil.rmtree, spill, ignore_errors=True)
            _shared.append(duckdb.connect(config={
                "threads": max(2, os.cpu_count() or 2),
                "memory_limit": DUCKDB_MEMORY,
                "temp_directory": spill,
                "preserve_insertion_order": True,
            }))
        return _shared[0]


# connections set up by reads that finished (macros, the declarations table and its views):
# the next read takes one instead of setting up its own, which cost a small file ~15 statements
_idle: list[tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection]] = []
MAX_IDLE = 4


def _take_connections() -> tuple[duckdb.DuckDBPyConnection, duckdb.DuckDBPyConnection, bool]:
    """The reader's and the output thread's connections, and whether they are new."""
    with _shared_lock:
        if _idle:
            con, out_cursor = _idle.pop()
            return con, out_cursor, False
    con = _database().cursor()  # its own temp tables and macros, the database shared
    return con, con.cursor(), True


def _give_back(con: duckdb.DuckDBPyConnection, out_cursor: duckdb.DuckDBPyConnection) -> None:
    with _shared_lock:
        if len(_idle) < MAX_IDLE:
            _idle.append((con, out_cursor))
            return
    out_cursor.close()
    con.close()


def _tag_codes(con: duckdb.DuckDBPyConnection, lines: pa.Table) -> np.ndarray:
    con.register("block", lines)
    try:
        return con.sql(f"SELECT {CODE_SQL} AS code FROM block").fetchnumpy()["code"]
    finally:
        con.unregister("block")


def _batched(table: pa.Table) -> pa.Table:
    # DuckDB parallelises an Arrow scan by batch; one huge batch would use one core.
    return pa.Table.from_batches(table.to_batches(max_chunksize=BATCH_ROWS), table.schema)


def _check_is_sie(lines: pa.Table, codes: np.ndarray, source: str) -> None:
    nonblank = np.flatnonzero(codes != BLANK)
    if len(nonblank) == 0:
        raise SourceFileError(source, "empty file: not a SIE file")
    first = int(nonblank[0])
    if codes[first] == GARBAGE:
        text = lines.column("line")[first].as_py().strip()
        raise SourceFileError(
            source,
            f"not a SIE file: the first line does not start with '#' ({text[:60]!r})",
            line=int(lines.column("ln")[first].as_py()),
        )


def read_sie(
    path: Path,
    out_dir: Path,
    dimensions: Mapping[str, int],
    source_name: str | None = None,
    whole_blocks: bool = False,
) -> SieSummary:
    """Parse one SIE 4 file into Parquet files in out_dir and return what was found.

    `whole_blocks`: read in blocks of BLOCK_BYTES whatever the file's size, when another
    file is read beside this one (its steps then overlap with the other file's, and every
    block costs its own queries).

    Raises SourceFileError when the file cannot be used; an unbalanced voucher is not such
    a reason: it is listed in the summary and flagged in vouchers.parquet.
    """
    path, out_dir = Path(path), Path(out_dir)
    source = source_name or path.name
    dims = schema.check_dimensions(dimensions)
    with path.open("rb") as fh:  # FileNotFoundError is the caller's problem, not the file's
        sample = fh.read(SAMPLE_BYTES)
    try:
        detected = detect(sample)
    except EncodingError as exc:
        raise SourceFileError(source, str(exc)) from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    warnings = WarningLog()
    for message in detected.warnings:
        warnings.add("encoding", message)

    con, out_cursor, fresh = _take_connections()
    outputs = ParquetOutputs(
        out_dir, schema.all_schemas(dims), source, dims, out_cursor, warnings
    )
    ok = False
    try:
        parser = ChunkParser(con, source, dims, outputs, warnings, fresh=fresh)
        transcoder = Transcoder(detected.encoding)
        try:
            size = path.stat().st_size
            _parse_file(path, source, con, parser, transcoder, warnings,
                        BLOCK_BYTES if whole_blocks else block_bytes(size))
        except (ChunkError, SourceFileError):
            outputs.drain()  # an earlier chunk's failure, if any, is the one to report
            raise
        outputs.close()
        summary = _finish(parser, outputs, detected, transcoder, path, source)
        ok = True
    except ChunkError as exc:
        raise SourceFileError(source, exc.reason, line=exc.line) from exc
    except EncodingError as exc:
        raise SourceFileError(source, str(exc)) from exc
    finally:
        if not ok:
            with contextlib.suppress(Exception):  # the first error is already on its way
                outputs.close()
            outputs.discard()
            # a failed read may leave its connection in any state: never handed on
            out_cursor.close()
            con.close()
        else:
            _give_back(con, out_cursor)
    outputs.publish()
    return summary


def _parse_file(
    path: Path,
    source: str,
    con: duckdb.DuckDBPyConnection,
    parser: ChunkParser,
    transcoder: Transcoder,
    warnings: WarningLog,
    size: int,
) -> None:
    carry: pa.Table | None = None
    first = True
    endings = np.zeros(3, dtype=np.int64)  # lines ended by CRLF, LF, a lone CR
    tabs = 0
    for block in prefetch_blocks(path, transcoder, size):
        endings += block.endings
        tabs += block.tabs
        lines = block.lines if carry is None else pa.concat_tables([carry, block.lines])
        carry = None
        if lines.num_rows == 0:
            if block.eof and first:
                raise SourceFileError(source, "empty file: not a SIE file")
            continue
        lines = _batched(lines)
        codes = _tag_codes(con, lines)
        if first:
            _check_is_sie(lines, codes, source)
            first = False
        numbers = lines.column("ln").to_numpy()
        try:
            shape = analyse(codes, numbers, block.eof)
        except StructureError as exc:
            raise SourceFileError(source, exc.reason, line=exc.line) from exc
        if shape.cut == 0:
            carry = lines  # a voucher longer than a block: read on until it closes
            continue
        for line in shape.garbage_lines[:50]:
            warnings.add("not_a_record",
                         "raden utanför verifikationerna är ingen SIE-post; hoppades över",
                         int(line))
        warnings.count_more("not_a_record", max(0, len(shape.garbage_lines) - 50))
        for line in shape.records_in_voucher[:50]:
            warnings.add("record_inside_voucher",
                         "annan post än #TRANS/#RTRANS/#BTRANS inne i en verifikation; "
                         "lästes som om den stod utanför", int(line))
        warnings.count_more("record_inside_voucher", max(0, len(shape.records_in_voucher) - 50))
        cut = shape.cut
        parser.process(lines.slice(0, cut), codes[:cut], shape.voucher_line[:cut])
        if cut < lines.num_rows:
            carry = lines.slice(cut)
    if np.count_nonzero(endings) > 1:
        styles = ", ".join(f"{name} på {int(n)} rader"
                           for name, n in zip(("CRLF", "LF", "CR"), endings, strict=True) if n)
        warnings.add("mixed_line_endings", TEXTS["mixed_line_endings"].format(styles=styles))
    if tabs:
        warnings.add("tabs", TEXTS["tabs"].format(n=tabs))
    if transcoder.latin1_suspect_at is not None:
        warnings.add(
            "encoding",
            f"från byte {transcoder.latin1_suspect_at} ser bokstäverna ut som Latin-1 fast "
            "filens början är CP437: kontrollera å ä ö i texterna",
        )
    if transcoder.replacement_chars:
        warnings.add(
            "encoding",
            f"texten innehåller redan {transcoder.replacement_chars} ersättningstecken U+FFFD: "
            "bokstäver som å ä ö förstördes innan filen skrevs",
        )


def _finish(
    parser: ChunkParser,
    outputs: ParquetOutputs,
    detected: Detected,
    transcoder: Transcoder,
    path: Path,
    source: str,
) -> SieSummary:
    paths = outputs.partial
    meta = parser.meta
    parser.vouchers = outputs.vouchers
    if not any(tag in _SIE_MARKERS for tag in meta) and parser.vouchers == 0:
        raise SourceFileError(source, "not a SIE file: no #FLAGGA, #SIETYP, #FORMAT or #VER")
    if "#SIETYP" not in meta:
        parser.warnings.add("missing_record", "posten #SIETYP saknas")
    import_file = Path(source).suffix.upper() == ".SI" or path.suffix.upper() == ".SI"
    validate.require_fiscal_years(parser, paths, import_file)
    validate.flag_repeated_vouchers(parser, paths)
    validate.refresh_fiscal_years(parser, paths, outputs.schemas)
    _write_declarations(parser, outputs)
    unbalanced = validate.unbalanced_vouchers(parser, paths["vouchers"])
    validate.flag_dates_outside_fiscal_years(parser, paths)
    accounts = outputs.rows["accounts"]  # one row per account #KONTO declares
    validate.flag_undeclared_accounts(parser, paths, outputs.used_accounts, accounts)
    validate.flag_undeclared_objects(parser, paths, outputs.used_objects)

    def first_field(tag: str, index: int = 0) -> str | None:
        fields = meta.get(tag, ([], 0))[0]
        return fields[index] if len(fields) > index and fields[index] != "" else None

    program = " ".join(f for f in meta.get("#PROGRAM", ([], 0))[0] if f) or None
    generated = first_field("#GEN")
    if generated and len(generated) == 8 and generated.isdigit():
        generated = f"{generated[:4]}-{generated[4:6]}-{generated[6:]}"
    years = sorted(parser.years, key=lambda y: -y.year_index)
    return SieSummary(
        source_file=source,
        encoding=transcoder.encoding,
        declared_format=detected.declared_format,
        sie_type=first_field("#SIETYP"),
        program=program,
        generated_on=generated,
        company_name=first_field("#FNAMN"),
        org_no=first_field("#ORGNR"),
        fiscal_years=[
            {
                "year_index": y.year_index,
                "start_date": y.start.isoformat(),
                "end_date": y.end.isoformat(),
            }
            for y in years
        ],
        vouchers=parser.vouchers,
        transactions=outputs.transactions,
        accounts=int(accounts),
        unbalanced_vouchers=unbalanced,
        warnings=parser.warnings.result(),
        unknown_records=dict(parser.unknown),
        total_amount=str(Decimal(outputs.cents).scaleb(-2)),
        rows_written=dict(outputs.rows),
        warning_counts={k: n for k, n in sorted(parser.warnings.counts.items()) if n},
    )


def _write_declarations(parser: ChunkParser, outputs: ParquetOutputs) -> None:
    """The small tables gathered across chunks, written once (the last declaration wins)."""
    src = sql_literal(parser.source)
    tables = {
        "accounts": f"""
            SELECT {src} AS source_file, k.account, k.name, t.account_type, s.sru_code
            FROM (SELECT account, arg_max(name, ln) AS name, min(ln) AS ln
                  FROM acc_konto GROUP BY account) k
            LEFT JOIN (SELECT account, arg_max(account_type, ln) AS account_type
                       FROM acc_ktyp GROUP BY account) t USING (account)
            LEFT JOIN (SELECT account, arg_max(sru_code, ln) AS sru_code
                       FROM acc_sru GROUP BY account) s USING (account)
            ORDER BY k.ln""",
        "dimensions": f"""
            SELECT {src} AS source_file, dimension_no, arg_max(name, ln) AS name,
                   arg_max(parent_dimension, ln) AS parent_dimension
            FROM acc_dim WHERE dimension_no IS NOT NULL GROUP BY dimension_no
            ORDER BY dimension_no""",
        "objects": f"""
            SELECT {src} AS source_file, dimension_no, object_code,
                   arg_max(name, ln) AS name
            FROM acc_obj WHERE dimension_no IS NOT NULL AND object_code IS NOT NULL
            GROUP BY dimension_no, object_code ORDER BY min(ln)""",
    }
    for name, sql in tables.items():
        outputs.write_now(name, parser.arrow(sql))
    years = sorted(parser.years, key=lambda y: -y.year_index)
    fiscal = pa.table(
        {
            "source_file": pa.array([parser.source] * len(years), pa.string()),
            "year_index": pa.array([y.year_index for y in years], pa.int32()),
            "start_date": pa.array([y.start for y in years], pa.date32()),
            "end_date": pa.array([y.end for y in years], pa.date32()),
        }
    )
    outputs.write_now("fiscal_years", fiscal)
