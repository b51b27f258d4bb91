"""Which encoding a SIE file really uses, and transcoding it to UTF-8 block by block.

SIE 4 says CP437 (#FORMAT PC8). Real files are sometimes UTF-8 or Latin-1 while still declaring
PC8; reading those as CP437 would turn å ä ö into box-drawing characters without anyone
noticing. So the encoding is decided from the bytes, a mismatch with the declaration is a
warning, and every later block is checked again so that a change half-way is not silent.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

CP437 = "cp437"
UTF8 = "utf-8"
LATIN1 = "latin-1"

UTF8_BOM = b"\xef\xbb\xbf"
REPLACEMENT_UTF8 = "\ufffd".encode()

_ASCII = bytes(range(128))
# Where each encoding puts the Swedish (and common Western) letters å ä ö Å Ä Ö é ü É Ü.
_CP437_LETTERS = bytes([0x86, 0x84, 0x94, 0x8F, 0x8E, 0x99, 0x82, 0x81, 0x90, 0x9A])
_LATIN1_LETTERS = bytes([0xE5, 0xE4, 0xF6, 0xC5, 0xC4, 0xD6, 0xE9, 0xFC, 0xC9, 0xDC])
_FORMAT_RX = re.compile(rb'^[ \t]*#FORMAT[ \t]+"?([^ \t\r\n"]*)', re.MULTILINE)


class EncodingError(ValueError):
    """The bytes cannot be text of any SIE encoding (the reader turns it into SourceFileError)."""


@dataclass
class Detected:
    encoding: str
    declared_format: str | None
    warnings: list[str] = field(default_factory=list)


def declared_format(sample: bytes) -> str | None:
    m = _FORMAT_RX.search(sample)
    return m.group(1).decode("ascii", "replace") if m else None


def _letter_scores(data: bytes) -> tuple[int, int]:
    high = data.translate(None, _ASCII)  # only the non-ASCII bytes: small, cheap to count
    cp437 = len(high) - len(high.translate(None, _CP437_LETTERS))
    latin1 = len(high) - len(high.translate(None, _LATIN1_LETTERS))
    return cp437, latin1


def _valid_utf8_prefix(sample: bytes) -> bool:
    try:
        # final=False: a sample may end in the middle of a multi-byte character.
        codecs.getincrementaldecoder("utf-8")("strict").decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def detect(sample: bytes) -> Detected:
    """Decide the encoding from the first bytes of the file."""
    fmt = declared_format(sample)
    result = Detected(CP437, fmt)
    if b"\x00" in sample:
        raise EncodingError("holds NUL bytes: not a SIE text file (UTF-16 or a binary file?)")
    if fmt is not None and fmt.upper() != "PC8":
        result.warnings.append(f"#FORMAT {fmt} är inte PC8, som SIE 4 föreskriver")
    declared = f"#FORMAT {fmt}" if fmt else "ingen #FORMAT (PC8 som standard)"
    if sample.startswith(UTF8_BOM) or (not sample.isascii() and _valid_utf8_prefix(sample)):
        result.encoding = UTF8
        result.warnings.append(f"filen anger {declared} men dess byte är UTF-8; lästes som UTF-8")
    elif not sample.isascii():
        cp437, latin1 = _letter_scores(sample)
        if latin1 > cp437:
            result.encoding = LATIN1
            result.warnings.append(
                f"filen anger {declared} men dess bokstäver är Latin-1 (ISO 8859-1); "
                "lästes som Latin-1"
            )
    return result


class Transcoder:
    """Turns successive blocks of the file (each ending at a line end) into UTF-8 bytes."""

    def __init__(self, encoding: str):
        self.encoding = encoding
        self._utf8 = codecs.getincrementaldecoder("utf-8")("strict")
        self._offset = 0
        self.replacement_chars = 0
        self.latin1_suspect_at: int | None = None  # byte offset of a CP437 block that looks Latin-1

    def __call__(self, block: bytes) -> bytes:
        start = self._offset
        self._offset += len(block)
        if self.encoding == UTF8:
            if start == 0 and block.startswith(UTF8_BOM):
                block = block[len(UTF8_BOM) :]
            try:
                self._utf8.decode(block, final=False)  # validation only: the bytes stay as they are
            except UnicodeDecodeError as exc:
                raise EncodingError(
                    f"byte {start + exc.start} is not UTF-8 although the file began as UTF-8 "
                    "(mixed encodings)"
                ) from exc
            self.replacement_chars += block.count(REPLACEMENT_UTF8)
            return block
        if block.isascii():
            return block  # ASCII is the same in all three encodings
        if self.encoding == CP437 and self.latin1_suspect_at is None:
            cp437, latin1 = _letter_scores(block)
            if latin1 > cp437:
                self.latin1_suspect_at = start
        return block.decode(self.encoding).encode("utf-8")
