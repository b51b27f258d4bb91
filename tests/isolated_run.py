"""One real nightly run over a raw/ folder in folders of its own (warehouse, Dagster home),
with the environment restored afterwards so the session's own run is not disturbed."""

from __future__ import annotations

import os
from pathlib import Path

ENV_KEYS = ("RAW_DIR", "WAREHOUSE_DIR", "DAGSTER_HOME", "AS_OF_DATE", "PAYROLL_HASH_KEY")


def run_nightly_on(raw: Path, workdir: Path):
    from orchestration.run import run_nightly
    from orchestration.settings import get_settings

    warehouse, home = workdir / "warehouse", workdir / "dagster_home"
    warehouse.mkdir(parents=True, exist_ok=True)
    home.mkdir(parents=True, exist_ok=True)
    saved = {k: os.environ.get(k) for k in ENV_KEYS}
    os.environ.update(RAW_DIR=str(raw), WAREHOUSE_DIR=str(warehouse), DAGSTER_HOME=str(home),
                      PAYROLL_HASH_KEY="test-key-not-secret")
    os.environ.pop("AS_OF_DATE", None)
    try:
        return run_nightly(get_settings())
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
