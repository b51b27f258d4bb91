"""Fetching statistics live from SCB and Kolada into raw/survey/. Off by default (not in the
nightly job): materialise it by hand, or set UPPFOLJNING_FETCH_SURVEY=1 for a scheduled fetch,
where the network allows. Responses are stored untouched beside a sidecar."""


import os
from pathlib import Path
from typing import Any

import dagster as dg

from orchestration.clients.kolada import DEFAULT_BASE_URL as KOLADA_URL
from orchestration.clients.kolada import KoladaClient
from orchestration.clients.scb import DEFAULT_BASE_URL as SCB_URL
from orchestration.clients.scb import ScbClient, fetch_indicator_sources
from orchestration.defs import keys
from orchestration.defs.resources import Warehouse
from orchestration.readers.kolada import read_kolada_group
from orchestration.readers.registry import Indicator, Registry, load_registry


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


def _years(ind: Indicator) -> list[int]:
    years = set(ind.targets) | {y for t in ind.area_targets.values() for y in t}
    if ind.baseline_year is not None:
        years.add(ind.baseline_year)
    return sorted(years)


def fetch_peer_values(registry: Registry, kolada: KoladaClient, out_dir: Path) -> list[Path]:
    """Every Kolada indicator's peers (its peer set, else the default one): a group is
    resolved to its members through its recorded answer, then the peers' values are fetched
    for the indicator's years, 25 ids a call."""
    sets = {p.id: p for p in registry.peer_sets}
    default = next((p for p in registry.peer_sets if p.is_default), None)
    members: dict[str, set[str]] = {}
    paths: list[Path] = []
    for ind in registry.indicators:
        peer_set = sets.get(ind.peer_set) if ind.peer_set else default
        if ind.source_kind != "kolada" or peer_set is None or not ind.kolada_kpi:
            continue
        if peer_set.id not in members:
            codes = set(peer_set.municipalities)
            if peer_set.kolada_group:
                group_file = kolada.fetch_group(peer_set.kolada_group, out_dir)
                paths.append(group_file)
                codes |= set(read_kolada_group(group_file).column("municipality").to_pylist())
            members[peer_set.id] = codes
        peers = members[peer_set.id] - {ind.region or registry.municipality_code}
        paths.extend(kolada.fetch_peers(ind.kolada_kpi, peers, _years(ind), out_dir))
    return paths


@dg.asset(
    key=keys.SURVEY_FETCH,
    group_name="survey",
    kinds={"python"},
    description="Hämtar indikatorernas statistik från SCB (PxWebApi v2) och Kolada (v3) till "
    "raw/survey/, också jämförbara kommuners värden. Ingår inte i nattkörningen; kräver nätverk.",
)
def survey_fetch(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    settings = warehouse.settings()
    registry = load_registry(settings.source_dir("registry"))
    # the municipality's own measurements are delivered as files, not fetched
    requests = [indicator_request(i) for i in registry.indicators if i.source_kind != "survey"]
    scb = ScbClient(base_url=os.environ.get("SCB_API_URL", SCB_URL))
    kolada = KoladaClient(base_url=os.environ.get("KOLADA_API_URL", KOLADA_URL))
    survey_dir = settings.source_dir("survey")
    paths = fetch_indicator_sources(requests, survey_dir, scb, kolada,
                                    default_municipality=registry.municipality_code)
    kolada_dir = survey_dir / "kolada"
    kolada_dir.mkdir(parents=True, exist_ok=True)
    paths += fetch_peer_values(registry, kolada, kolada_dir)
    for p in paths:
        context.log.info(f"Hämtad: {p}")
    return dg.MaterializeResult(metadata={"files": dg.MetadataValue.int(len(paths))})
