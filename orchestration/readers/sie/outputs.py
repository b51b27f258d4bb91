"""The output thread: finishes each chunk (vouchers.assemble) and writes all Parquet files.

The reader's thread only runs DuckDB; everything after it (typing columns, voucher sums,
Parquet encoding) happens here, one task at a time and in file order, so that both cores
stay busy. Files are written under temporary names and renamed only when the whole SIE file
has been accepted: a rejected file leaves nothing that looks like a result.
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from . import vouchers
from .summary import WarningLog

MAX_QUEUED = 2  # chunks waiting for the output thread: bounds memory

# Dictionary pages only where values repeat, statistics only where readers filter: the
# defaults (everything) made writing three times slower than it needs to be.
_DICTIONARY = ("source_file", "voucher_series", "account", "object_list", "row_kind",
               "record_type", "name", "account_type", "sru_code")
_STATISTICS = ("source_line", "fiscal_year", "voucher_date", "account", "amount", "year_index",
               "period", "dimension_no")


def writer_options(schema: pa.Schema) -> dict[str, Any]:
    names = set(schema.names)
    return {
        "use_dictionary": [n for n in schema.names if n in _DICTIONARY or n.endswith("_code")],
        "write_statistics": [n for n in _STATISTICS if n in names],
        "store_decimal_as_integer": True,  # INT64 for DECIMAL(18,2): smaller and faster
    }


class ParquetOutputs:
    def __init__(
        self,
        out_dir: Path,
        schemas: dict[str, pa.Schema],
        source: str,
        dimensions: dict[str, int],
        cursor: duckdb.DuckDBPyConnection,
        warnings: WarningLog,
    ):
        self.schemas = schemas
        self.partial = {name: out_dir / f".{name}.parquet.partial" for name in schemas}
        self.final = {name: out_dir / f"{name}.parquet" for name in schemas}
        self.rows = dict.fromkeys(schemas, 0)
        self.vouchers = 0
        self.transactions = 0
        self.cents = 0
        self._writers = {
            name: pq.ParquetWriter(self.partial[name], s, **writer_options(s))
            for name, s in schemas.items()
        }
        self._context = vouchers.Context(source, dimensions, cursor, warnings, self._write)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sie-output")
        self._pending: deque[Future[None]] = deque()
        self._closed = False

    # -- called from the reader's thread -------------------------------------------------
    def emit(self, name: str, table: pa.Table) -> None:
        self._submit(self._write, name, table)

    def assemble(self, extracted: vouchers.Extracted) -> None:
        self._submit(self._assemble, extracted)

    def drain(self) -> None:
        """Wait for every queued task; re-raise the first failure (the earliest line)."""
        while self._pending:
            self._pending.popleft().result()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self.drain()
        finally:
            for future in self._pending:
                future.cancel()
            self._pool.shutdown(wait=True)
            for writer in self._writers.values():
                writer.close()

    @property
    def used_accounts(self) -> list[pa.Table]:
        return self._context.used_accounts

    @property
    def used_objects(self) -> list[pa.Table]:
        return self._context.used_objects

    def write_now(self, name: str, table: pa.Table) -> None:
        """Write a whole small table after close() (the declarations gathered at the end)."""
        target = self.schemas[name]
        table = table.select(target.names).cast(target)
        pq.write_table(table, self.partial[name], **writer_options(target))
        self.rows[name] = table.num_rows

    def publish(self) -> None:
        for name, path in self.partial.items():
            os.replace(path, self.final[name])

    def discard(self) -> None:
        for path in self.partial.values():
            path.unlink(missing_ok=True)

    def _submit(self, fn: Any, *args: Any) -> None:
        while len(self._pending) >= MAX_QUEUED:
            self._pending.popleft().result()
        self._pending.append(self._pool.submit(fn, *args))

    # -- run on the output thread --------------------------------------------------------
    def _write(self, name: str, table: pa.Table) -> None:
        target = self.schemas[name]
        table = table.select(target.names).cast(target)
        self._writers[name].write_table(table)
        self.rows[name] += table.num_rows

    def _assemble(self, extracted: vouchers.Extracted) -> None:
        totals = vouchers.assemble(self._context, extracted)
        self.vouchers += totals.vouchers
        self.transactions += totals.rows_counting
        self.cents += totals.cents
