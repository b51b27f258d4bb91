"""A loaded Registry as one plain document (the shape of the YAML files), the common form the
workbook and YAML writers take, so converting goes through the validated registry."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from orchestration.readers.registry.indicators import DEFAULT_PARTIAL_SHARE, DEFAULT_TOLERANCE
from orchestration.readers.registry.model import Registry

SECTIONS = ("municipality", "ledger", "committees", "bodies", "funding_sources",
            "mandate_projects", "initiatives", "allocations", "areas", "goals", "peer_sets",
            "indicators", "required_reports")


def _amount(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None and v != []}


def registry_document(reg: Registry) -> dict[str, Any]:
    """Every section as the YAML files write it; empty optional fields are left out."""
    ledger = {"dimensions": dict(reg.ledger["dimensions"])}
    goal_of = {link.initiative: link.goal for link in reg.initiative_goals}
    ledger.update(_drop_none({k: v for k, v in reg.ledger.items() if k != "dimensions"}))
    doc: dict[str, Any] = {
        "municipality": {"code": reg.municipality_code, "name": reg.municipality_name},
        "ledger": ledger,
        "committees": [_drop_none({"id": c.id, "name": c.name,
                                   "responsibility_codes": list(c.responsibility_codes)})
                       for c in reg.committees],
        "bodies": [{"id": b.id, "name": b.name, "kind": b.kind} for b in reg.bodies],
        "funding_sources": [{"id": s.id, "name": s.name} for s in reg.funding_sources],
        "mandate_projects": [_drop_none({
            "code": p.code, "name": p.name, "holder": p.holder, "first_year": p.first_year,
            "last_year": p.last_year, "allocation_per_year": _amount(p.allocation_per_year),
            "carry_over": p.carry_over}) for p in reg.mandate_projects],
        "initiatives": [_drop_none({
            "id": i.id, "name": i.name, "owner": i.owner, "run_by": list(i.run_by),
            "object_codes": list(i.object_codes), "mandate_project": i.mandate_project,
            "first_year": i.first_year, "last_year": i.last_year,
            "funding_order": list(i.funding_order), "goal": goal_of.get(i.id)})
            for i in reg.initiatives],
        "allocations": [{"initiative": a.initiative, "year": a.year, "source": a.source,
                         "amount": _amount(a.amount)} for a in reg.allocations],
        "areas": [_drop_none({"id": a.id, "name": a.name, "kind": a.kind, "code": a.code})
                  for a in reg.areas],
        "goals": [_drop_none({"id": g.id, "name": g.name, "level": g.level, "parent": g.parent,
                              "indicators": list(g.indicators),
                              "initiatives": list(g.initiatives)}) for g in reg.goals],
        "peer_sets": [_drop_none({"id": p.id, "name": p.name, "kolada_group": p.kolada_group,
                                  "municipalities": list(p.municipalities),
                                  "default": p.is_default or None}) for p in reg.peer_sets],
        "indicators": [_indicator(ind, reg.municipality_code) for ind in reg.indicators],
        "required_reports": [{
            "body": r.body, "initiative": r.initiative, "kind": r.kind,
            "frequency": r.frequency, "due_days_after_period": r.due_days_after_period,
            "first_year": r.first_year, "last_year": r.last_year}
            for r in reg.required_reports],
    }
    return doc


def _indicator(ind, municipality_code: str) -> dict[str, Any]:
    if ind.source_kind == "scb":
        source = {"kind": "scb", "table": ind.scb_table, "contents_code": ind.scb_contents_code,
                  "region": ind.region}
    elif ind.source_kind == "survey":
        source = {"kind": "survey"}  # the own measurement is always for this municipality
    else:
        source = {"kind": ind.source_kind, "kpi": ind.kolada_kpi, "municipality": ind.region}
    baseline = None
    if ind.baseline_year is not None or ind.baseline_value is not None:
        baseline = _drop_none({"year": ind.baseline_year,
                               "value": _number(ind.baseline_value)})
    return _drop_none({
        "id": ind.id, "name": ind.name, "source": _drop_none(source), "unit": ind.unit,
        "higher_is_better": ind.higher_is_better, "baseline": baseline,
        "targets": {y: _number(t) for y, t in sorted(ind.targets.items())} or None,
        "initiatives": list(ind.initiatives),
        # the follow-up settings, left out where they are the defaults (indicators.py)
        "tolerance": None if ind.tolerance == DEFAULT_TOLERANCE else _number(ind.tolerance),
        "partial_share": None if ind.partial_share == DEFAULT_PARTIAL_SHARE
        else _number(ind.partial_share),
        "areas": None if ind.areas == [municipality_code] else list(ind.areas),
        # per area in the order of `areas`, so every form writes the same text
        "area_targets": {a: {y: _number(t) for y, t in sorted(ind.area_targets[a].items())}
                         for a in ind.areas if a in ind.area_targets} or None,
        "area_baselines": {a: _number(ind.area_baselines[a]) for a in ind.areas
                           if a in ind.area_baselines} or None,
        "goal": ind.goal, "peer_set": ind.peer_set})
