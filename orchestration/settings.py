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
