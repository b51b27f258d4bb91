"""Fetching statistics live from SCB and Kolada into raw/survey/. Off by default (not in the
nightly job): materialise it by hand, or set UPPFOLJNING_FETCH_SURVEY=1 for a scheduled fetch,
where the network allows. Responses are stored untouched beside a sidecar."""


import os
from typing import Any

import dagster as dg

from orchestration.clients.kolada import DEFAULT_BASE_URL as KOLADA_URL
from orchestration.clients.kolada import KoladaClient
from orchestration.clients.scb import DEFAULT_BASE_URL as SCB_URL
from orchestration.clients.scb import ScbClient, fetch_indicator_sources
from orchestration.defs import keys
from orchestration.defs.resources import Warehouse
from orchestration.readers.registry import Indicator, load_registry


def indicator_request(ind: Indicator) -> dict[str, Any]:
    """The registry's indicator in the shape the fetcher reads (source, baseline, targets)."""
    if ind.source_kind == "scb":
        source = {"kind": "scb", "table": ind.scb_table, "contents_code": ind.scb_contents_code,
                  "region": ind.region}
    else:
        source = {"kind": "kolada", "kpi": ind.kolada_kpi, "municipality": ind.region}
    return {"id": ind.id, "source": source,
            "baseline": {"year": ind.baseline_year, "value": ind.baseline_value},
            "targets": dict(ind.targets)}


@dg.asset(
    key=keys.SURVEY_FETCH,
    group_name="survey",
    kinds={"python"},
    description="Hämtar indikatorernas statistik från SCB (PxWebApi v2) och Kolada (v3) till "
    "raw/survey/. Ingår inte i nattkörningen; kräver nätverk.",
)
def survey_fetch(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    settings = warehouse.settings()
    registry = load_registry(settings.source_dir("registry"))
    requests = [indicator_request(i) for i in registry.indicators]
    scb = ScbClient(base_url=os.environ.get("SCB_API_URL", SCB_URL))
    kolada = KoladaClient(base_url=os.environ.get("KOLADA_API_URL", KOLADA_URL))
    paths = fetch_indicator_sources(requests, settings.source_dir("survey"), scb, kolada,
                                    default_municipality=registry.municipality_code)
    for p in paths:
        context.log.info(f"Hämtad: {p}")
    return dg.MaterializeResult(metadata={"files": dg.MetadataValue.int(len(paths))})
