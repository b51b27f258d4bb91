"""Landing tables for the indicators' follow-up context: areas, per-indicator settings, area
targets, the goal tree and peer sets (see follow_up.py and indicators.py)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from orchestration.readers.registry.follow_up import whole_municipality
from orchestration.readers.registry.model import Registry

_S, _I, _B, _F = pa.string(), pa.int32(), pa.bool_(), pa.float64()

FOLLOW_UP_SCHEMAS: dict[str, pa.Schema] = {
    "registry_areas": pa.schema(
        [("source_file", _S), ("area_id", _S), ("name", _S), ("kind", _S), ("code", _S)]
    ),
    "registry_indicator_settings": pa.schema(
        [
            ("source_file", _S),
            ("indicator_id", _S),
            ("tolerance", _F),
            ("partial_share", _F),
            ("goal_id", _S),
            ("peer_set_id", _S),
        ]
    ),
    "registry_indicator_areas": pa.schema(
        [("source_file", _S), ("indicator_id", _S), ("area_id", _S), ("baseline_value", _F)]
    ),
    "registry_indicator_area_targets": pa.schema(
        [("source_file", _S), ("indicator_id", _S), ("area_id", _S), ("year", _I),
         ("target", _F)]
    ),
    "registry_goals": pa.schema(
        [("source_file", _S), ("goal_id", _S), ("name", _S), ("level", _S),
         ("parent_goal_id", _S)]
    ),
    "registry_goal_links": pa.schema(
        [("source_file", _S), ("goal_id", _S), ("member_kind", _S), ("member_id", _S)]
    ),
    "registry_peer_sets": pa.schema(
        [("source_file", _S), ("peer_set_id", _S), ("name", _S), ("kolada_group", _S),
         ("is_default", _B)]
    ),
    "registry_peer_set_members": pa.schema(
        [("source_file", _S), ("peer_set_id", _S), ("municipality", _S)]
    ),
}


def follow_up_tables(reg: Registry) -> dict[str, pa.Table]:
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in FOLLOW_UP_SCHEMAS}
    whole = whole_municipality(reg.municipality_code, reg.municipality_name,
                               reg.municipality_origin)
    for a in [whole, *reg.areas]:
        rows["registry_areas"].append({"source_file": a.origin.file, "area_id": a.id,
                                       "name": a.name, "kind": a.kind, "code": a.code})
    links: set[tuple[str, str, str, str]] = set()
    for ind in reg.indicators:
        f = ind.origin.file
        rows["registry_indicator_settings"].append({
            "source_file": f, "indicator_id": ind.id, "tolerance": ind.tolerance,
            "partial_share": ind.partial_share, "goal_id": ind.goal, "peer_set_id": ind.peer_set,
        })
        rows["registry_indicator_areas"].extend(
            {"source_file": f, "indicator_id": ind.id, "area_id": a,
             "baseline_value": ind.area_baselines.get(a)}
            for a in ind.areas
        )
        rows["registry_indicator_area_targets"].extend(
            {"source_file": f, "indicator_id": ind.id, "area_id": a, "year": y, "target": t}
            for a, targets in sorted(ind.area_targets.items())
            for y, t in sorted(targets.items())
        )
        if ind.goal is not None:
            links.add((f, ind.goal, "indicator", ind.id))
    links.update((i.origin.file, i.goal, "initiative", i.initiative)
                 for i in reg.initiative_goals)
    for g in reg.goals:
        f = g.origin.file
        rows["registry_goals"].append({"source_file": f, "goal_id": g.id, "name": g.name,
                                       "level": g.level, "parent_goal_id": g.parent})
        links.update((f, g.id, "indicator", i) for i in g.indicators)
        links.update((f, g.id, "initiative", i) for i in g.initiatives)
    # An indicator may name its goal and the goal list it too: one link, not two.
    unique = {(goal, kind, member): file for file, goal, kind, member in sorted(links)}
    rows["registry_goal_links"] = [
        {"source_file": f, "goal_id": g, "member_kind": k, "member_id": m}
        for (g, k, m), f in sorted(unique.items())
    ]
    for p in reg.peer_sets:
        f = p.origin.file
        rows["registry_peer_sets"].append({"source_file": f, "peer_set_id": p.id,
                                           "name": p.name, "kolada_group": p.kolada_group,
                                           "is_default": p.is_default})
        rows["registry_peer_set_members"].extend(
            {"source_file": f, "peer_set_id": p.id, "municipality": m} for m in p.municipalities
        )
    return {name: pa.Table.from_pylist(rows[name], schema=schema)
            for name, schema in FOLLOW_UP_SCHEMAS.items()}
