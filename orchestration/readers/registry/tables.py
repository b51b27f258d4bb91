"""The registry as landing tables (Arrow), one per entity."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from orchestration.readers.registry.follow_up_tables import FOLLOW_UP_SCHEMAS, follow_up_tables
from orchestration.readers.registry.model import Registry
from orchestration.readers.registry.periods import report_calendar

_S, _I, _B, _D = pa.string(), pa.int32(), pa.bool_(), pa.date32()
_MONEY, _F = pa.decimal128(18, 2), pa.float64()

SCHEMAS: dict[str, pa.Schema] = {
    "registry_municipality": pa.schema([("source_file", _S), ("code", _S), ("name", _S)]),
    "registry_ledger_settings": pa.schema([("source_file", _S), ("key", _S), ("value", _S)]),
    "registry_committees": pa.schema([("source_file", _S), ("committee_id", _S), ("name", _S)]),
    "registry_committee_codes": pa.schema(
        [
            ("source_file", _S),
            ("committee_id", _S),
            ("pattern", _S),
            ("is_prefix", _B),
            ("prefix", _S),
        ]
    ),
    "registry_bodies": pa.schema(
        [("source_file", _S), ("body_id", _S), ("name", _S), ("kind", _S)]
    ),
    "registry_funding_sources": pa.schema(
        [("source_file", _S), ("funding_source_id", _S), ("name", _S)]
    ),
    "registry_mandate_projects": pa.schema(
        [
            ("source_file", _S),
            ("project_code", _S),
            ("name", _S),
            ("holder_committee", _S),
            ("first_year", _I),
            ("last_year", _I),
            ("allocation_per_year", _MONEY),
            ("carry_over", _B),
        ]
    ),
    "registry_initiatives": pa.schema(
        [
            ("source_file", _S),
            ("initiative_id", _S),
            ("name", _S),
            ("owner_committee", _S),
            ("mandate_project", _S),
            ("first_year", _I),
            ("last_year", _I),
            ("funding_order", pa.list_(_S)),
        ]
    ),
    "registry_initiative_object_codes": pa.schema(
        [("source_file", _S), ("initiative_id", _S), ("object_code", _S)]
    ),
    "registry_initiative_run_by": pa.schema(
        [("source_file", _S), ("initiative_id", _S), ("committee_id", _S)]
    ),
    "registry_allocations": pa.schema(
        [
            ("source_file", _S),
            ("initiative_id", _S),
            ("year", _I),
            ("funding_source", _S),
            ("amount_sek", _MONEY),
        ]
    ),
    "registry_indicators": pa.schema(
        [
            ("source_file", _S),
            ("indicator_id", _S),
            ("name", _S),
            ("source_kind", _S),
            ("scb_table", _S),
            ("scb_contents_code", _S),
            ("region", _S),
            ("kolada_kpi", _S),
            ("unit", _S),
            ("higher_is_better", _B),
            ("baseline_year", _I),
            ("baseline_value", _F),
        ]
    ),
    "registry_indicator_targets": pa.schema(
        [("source_file", _S), ("indicator_id", _S), ("year", _I), ("target", _F)]
    ),
    "registry_indicator_initiatives": pa.schema(
        [("source_file", _S), ("indicator_id", _S), ("initiative_id", _S)]
    ),
    "registry_required_reports": pa.schema(
        [
            ("source_file", _S),
            ("body", _S),
            ("initiative_id", _S),
            ("report_kind", _S),
            ("frequency", _S),
            ("due_days_after_period", _I),
            ("first_year", _I),
            ("last_year", _I),
        ]
    ),
    "registry_report_calendar": pa.schema(
        [
            ("source_file", _S),
            ("body", _S),
            ("initiative_id", _S),
            ("report_kind", _S),
            ("frequency", _S),
            ("period", _S),
            ("period_start", _D),
            ("period_end", _D),
            ("due_on", _D),
        ]
    ),
}


SCHEMAS.update(FOLLOW_UP_SCHEMAS)  # areas, goals, peer sets (h14, follow_up_tables.py)


def _ledger_rows(reg: Registry) -> list[dict[str, Any]]:
    file = reg.ledger_origin.file
    rows = [
        {"source_file": file, "key": f"dimensions.{name}", "value": str(number)}
        for name, number in reg.ledger["dimensions"].items()
    ]
    for key, value in reg.ledger.items():
        if key == "dimensions" or value is None:
            continue
        # A list (cost_account_classes) becomes one row per element under the same key.
        values = value if isinstance(value, list) else [value]
        rows.extend({"source_file": file, "key": key, "value": str(v)} for v in values)
    return rows


def registry_tables(reg: Registry) -> dict[str, pa.Table]:
    """The registry as landing tables, keyed by table name."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in SCHEMAS}
    rows["registry_municipality"].append(
        {
            "source_file": reg.municipality_origin.file,
            "code": reg.municipality_code,
            "name": reg.municipality_name,
        }
    )
    rows["registry_ledger_settings"] = _ledger_rows(reg)
    for c in reg.committees:
        f = c.origin.file
        rows["registry_committees"].append({"source_file": f, "committee_id": c.id, "name": c.name})
        rows["registry_bodies"].append(
            {"source_file": f, "body_id": c.id, "name": c.name, "kind": "committee"}
        )
        for pattern in c.responsibility_codes:
            is_prefix = pattern.endswith("*")
            rows["registry_committee_codes"].append(
                {
                    "source_file": f,
                    "committee_id": c.id,
                    "pattern": pattern,
                    "is_prefix": is_prefix,
                    "prefix": pattern[:-1] if is_prefix else pattern,
                }
            )
    for b in reg.bodies:
        rows["registry_bodies"].append(
            {"source_file": b.origin.file, "body_id": b.id, "name": b.name, "kind": b.kind}
        )
    for s in reg.funding_sources:
        rows["registry_funding_sources"].append(
            {"source_file": s.origin.file, "funding_source_id": s.id, "name": s.name}
        )
    for p in reg.mandate_projects:
        rows["registry_mandate_projects"].append(
            {
                "source_file": p.origin.file,
                "project_code": p.code,
                "name": p.name,
                "holder_committee": p.holder,
                "first_year": p.first_year,
                "last_year": p.last_year,
                "allocation_per_year": p.allocation_per_year,
                "carry_over": p.carry_over,
            }
        )
    for i in reg.initiatives:
        f = i.origin.file
        rows["registry_initiatives"].append(
            {
                "source_file": f,
                "initiative_id": i.id,
                "name": i.name,
                "owner_committee": i.owner,
                "mandate_project": i.mandate_project,
                "first_year": i.first_year,
                "last_year": i.last_year,
                "funding_order": i.funding_order,
            }
        )
        rows["registry_initiative_object_codes"].extend(
            {"source_file": f, "initiative_id": i.id, "object_code": c} for c in i.object_codes
        )
        rows["registry_initiative_run_by"].extend(
            {"source_file": f, "initiative_id": i.id, "committee_id": c} for c in i.run_by
        )
    for a in reg.allocations:
        rows["registry_allocations"].append(
            {
                "source_file": a.origin.file,
                "initiative_id": a.initiative,
                "year": a.year,
                "funding_source": a.source,
                "amount_sek": a.amount,
            }
        )
    for ind in reg.indicators:
        f = ind.origin.file
        rows["registry_indicators"].append(
            {
                "source_file": f,
                "indicator_id": ind.id,
                "name": ind.name,
                "source_kind": ind.source_kind,
                "scb_table": ind.scb_table,
                "scb_contents_code": ind.scb_contents_code,
                "region": ind.region,
                "kolada_kpi": ind.kolada_kpi,
                "unit": ind.unit,
                "higher_is_better": ind.higher_is_better,
                "baseline_year": ind.baseline_year,
                "baseline_value": ind.baseline_value,
            }
        )
        rows["registry_indicator_targets"].extend(
            {"source_file": f, "indicator_id": ind.id, "year": y, "target": t}
            for y, t in sorted(ind.targets.items())
        )
        rows["registry_indicator_initiatives"].extend(
            {"source_file": f, "indicator_id": ind.id, "initiative_id": i} for i in ind.initiatives
        )
    for r in reg.required_reports:
        rows["registry_required_reports"].append(
            {
                "source_file": r.origin.file,
                "body": r.body,
                "initiative_id": r.initiative,
                "report_kind": r.kind,
                "frequency": r.frequency,
                "due_days_after_period": r.due_days_after_period,
                "first_year": r.first_year,
                "last_year": r.last_year,
            }
        )
    rows["registry_report_calendar"] = report_calendar(reg)
    tables = {name: pa.Table.from_pylist(rows[name], schema=schema)
              for name, schema in SCHEMAS.items() if name not in FOLLOW_UP_SCHEMAS}
    return {**tables, **follow_up_tables(reg)}
