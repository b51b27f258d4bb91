"""A full disk, said in Swedish: what failed, that nothing was changed, and what to do."""

from __future__ import annotations

import errno
from pathlib import Path

MARKERS = ("No space left on device", "ENOSPC", "Disk quota exceeded")


def is_disk_full(error: BaseException | str | None) -> bool:
    """Also when the full disk is the cause of what was raised (DuckDB invalidates the
    connection after a failed write, so the rollback raises its own error)."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if any(m in str(error) for m in MARKERS):
            return True
        if isinstance(error, str):
            return False
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def disk_full_message(where: Path, what: str) -> str:
    return (f"Disken är full: {what} kunde inte skrivas ({where}). Ingenting ändrades: "
            "arbetsdatabasen står kvar som efter förra lyckade steget och den publicerade "
            "versionen är orörd. Frigör utrymme (df -h visar hur mycket som finns); nästa "
            "körning gör klart utan annan åtgärd.")
