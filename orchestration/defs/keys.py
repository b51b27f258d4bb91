"""Asset keys shared across defs folders (the landing tables each source asset writes)."""

import dagster as dg

REGISTRY = dg.AssetKey(["landing", "registry"])
LEDGER = dg.AssetKey(["landing", "ledger"])
PAYROLL = dg.AssetKey(["landing", "payroll"])
GRANTS = dg.AssetKey(["landing", "grants"])
REPORTS = dg.AssetKey(["landing", "reports"])
SURVEY = dg.AssetKey(["landing", "survey"])
SURVEY_FETCH = dg.AssetKey(["raw", "survey_fetch"])
