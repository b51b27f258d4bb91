"""The one error type every reader raises for a file it cannot accept."""

from __future__ import annotations


class SourceFileError(Exception):
    """A raw file that cannot be loaded: names the file, the line (or key path) and the reason.

    Readers raise it; the ingest step catches it, quarantines the file with the message
    and keeps processing the other files.
    """

    def __init__(self, file: str, reason: str, line: int | None = None, key: str | None = None):
        self.file = file
        self.line = line
        self.key = key
        self.reason = reason
        where = file
        if line is not None:
            where += f", line {line}"
        if key is not None:
            where += f", key {key}"
        super().__init__(f"{where}: {reason}")
