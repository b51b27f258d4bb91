"""A full disk, said in Swedish: what failed, that nothing was changed, and what to do."""

from __future__ import annotations

import errno
from pathlib import Path

MARKERS = ("No space left on device", "ENOSPC", "Disk quota exceeded")


def is_disk_full(error: BaseException | str) -> bool:
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return any(m in str(error) for m in MARKERS)


def disk_full_message(where: Path, what: str) -> str:
    return (f"Disken är full: {what} kunde inte skrivas ({where}). Ingenting ändrades: "
            "arbetsdatabasen står kvar som efter förra lyckade steget och den publicerade "
            "versionen är orörd. Frigör utrymme (df -h visar hur mycket som finns); nästa "
            "körning gör klart utan annan åtgärd.")
