"""Where a registry key path sits in the workbook: `Satsningar!A7.owner` -> `Satsningar!C7`.

A registry read from the workbook carries the map (`Registry.places`); the cross-checks and the
contract check name key paths as they do for YAML, and pass their problems through
`relocate_problems`, so every message names the cell to fix. For YAML the map is empty and
nothing changes."""

from __future__ import annotations

from orchestration.validation.problems import Problem


def place_of(places: dict[str, str], key: str | None) -> str | None:
    """The cell of a key path; a path below a mapped one falls back to its nearest parent."""
    probe = key
    while probe:
        if probe in places:
            return places[probe]
        cut = max(probe.rfind("."), probe.rfind("["))
        if cut <= 0:
            break
        probe = probe[:cut]
    return key


def relocate_text(places: dict[str, str], text: str) -> str:
    """Key paths quoted in a message replaced by their cells, longest first."""
    for key in sorted(places, key=len, reverse=True):
        if key in text:
            text = text.replace(key, places[key])
    return text


def relocate_problems(places: dict[str, str], problems: list[Problem]) -> list[Problem]:
    if not places:
        return problems
    return [Problem(p.severity, p.file, place_of(places, p.place),
                    relocate_text(places, p.message)) for p in problems]
