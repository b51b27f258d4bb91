"""Cross-checks between the registry's sections: unique ids, every reference known, no code
claimed twice. All problems are collected as Swedish sentences (`problems`); `cross_check`
raises the first blocker, as loading always has."""

from __future__ import annotations

from typing import Any

from orchestration.readers.errors import SourceFileError
from orchestration.readers.registry.model import PROGRAMME, Origin, Registry
from orchestration.readers.registry.places import relocate_problems
from orchestration.validation.problems import Problem, Severity, where

# the funding sources the allocation pays from, under the ids the contract gives them
FRAME = "frame"
ALLOCATED_SOURCES = ("state_grant", "mandate", FRAME)


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, severity: Severity, origin: Origin, key: str | None, reason: str) -> None:
        place = origin.key if key is None else f"{origin.key}.{key}"
        self.problems.append(Problem(severity, origin.file, place,
                                     f"{where(origin.file, place)}: {reason}"))

    def unique(self, items: list, attr: str, what: str) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for item in items:
            value = getattr(item, attr)
            if value in seen:
                first = seen[value].origin
                self.add("blocker", item.origin, attr,
                         f"{what} {value!r} finns redan ({where(first.file, first.key)}); "
                         "varje id får förekomma en gång.")
                continue
            seen[value] = item
        return seen

    def known(self, value: str, known: dict[str, Any], origin: Origin, key: str,
              what: str) -> bool:
        if value in known:
            return True
        names = ", ".join(sorted(known)) or "inga"
        self.add("blocker", origin, key,
                 f"{what} {value!r} finns inte i styrmodellen; förväntade ett av: {names}.")
        return False


def cross_check(reg: Registry) -> None:
    """Raise SourceFileError (file, key path, Swedish reason) for the first blocker."""
    found = problems(reg)
    reg.warnings.extend(p.message for p in found if p.severity == "warning")
    for p in found:
        if p.severity == "blocker":
            reason = p.message.removeprefix(f"{where(p.file, p.place)}: ")
            raise SourceFileError(p.file, reason, key=p.place)


def problems(reg: Registry) -> list[Problem]:
    """Every problem between the registry's sections, in the order of the sections."""
    c = _Collector()
    committees = c.unique(reg.committees, "id", "Nämnden")
    bodies = c.unique(reg.bodies, "id", "Organet")
    for b in reg.bodies:
        if b.id in committees:
            c.add("blocker", b.origin, "id",
                  f"{b.id!r} är redan en nämnd under committees; under bodies hör bara organ "
                  "som inte är nämnder.")
    sources = c.unique(reg.funding_sources, "id", "Finansieringskällan")
    projects = c.unique(reg.mandate_projects, "code", "Uppdragsprojektet")
    initiatives = c.unique(reg.initiatives, "id", "Satsningen")
    c.unique(reg.indicators, "id", "Indikatorn")
    if PROGRAMME in initiatives:
        c.add("blocker", initiatives[PROGRAMME].origin, "id",
              f"id {PROGRAMME!r} är reserverat för hela programmet; ge satsningen ett annat id.")

    _responsibility_patterns(c, reg)

    for p in reg.mandate_projects:
        if p.holder is not None:
            c.known(p.holder, committees, p.origin, "holder", "Nämnden")

    _initiatives(c, reg, committees, projects, sources)
    _allocations(c, reg, initiatives, sources)

    for ind in reg.indicators:
        for n, name in enumerate(ind.initiatives):
            c.known(name, initiatives, ind.origin, f"initiatives[{n}]", "Satsningen")
        _target_years(c, ind, initiatives)

    receivers = {**committees, **bodies}
    for r in reg.required_reports:
        c.known(r.body, receivers, r.origin, "body", "Mottagaren (nämnd eller organ)")
        if r.initiative != PROGRAMME:
            c.known(r.initiative, initiatives, r.origin, "initiative", "Satsningen")
    return relocate_problems(reg.places, c.problems)  # workbook: key paths become cells


def _covers(a: str, b: str) -> bool:
    """Pattern `a` matches every code pattern `b` matches (`41*` covers `4110` and `411*`)."""
    if a.endswith("*"):
        return b.removesuffix("*").startswith(a.removesuffix("*"))
    return a == b


def _responsibility_patterns(c: _Collector, reg: Registry) -> None:
    seen: list[tuple[str, str, Origin, int]] = []
    for com in reg.committees:
        for n, pattern in enumerate(com.responsibility_codes):
            key = f"responsibility_codes[{n}]"
            for other_pattern, other, origin, m in seen:
                if other == com.id:
                    continue
                place = where(origin.file, f"{origin.key}.responsibility_codes[{m}]")
                if pattern == other_pattern:
                    c.add("blocker", com.origin, key,
                          f"ansvarsmönstret {pattern!r} hör redan till nämnden {other} "
                          f"({place}); ett mönster hör till en nämnd.")
                elif _covers(pattern, other_pattern) or _covers(other_pattern, pattern):
                    # the longest pattern wins, so this is legal, but easily a mistake
                    c.add("warning", com.origin, key,
                          f"ansvarsmönstret {pattern!r} överlappar {other_pattern!r} hos "
                          f"nämnden {other} ({place}); koder som båda matchar går till det "
                          "längsta mönstret. Förväntade mönster som inte överlappar.")
            seen.append((pattern, com.id, com.origin, n))


def _initiatives(c: _Collector, reg: Registry, committees: dict, projects: dict,
                 sources: dict) -> None:
    owners: dict[str, tuple[str, str]] = {}
    for i in reg.initiatives:
        c.known(i.owner, committees, i.origin, "owner", "Nämnden")
        for n, com in enumerate(i.run_by):
            c.known(com, committees, i.origin, f"run_by[{n}]", "Nämnden")
        if i.mandate_project is not None:
            c.known(i.mandate_project, projects, i.origin, "mandate_project", "Uppdragsprojektet")
        for n, s in enumerate(i.funding_order):
            c.known(s, sources, i.origin, f"funding_order[{n}]", "Finansieringskällan")
            if s in i.funding_order[:n]:
                c.add("blocker", i.origin, f"funding_order[{n}]",
                      f"finansieringskällan {s!r} står två gånger; varje källa en gång.")
        _funding_order(c, i.origin, i.funding_order, sources)
        for n, code in enumerate(i.object_codes):
            key = f"object_codes[{n}]"
            if code in owners:
                other, place = owners[code]
                c.add("blocker", i.origin, key,
                      f"objektkoden {code!r} hör redan till satsningen {other} ({place}); "
                      "en objektkod hör till en satsning.")
                continue
            owners[code] = (i.id, where(i.origin.file, f"{i.origin.key}.{key}"))


def _funding_order(c: _Collector, origin: Origin, order: list[str], sources: dict) -> None:
    """The allocation (int_funding__yearly) knows three kinds of money: grants and mandate
    money pay in the declared order, each up to what it has, and the frame takes what remains,
    always last (the contract: "whatever remains falls on frame"). An order that says
    otherwise is not what the mart computes, so the controller is told."""
    for n, s in enumerate(order):
        if s in order[:n] or s not in sources:
            continue  # already a blocker above
        if s == FRAME and n < len(order) - 1:
            after = ", ".join(repr(x) for x in order[n + 1:])
            c.add("warning", origin, f"funding_order[{n}]",
                  f"ordinarie ram ('frame') står före {after}; ramen betalar alltid det som "
                  f"återstår sist, så fördelningen låter {after} betala före ramen. "
                  "Förväntade 'frame' sist i funding_order (eller inte alls).")
        elif s not in ALLOCATED_SOURCES:
            c.add("warning", origin, f"funding_order[{n}]",
                  f"finansieringskällan {s!r} får ingen del av kostnaden: fördelningen känner "
                  "bara statsbidrag ('state_grant'), mandatmedel ('mandate') och ordinarie ram "
                  "('frame'), och det som återstår hamnar på ramen. Förväntade en av dem.")


def _allocations(c: _Collector, reg: Registry, initiatives: dict, sources: dict) -> None:
    seen: dict[tuple[str, int, str], Origin] = {}
    for a in reg.allocations:
        known_initiative = c.known(a.initiative, initiatives, a.origin, "initiative",
                                   "Satsningen")
        c.known(a.source, sources, a.origin, "source", "Finansieringskällan")
        ident = (a.initiative, a.year, a.source)
        if ident in seen:
            first = seen[ident]
            c.add("blocker", a.origin, None,
                  f"medel till {a.initiative} {a.year} från {a.source} anges två gånger "
                  f"(först {where(first.file, first.key)}); ange dem en gång.")
        seen[ident] = a.origin
        if known_initiative:
            init = initiatives[a.initiative]
            if not init.first_year <= a.year <= init.last_year:
                c.add("warning", a.origin, "year",
                      f"året {a.year} ligger utanför satsningen {a.initiative}s år "
                      f"{init.first_year}–{init.last_year}.")


def _target_years(c: _Collector, ind: Any, initiatives: dict) -> None:
    """Targets belong to the years after the baseline (or from the first linked initiative's
    start, without a baseline) up to the last year of the linked initiatives."""
    linked = [initiatives[n] for n in ind.initiatives if n in initiatives]
    first = min((i.first_year for i in linked), default=None)
    last = max((i.last_year for i in linked), default=None)
    if ind.baseline_year is not None:
        first = ind.baseline_year + 1
    for year in sorted(ind.targets):
        low = first is not None and year < first
        high = last is not None and year > last
        if low or high:
            span = f"{first if first is not None else '…'}–{last if last is not None else '…'}"
            c.add("warning", ind.origin, f"targets.{year}",
                  f"målvärde för {year} ligger utanför indikatorns år {span} (åren efter "
                  "basåret till de kopplade satsningarnas sista år); förväntade mål bara för "
                  "de åren.")
