"""The registry document written as YAML files in raw/registry/, split the way the sample and
the contract's example split them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

FILES = {
    "governance.yaml": ["municipality", "ledger", "committees", "bodies", "funding_sources"],
    "programme.yaml": ["mandate_projects", "initiatives", "allocations"],
    "indicators.yaml": ["areas", "goals", "peer_sets", "indicators"],
    "reporting.yaml": ["required_reports"],
}


def yaml_texts(doc: dict[str, Any], header: str = "") -> dict[str, str]:
    """File name -> text; an empty section is written as such (`bodies: []`)."""
    out = {}
    for name, keys in FILES.items():
        part = {k: doc[k] for k in keys if doc.get(k) is not None}
        if not part:
            continue
        text = yaml.safe_dump(part, allow_unicode=True, sort_keys=False, width=100)
        out[name] = header + text
    return out


def write_yaml(doc: dict[str, Any], folder: Path, header: str = "") -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in yaml_texts(doc, header).items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
