"""One real nightly run over a raw/ folder in folders of its own (warehouse, Dagster home),
with the environment restored afterwards so the session's own run is not disturbed."""

from __future__ import annotations

import os
from pathlib import Path

ENV_KEYS = ("RAW_DIR", "WAREHOUSE_DIR", "DAGSTER_HOME", "AS_OF_DATE", "PAYROLL_HASH_KEY")


def run_nightly_on(raw: Path, workdir: Path, publish: bool = True):
    """`publish=False` leaves out what only publishes (the published copy, its exports and
    the follow-up reports): for tests that read the working warehouse only."""
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.run import run_nightly
    from orchestration.settings import get_settings

    request = None
    if not publish:  # the nightly job's own selection, less what publishes
        from orchestration.defs.jobs import nightly_selection

        graph = defs().resolve_asset_graph()
        keys = (nightly_selection - dg.AssetSelection.groups("published")
                - dg.AssetSelection.key_prefixes("published")).resolve(graph)
        request = dg.RunRequest(asset_selection=sorted(keys, key=lambda k: k.to_user_string()))

    warehouse, home = workdir / "warehouse", workdir / "dagster_home"
    warehouse.mkdir(parents=True, exist_ok=True)
    home.mkdir(parents=True, exist_ok=True)
    saved = {k: os.environ.get(k) for k in ENV_KEYS}
    os.environ.update(RAW_DIR=str(raw), WAREHOUSE_DIR=str(warehouse), DAGSTER_HOME=str(home),
                      PAYROLL_HASH_KEY="test-key-not-secret")
    os.environ.pop("AS_OF_DATE", None)
    try:
        return run_nightly(get_settings(), request=request)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
