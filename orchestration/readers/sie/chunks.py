"""Reading a SIE file as a stream of UTF-8 text blocks and turning a block into a table of lines.

A block always ends at a line end. The lines of a block become an Arrow table (line number,
line text) without a Python object per line: the line starts are found with numpy and the
text buffer is shared, not copied.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from queue import Empty, Queue

import numpy as np
import pyarrow as pa

from .encoding import EncodingError, Transcoder

BLOCK_BYTES = 12 << 20  # ~130 000 #TRANS rows per chunk: big enough to amortise each query
MAX_LINE_BYTES = 64 << 20  # a "line" this long means the file is not SIE text


@dataclass
class Block:
    lines: pa.Table  # (ln BIGINT, line VARCHAR): whole lines of UTF-8 text
    eof: bool
    endings: tuple[int, int, int] = (0, 0, 0)  # lines ended by CRLF, LF, a lone CR
    tabs: int = 0  # tab characters (legal between fields; counted for the warning)


def _last_line_end(buf: bytes) -> int:
    """Index just past the last complete line end in buf (0 if there is none)."""
    lf = buf.rfind(b"\n")
    if lf >= 0:
        return lf + 1
    cr = buf.rfind(b"\r", 0, len(buf) - 1)  # a final CR may be half of a CRLF
    return cr + 1 if cr >= 0 else 0


def _read_blocks(path: Path, transcode: Transcoder, block_bytes: int) -> Iterator[Block]:
    carry = b""
    first_line = 1
    with path.open("rb") as fh:
        while True:
            # a line longer than a block: read as much again as is carried, so that a long
            # line costs linear, not quadratic, time
            raw = fh.read(max(block_bytes, len(carry)))
            buf = carry + raw
            if not raw:
                yield Block(*_eof_block(transcode(buf), first_line))
                return
            cut = _last_line_end(buf)
            if cut == 0:
                if len(buf) > MAX_LINE_BYTES:
                    raise EncodingError(
                        f"no line end in the first {len(buf) >> 20} MB: not a SIE text file")
                carry = buf  # one very long line: read on until it ends
                continue
            carry = buf[cut:]
            text = transcode(buf[:cut])
            lines, endings = _split(text, first_line)
            first_line += lines.num_rows
            yield Block(lines, False, endings, text.count(b"\t"))  # memchr speed: ~10 ms/60 MB


def _eof_block(
    text: bytes, first_line: int
) -> tuple[pa.Table, bool, tuple[int, int, int], int]:
    lines, endings = _split(text, first_line)
    return lines, True, endings, text.count(b"\t")


def prefetch_blocks(
    path: Path, transcode: Transcoder, block_bytes: int = BLOCK_BYTES
) -> Iterator[Block]:
    """Blocks read and transcoded one step ahead in a thread, so that reading and the Python
    codec overlap with DuckDB working on the previous block."""
    queue: Queue[Block | BaseException | None] = Queue(maxsize=1)
    stop = threading.Event()

    def produce() -> None:
        try:
            for block in _read_blocks(path, transcode, block_bytes):
                if stop.is_set():
                    return
                queue.put(block)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            queue.put(exc)
        else:
            queue.put(None)

    worker = threading.Thread(target=produce, name="sie-read", daemon=True)
    worker.start()
    try:
        while True:
            item = queue.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
            if item.eof:
                return
    finally:
        stop.set()
        while worker.is_alive():  # unblock a producer waiting on a full queue
            with contextlib.suppress(Empty):
                queue.get_nowait()
            worker.join(timeout=0.05)


def _line_feeds(text: bytes) -> tuple[bytes, np.ndarray, tuple[int, int, int]]:
    """Positions of the LFs that end lines, after turning bare-CR line ends into LF, and how
    many lines ended in CRLF, LF and a lone CR.

    CRLF and LF files are left as they are (a line keeps its CR, which every pattern
    allows for); only a file that also ends lines with a lone CR is rewritten.
    """
    data = np.frombuffer(text, dtype=np.uint8)
    lfs = np.flatnonzero(data == 10)
    crs = text.count(b"\r")
    if crs == 0:
        return text, lfs, (0, len(lfs), 0)
    if crs == len(lfs) and bool(np.all(data[lfs[lfs > 0] - 1] == 13)) and data[0] != 10:
        return text, lfs, (len(lfs), 0, 0)  # every CR is half of a CRLF
    crlf = text.count(b"\r\n")
    endings = (crlf, len(lfs) - crlf, crs - crlf)
    text = text.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return text, np.flatnonzero(np.frombuffer(text, dtype=np.uint8) == 10), endings


def line_table(text: bytes, first_line: int) -> pa.Table:
    """The lines of text as a table (ln BIGINT: physical line number, line VARCHAR)."""
    return _split(text, first_line)[0]


def _split(text: bytes, first_line: int) -> tuple[pa.Table, tuple[int, int, int]]:
    text, lfs, endings = _line_feeds(text)
    ends = lfs + 1
    if text and not text.endswith(b"\n"):
        ends = np.append(ends, len(text))
    offsets = np.empty(len(ends) + 1, dtype=np.int64)
    offsets[0] = 0
    offsets[1:] = ends
    n = len(ends)
    lines = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(text))
    numbers = np.arange(first_line, first_line + n, dtype=np.int64)
    return pa.table({"ln": numbers, "line": lines}), endings
