"""An incremental model is rebuilt from the landing tables when the code it is built from has
changed since its last build (an upgrade of the pipeline). Without that, dbt's incremental run
keeps every row written under the old code: a column added upstream stays null for every
earlier ledger file, in silence, until someone thinks of a full refresh.

"The code it is built from" is the model's own SQL and that of every model, seed and macro
upstream of it, read from the dbt manifest. Sources are data, not code: new data is what an
incremental run is for."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

STATE_FILE = ".dbt_incremental_code.json"  # beside the working warehouse


def code_fingerprints(manifest: dict[str, Any]) -> dict[str, str]:
    """Each incremental model's name with a hash over the code it is built from."""
    nodes, macros = manifest["nodes"], manifest["macros"]
    prints = {}
    for unique_id, node in nodes.items():
        if node["resource_type"] != "model" or \
                node["config"].get("materialized") != "incremental":
            continue
        parts, seen, todo = [], set(), [unique_id]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            item = nodes.get(current) or macros.get(current)
            if item is None:  # a source
                continue
            code = item.get("raw_code") or item.get("macro_sql") or ""
            checksum = (item.get("checksum") or {}).get("checksum", "")  # a seed's file
            parts.append(f"{current}\0{code}\0{checksum}")
            depends = item.get("depends_on") or {}
            todo.extend(depends.get("nodes", []))
            todo.extend(depends.get("macros", []))
        prints[node["name"]] = hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()
    return prints


def load_manifest(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def recorded(warehouse_dir: Path) -> dict[str, str]:
    """The code each incremental model was last built with; empty for a new warehouse (or one
    built before this record existed)."""
    try:
        return json.loads((warehouse_dir / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def changed_models(built: dict[str, str], prints: dict[str, str]) -> list[str]:
    """The incremental models whose code differs from their last build's. Without a record
    every one counts as changed: one full rebuild costs less than rows of unknown vintage."""
    return sorted(name for name, fingerprint in prints.items()
                  if built.get(name) != fingerprint)


def record_build(warehouse_dir: Path, built: dict[str, str], prints: dict[str, str]) -> None:
    """After a build: the code the models it built were built with, beside what earlier
    builds recorded for the others (written whole, then renamed: a crash leaves the old
    record, and at worst one more full rebuild)."""
    target = warehouse_dir / STATE_FILE
    tmp = target.with_name(f"{target.name}.tmp")
    tmp.write_text(json.dumps({**built, **prints}, indent=2, sort_keys=True) + "\n",
                   encoding="utf-8")
    tmp.replace(target)
