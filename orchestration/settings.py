"""The one place that reads the environment: where raw files are, where the warehouse is, and
the date against which due reports and staleness are judged."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
AS_OF_FILE_NAME = "AS_OF_DATE"  # a one-line file in raw/ recording the date the data stands on


@dataclass(frozen=True)
class Settings:
    raw_dir: Path
    warehouse_dir: Path
    as_of_date: date

    @property
    def duckdb_path(self) -> Path:
        """The working file the pipeline writes; BI never reads this one."""
        return self.warehouse_dir / "governance.duckdb"

    @property
    def published_dir(self) -> Path:
        return self.warehouse_dir / "published"

    @property
    def published_duckdb_path(self) -> Path:
        return self.published_dir / "governance.duckdb"

    @property
    def quarantine_dir(self) -> Path:
        return self.warehouse_dir / "quarantine"

    def source_dir(self, source: str) -> Path:
        return self.raw_dir / source


def _resolve(path: str) -> Path:
    p = Path(path)
    return p if p.is_absolute() else (PROJECT_ROOT / p).resolve()


def recorded_as_of_date(raw_dir: Path) -> date | None:
    marker = raw_dir / AS_OF_FILE_NAME
    if marker.is_file():
        return date.fromisoformat(marker.read_text(encoding="utf-8").strip())
    return None


def get_settings(raw_dir: str = "", warehouse_dir: str = "", as_of_date: str = "") -> Settings:
    """Arguments given (non-empty) win over the environment; the as-of date then falls back
    to the one recorded in that raw/, then to today."""
    raw = _resolve(raw_dir or os.environ.get("RAW_DIR", "raw"))
    warehouse = _resolve(warehouse_dir or os.environ.get("WAREHOUSE_DIR", "warehouse"))
    explicit = as_of_date or os.environ.get("AS_OF_DATE", "").strip()
    as_of = (date.fromisoformat(explicit) if explicit
             else recorded_as_of_date(raw) or date.today())
    return Settings(raw_dir=raw, warehouse_dir=warehouse, as_of_date=as_of)


def payroll_hash_key(settings: Settings) -> bytes:
    """Key for hashing employee numbers: PAYROLL_HASH_KEY, else a local key generated once
    beside the warehouse (never committed: warehouse/ is ignored by git)."""
    explicit = os.environ.get("PAYROLL_HASH_KEY", "")
    if explicit:
        return explicit.encode("utf-8")
    key_file = settings.warehouse_dir / ".payroll_hash_key"
    if not key_file.exists():
        settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip().encode("utf-8")


# Who may read what (docs/operations.md, "Personal data and file modes"): the working
# warehouse, the hash key, quarantine, dbt's target folder and Dagster's storage belong to
# the pipeline's user alone; published/ is for BI readers. The warehouse folder itself is
# 0711: others may pass through it to published/ but not list or open what lies beside it.
PRIVATE_FILE, PRIVATE_DIR, PASS_THROUGH_DIR = 0o600, 0o700, 0o711
QUARANTINE_RETENTION_ENV = "UPPFOLJNING_QUARANTINE_RETENTION_DAYS"
DEFAULT_QUARANTINE_RETENTION_DAYS = 30


def restrict_file_modes(settings: Settings, dagster_home: Path | None = None) -> None:
    """Set the process umask to 077, so every file the pipeline (and dbt, its child) creates
    is private whatever the caller's umask, and tighten what an earlier umask left open.
    Publication opens its own files up for readers explicitly (orchestration/publish.py)."""
    os.umask(0o077)
    if settings.warehouse_dir.is_dir():
        settings.warehouse_dir.chmod(PASS_THROUGH_DIR)
        for path in settings.warehouse_dir.iterdir():
            if path.name == settings.published_dir.name or path.is_symlink():
                continue
            _restrict_tree(path)
    if dagster_home is not None and dagster_home.is_dir():
        _restrict_tree(dagster_home, top_only=True)


_secured: set[Path] = set()


def secure_once(settings: Settings) -> None:
    """restrict_file_modes once per process and warehouse (every step asks for settings)."""
    if settings.warehouse_dir not in _secured:
        home = os.environ.get("DAGSTER_HOME")
        restrict_file_modes(settings, Path(home) if home else None)
        purge_quarantine_copies(settings)
        _secured.add(settings.warehouse_dir)


def _restrict_tree(path: Path, top_only: bool = False) -> None:
    if path.is_symlink():
        return
    if path.is_dir():
        path.chmod(PRIVATE_DIR)
        if top_only:  # nobody else can enter, so what is inside need not be walked
            return
        for child in path.rglob("*"):
            if child.is_symlink():
                continue
            child.chmod(PRIVATE_DIR if child.is_dir() else PRIVATE_FILE)
    elif path.is_file():
        path.chmod(PRIVATE_FILE)


def purge_quarantine_copies(settings: Settings, now: float | None = None) -> list[Path]:
    """Copies of rejected files (payroll copies hold personnummer and names) are deleted after
    UPPFOLJNING_QUARANTINE_RETENTION_DAYS (30); their reason files (file, line, reason) stay."""
    import time

    days = float(os.environ.get(QUARANTINE_RETENTION_ENV, "").strip()
                 or DEFAULT_QUARANTINE_RETENTION_DAYS)
    limit = (now or time.time()) - days * 86400
    purged = []
    root = settings.quarantine_dir
    if not root.is_dir():
        return purged
    for path in root.rglob("*"):
        # ctime: when the copy was made (copy2 keeps the delivered file's mtime)
        if path.is_file() and not path.name.endswith(".reason.txt") \
                and path.stat().st_ctime < limit:
            path.unlink()
            purged.append(path)
    return purged
