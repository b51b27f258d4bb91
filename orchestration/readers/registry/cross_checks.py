"""Cross-checks between the registry's sections: unique ids, and every reference known."""

from __future__ import annotations

from typing import Any

from orchestration.readers.errors import SourceFileError
from orchestration.readers.registry.model import PROGRAMME, Origin, Registry


def _unique(items: list, attr: str, what: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for item in items:
        value = getattr(item, attr)
        if value in seen:
            first = seen[value].origin
            raise SourceFileError(
                item.origin.file,
                f"{what} {value!r} is defined twice (first at {first.file}, {first.key})",
                key=f"{item.origin.key}.{attr}",
            )
        seen[value] = item
    return seen


def _known(value: str, known: dict[str, Any], origin: Origin, key: str, what: str) -> None:
    if value not in known:
        names = ", ".join(sorted(known)) or "none"
        raise SourceFileError(
            origin.file, f"unknown {what} {value!r} (known: {names})", key=f"{origin.key}.{key}"
        )


def cross_check(reg: Registry) -> None:
    committees = _unique(reg.committees, "id", "committee")
    bodies = _unique(reg.bodies, "id", "body")
    for b in reg.bodies:
        if b.id in committees:
            raise SourceFileError(
                b.origin.file,
                f"body {b.id!r} is already a committee; list only bodies that are not",
                key=f"{b.origin.key}.id",
            )
    sources = _unique(reg.funding_sources, "id", "funding source")
    projects = _unique(reg.mandate_projects, "code", "mandate project")
    initiatives = _unique(reg.initiatives, "id", "initiative")
    _unique(reg.indicators, "id", "indicator")
    if PROGRAMME in initiatives:
        i = initiatives[PROGRAMME]
        raise SourceFileError(
            i.origin.file, f"{PROGRAMME!r} is reserved for the whole programme", key=i.origin.key
        )

    patterns: dict[str, tuple[str, Origin]] = {}
    for c in reg.committees:
        for n, pattern in enumerate(c.responsibility_codes):
            if pattern in patterns and patterns[pattern][0] != c.id:
                raise SourceFileError(
                    c.origin.file,
                    f"responsibility code pattern {pattern!r} also belongs to committee "
                    f"{patterns[pattern][0]}",
                    key=f"{c.origin.key}.responsibility_codes[{n}]",
                )
            patterns[pattern] = (c.id, c.origin)

    for p in reg.mandate_projects:
        if p.holder is not None:
            _known(p.holder, committees, p.origin, "holder", "committee")

    owners: dict[str, tuple[str, str]] = {}
    for i in reg.initiatives:
        _known(i.owner, committees, i.origin, "owner", "committee")
        for n, c in enumerate(i.run_by):
            _known(c, committees, i.origin, f"run_by[{n}]", "committee")
        if i.mandate_project is not None:
            _known(i.mandate_project, projects, i.origin, "mandate_project", "mandate project")
        for n, s in enumerate(i.funding_order):
            _known(s, sources, i.origin, f"funding_order[{n}]", "funding source")
            if s in i.funding_order[:n]:
                raise SourceFileError(
                    i.origin.file,
                    f"funding source {s!r} is listed twice",
                    key=f"{i.origin.key}.funding_order[{n}]",
                )
        for n, code in enumerate(i.object_codes):
            key = f"{i.origin.key}.object_codes[{n}]"
            if code in owners:
                other, where = owners[code]
                raise SourceFileError(
                    i.origin.file,
                    f"object code {code!r} already belongs to initiative {other} ({where}); "
                    "an object code belongs to one initiative only",
                    key=key,
                )
            owners[code] = (i.id, f"{i.origin.file}, {key}")

    seen_alloc: dict[tuple[str, int, str], Origin] = {}
    for a in reg.allocations:
        _known(a.initiative, initiatives, a.origin, "initiative", "initiative")
        _known(a.source, sources, a.origin, "source", "funding source")
        ident = (a.initiative, a.year, a.source)
        if ident in seen_alloc:
            first = seen_alloc[ident]
            raise SourceFileError(
                a.origin.file,
                f"allocation for {a.initiative} {a.year} from {a.source} is given twice "
                f"(first at {first.file}, {first.key})",
                key=a.origin.key,
            )
        seen_alloc[ident] = a.origin
        init = initiatives[a.initiative]
        if not init.first_year <= a.year <= init.last_year:
            reg.warnings.append(
                f"{a.origin.file}: {a.origin.key} year {a.year} is outside {a.initiative}'s "
                f"years {init.first_year}-{init.last_year}"
            )

    for ind in reg.indicators:
        for n, name in enumerate(ind.initiatives):
            _known(name, initiatives, ind.origin, f"initiatives[{n}]", "initiative")

    receivers = {**committees, **bodies}
    for r in reg.required_reports:
        _known(r.body, receivers, r.origin, "body", "body (committee or bodies: entry)")
        if r.initiative != PROGRAMME:
            _known(r.initiative, initiatives, r.origin, "initiative", "initiative")
