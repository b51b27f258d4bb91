"""inspect_sie: what a SIE file holds and whether the pipeline would accept it, as JSON.

Parses the file exactly as the pipeline does, into a temporary directory that is removed
afterwards, so nothing is left behind.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from ..errors import SourceFileError
from .reader import read_sie

EXIT_OK = 0
EXIT_REJECTED = 1  # the file is not usable: the pipeline would quarantine it
EXIT_NOT_READABLE = 2  # no such file, or it cannot be opened


def inspect_sie(path: Path | str) -> tuple[dict[str, Any], int]:
    """The JSON-ready summary of one SIE file and the exit status for a command line."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="inspect-sie-") as scratch:
        try:
            summary = read_sie(path, Path(scratch), {})
        except SourceFileError as exc:
            return (
                {"file": path.name, "usable": False, "error": str(exc), "reason": exc.reason,
                 "line": exc.line},
                EXIT_REJECTED,
            )
        except OSError as exc:
            return (
                {"file": path.name, "usable": False, "error": f"{path}: {exc.strerror or exc}"},
                EXIT_NOT_READABLE,
            )
    result = summary.to_dict()
    result.pop("rows_written", None)  # about the temporary Parquet files, which are gone
    return {"file": path.name, "usable": True, **result}, EXIT_OK
