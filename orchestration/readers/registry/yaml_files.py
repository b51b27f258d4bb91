"""Reading the registry's YAML files and merging their top-level keys into one delivery.

The merged form (mappings and list entries, each with its file and key path) is what the
sections are built from, whatever format the controllers keep the registry in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from orchestration.readers.errors import SourceFileError
from orchestration.readers.registry.model import LIST_KEYS, MAPPING_KEYS, Origin


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key repeated in one mapping (PyYAML silently keeps the last)."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False):
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"nyckeln {key!r} upprepas i samma mappning (först på rad {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path) -> dict[str, Any]:
    file = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise SourceFileError(file, "filen är inte giltig UTF-8") from None
    try:
        # A SafeLoader subclass: no arbitrary Python objects.
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        reason = f"YAML-syntaxfel: {problem}" + (f" ({context})" if context else "")
        line = mark.line + 1 if mark is not None else None
        raise SourceFileError(file, reason, line=line) from None
    if data is None:
        raise SourceFileError(file, "tom fil: förväntade en mappning av nycklar på översta nivån")
    if not isinstance(data, dict):
        raise SourceFileError(file, "filen ska vara en mappning av nycklar på översta nivån",
                              line=1)
    return data


@dataclass
class Merged:
    mappings: dict[str, tuple[str, Any]] = field(default_factory=dict)
    lists: dict[str, list[tuple[Origin, Any]]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def merge_files(paths: list[Path]) -> Merged:
    merged = Merged()
    for path in paths:
        file = path.name
        for key, value in _read_yaml(path).items():
            if not isinstance(key, str):
                raise SourceFileError(file, "nycklar på översta nivån ska vara namn", key=str(key))
            if key in LIST_KEYS or (key not in MAPPING_KEYS and isinstance(value, list)):
                if value is None:
                    value = []
                if not isinstance(value, list):
                    raise SourceFileError(file, "ska vara en lista", key=key)
                items = merged.lists.setdefault(key, [])
                # Indexes count within the file, where the controller will look for them.
                items.extend((Origin(file, f"{key}[{i}]"), v) for i, v in enumerate(value))
            elif key in merged.mappings:
                first = merged.mappings[key][0]
                raise SourceFileError(
                    file, f"nyckeln {key!r} på översta nivån finns redan i {first}", key=key
                )
            else:
                merged.mappings[key] = (file, value)
    for key, (file, _) in merged.mappings.items():
        if key not in MAPPING_KEYS:
            merged.warnings.append(f"{file}: okänd nyckel {key!r} på översta nivån hoppas över")
    for key, items in merged.lists.items():
        if key not in LIST_KEYS:
            merged.warnings.append(
                f"{items[0][0].file}: okänd nyckel {key!r} på översta nivån hoppas över")
    return merged
