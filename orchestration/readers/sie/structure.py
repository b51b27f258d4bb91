"""The block structure of a SIE file (#VER, '{', rows, '}'), checked with numpy over whole chunks.

Every line gets a small code from its record label (computed by DuckDB); from the codes alone we
find broken structure, the #VER that owns each row, and the last place where the file can be
cut without splitting a voucher.

Decisions: a line that is not a record (does not start with '#', '{' or '}') is fatal inside a
voucher, because it may be a row whose money would be lost; outside a voucher it is reported as
a warning and skipped. Any record other than #TRANS/#RTRANS/#BTRANS inside a voucher is a
warning (it is read as if it stood outside).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BLANK, TRANS, RTRANS, BTRANS, VER, OPEN, CLOSE, RECORD, GARBAGE = range(9)
_END = -1  # "no line yet": the next chunk (or the end of the file) decides

# DuckDB expression: the code of a line. Plain matches (no captures) run on RE2's DFA, which is
# several times faster than extracting the label; the common labels are tried first.
CODE_BY_PATTERN_SQL = r"""CASE
  WHEN regexp_matches(line, '^[ \t]*#TRANS([ \t\r\n]|$)') THEN 1
  WHEN regexp_matches(line, '^[ \t]*#VER([ \t\r\n]|$)') THEN 4
  WHEN regexp_matches(line, '^[ \t]*\{[ \t\x1a]*[\r\n]*$') THEN 5
  WHEN regexp_matches(line, '^[ \t]*\}[ \t\x1a]*[\r\n]*$') THEN 6
  WHEN regexp_matches(line, '^[ \t]*#') THEN CASE
    WHEN regexp_matches(line, '^[ \t]*#RTRANS([ \t\r\n]|$)') THEN 2
    WHEN regexp_matches(line, '^[ \t]*#BTRANS([ \t\r\n]|$)') THEN 3
    ELSE 7 END
  WHEN regexp_matches(line, '^[ \t\x1a]*[\r\n]*$') THEN 0
  ELSE 8 END::TINYINT"""
# The same codes, the lines most files are made of settled first by a plain comparison of their
# start (half the cost of the patterns); each arm gives what the patterns give for its lines,
# every other line takes the patterns.
_CRLF, _LF = "chr(13) || chr(10)", "chr(10)"
CODE_SQL = f"""CASE
  WHEN starts_with(line, '#VER ') THEN 4
  WHEN starts_with(line, '   #TRANS ') OR starts_with(line, '#TRANS ')
       OR starts_with(line, chr(9) || '#TRANS ') THEN 1
  WHEN line = '{{' || {_CRLF} OR line = '{{' || {_LF} THEN 5
  WHEN line = '}}' || {_CRLF} OR line = '}}' || {_LF} THEN 6
  ELSE {CODE_BY_PATTERN_SQL} END::TINYINT"""


class LineError(Exception):
    """A line that makes the file unusable; the reader turns it into SourceFileError."""

    def __init__(self, line: int, reason: str):
        super().__init__(reason)
        self.line = line
        self.reason = reason


StructureError = LineError


@dataclass
class Structure:
    voucher_line: np.ndarray  # per line: line of the #VER that owns it (0: none)
    cut: int  # lines [0, cut) form the chunk; the rest waits for more of the file
    garbage_lines: np.ndarray  # lines outside vouchers that are not records
    records_in_voucher: np.ndarray  # other records found inside a voucher


def analyse(codes: np.ndarray, line_numbers: np.ndarray, at_eof: bool) -> Structure:
    """Check the structure of lines that start outside any voucher.

    Raises StructureError for the first broken place. At the end of the file an open voucher
    (no closing brace) is an error; otherwise the chunk is cut after the last line that leaves
    no voucher open, and the lines after it are read again with the next block.
    """
    n = len(codes)
    voucher_line = np.zeros(n, dtype=np.int64)
    nonblank = np.flatnonzero(codes != BLANK)
    if len(nonblank) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Structure(voucher_line, n, empty, empty)
    seq = codes[nonblank]
    lines = line_numbers[nonblank]
    is_open = seq == OPEN
    is_close = seq == CLOSE
    is_ver = seq == VER
    step = is_open.astype(np.int32) - is_close.astype(np.int32)
    depth_after = np.cumsum(step, dtype=np.int32)
    depth_before = depth_after - step
    owner = np.where(is_ver, lines, 0)
    np.maximum.accumulate(owner, out=owner)
    previous = np.empty_like(seq)
    previous[0] = BLANK
    previous[1:] = seq[:-1]
    following = np.empty_like(seq)
    following[-1] = _END
    following[:-1] = seq[1:]
    is_row = (seq >= TRANS) & (seq <= BTRANS)
    inside = depth_before == 1

    checks = (
        (
            is_open & (depth_before > 0),
            "'{{' while the voucher of line {v} is still open (missing '}}')",
        ),
        (is_open & (depth_before == 0) & (previous != VER), "'{{' without a #VER before it"),
        (is_close & (depth_before != 1), "'}}' without an open voucher"),
        (is_row & ~inside, "transaction row outside a voucher (no #VER and '{{' before it)"),
        (is_ver & inside, "#VER while the voucher of line {v} is still open (missing '}}')"),
        (is_ver & (following != OPEN) & (following != _END), "#VER is not followed by '{{'"),
        (
            (seq == GARBAGE) & inside,
            "line inside the voucher of line {v} is not a SIE record "
            "(it does not start with '#'); a row there cannot be skipped safely",
        ),
    )
    first: tuple[int, str] | None = None
    for mask, message in checks:
        hits = np.flatnonzero(mask)
        if len(hits) and (first is None or hits[0] < first[0]):
            first = (int(hits[0]), message)
    if first is not None:
        i, message = first
        v = int(owner[i - 1]) if i > 0 else 0
        raise StructureError(int(lines[i]), message.format(v=v))

    if at_eof:
        if depth_after[-1] != 0:
            raise StructureError(
                int(owner[-1]),
                f"file ends inside the voucher of line {int(owner[-1])}: no closing '}}' "
                "(truncated file?)",
            )
        if seq[-1] == VER:
            raise StructureError(int(lines[-1]), "file ends after #VER: no '{' and no rows")
        cut = n
    else:
        safe = np.flatnonzero((depth_after == 0) & ~is_ver)
        cut = int(nonblank[safe[-1]]) + 1 if len(safe) else 0

    voucher_line[nonblank] = owner
    in_chunk = nonblank < cut  # lines after the cut are looked at again with the next block
    return Structure(
        voucher_line=voucher_line,
        cut=cut,
        garbage_lines=lines[(seq == GARBAGE) & ~inside & in_chunk],
        records_in_voucher=lines[(seq == RECORD) & inside & in_chunk],
    )
