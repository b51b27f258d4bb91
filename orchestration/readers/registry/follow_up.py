"""The registry's follow-up context for indicators: areas (districts), the goal hierarchy and
peer sets of comparable municipalities (`areas:`, `goals:`, `peer_sets:`).

- An area is a district the municipality follows results for: a stadsdel, or an SCB RegSO /
  DeSO code. The whole municipality is always an area of its own (id = the municipality code,
  kind `kommun`); it need not be declared.
- A goal is a node of the municipality's goal tree: `vision` -> `strategic` -> `process`. Each
  goal but the vision names its `parent`. Goals may list the indicators and initiatives that
  serve them; an indicator may instead say `goal:` itself (both ways are read).
- A peer set is either a Kolada municipality group (`kolada_group: G...`, whose members come
  from the recorded group response) or a list of municipality codes (`municipalities:`), or
  both. `default: true` makes it the set for every Kolada indicator that names none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orchestration.readers.errors import SourceFileError
from orchestration.readers.registry.entries import Entry
from orchestration.readers.registry.model import Origin

AREA_KINDS = ("kommun", "stadsdel", "regso", "deso", "other")
GOAL_LEVELS = ("vision", "strategic", "process")
# A goal's parent must sit exactly one level up.
PARENT_LEVEL = {"strategic": "vision", "process": "strategic"}
WHOLE_MUNICIPALITY_KIND = "kommun"


@dataclass(frozen=True)
class Area:
    origin: Origin
    id: str
    name: str
    kind: str
    code: str | None  # SCB's RegSO / DeSO code, or the municipality's own district code


@dataclass(frozen=True)
class Goal:
    origin: Origin
    id: str
    name: str
    level: str
    parent: str | None
    indicators: list[str] = field(default_factory=list)
    initiatives: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PeerSet:
    origin: Origin
    id: str
    name: str
    kolada_group: str | None
    municipalities: list[str]
    is_default: bool


@dataclass(frozen=True)
class InitiativeGoal:
    origin: Origin
    initiative: str
    goal: str


def initiative_goals(entries: list[Entry]) -> list[InitiativeGoal]:
    """`goal:` on an initiative entry: the goal it serves (goals may list it instead)."""
    return [InitiativeGoal(e.origin, e.text("id"), e.text("goal"))
            for e in entries if e.value.get("goal") is not None]


def area(e: Entry) -> Area:
    e.known("id", "name", "kind", "code")
    kind = e.text("kind", required=False) or "stadsdel"
    if kind not in AREA_KINDS:
        raise e.fail("kind", f"{kind!r} is not one of {', '.join(AREA_KINDS)}")
    if kind == WHOLE_MUNICIPALITY_KIND:
        raise e.fail("kind", "the whole municipality is an area already; declare districts only")
    return Area(e.origin, e.text("id"), e.text("name"), kind, e.text("code", required=False))


def whole_municipality(code: str, name: str, origin: Origin) -> Area:
    return Area(origin, code, name, WHOLE_MUNICIPALITY_KIND, code)


def goal(e: Entry) -> Goal:
    e.known("id", "name", "level", "parent", "indicators", "initiatives")
    level = e.text("level")
    if level not in GOAL_LEVELS:
        raise e.fail("level", f"{level!r} is not one of {', '.join(GOAL_LEVELS)}")
    parent = e.text("parent", required=False)
    if level == "vision" and parent is not None:
        raise e.fail("parent", "the vision is the top of the goal tree and has no parent")
    if level != "vision" and parent is None:
        raise e.fail("parent", f"a {level} goal must name its parent goal")
    return Goal(e.origin, e.text("id"), e.text("name"), level, parent,
                e.texts("indicators"), e.texts("initiatives"))


def peer_set(e: Entry) -> PeerSet:
    e.known("id", "name", "kolada_group", "municipalities", "default")
    group = e.text("kolada_group", required=False)
    codes = [c.zfill(4) if c.isdigit() else c for c in e.texts("municipalities")]
    if group is None and not codes:
        raise e.fail(None, "a peer set needs kolada_group or municipalities (or both)")
    if group is not None and not group.upper().startswith("G"):
        raise e.fail("kolada_group", f"Kolada's group ids start with G, not {group!r}")
    for n, c in enumerate(codes):
        if not (len(c) == 4 and c.isdigit()):
            raise e.fail(f"municipalities[{n}]", f"{c!r} is not a four-digit municipality code")
    return PeerSet(e.origin, e.text("id"), e.text("name", required=False) or e.text("id"),
                   group, codes, bool(e.flag("default", False)))


def _where(origin: Origin, key: str) -> str:
    return f"{origin.key}.{key}"


def check_follow_up(reg) -> None:
    """References between indicators, areas, goals, peer sets and initiatives."""
    areas = {a.id: a for a in reg.areas}
    goals: dict[str, Goal] = {}
    for g in reg.goals:
        if g.id in goals:
            raise SourceFileError(g.origin.file, f"goal {g.id!r} is defined twice",
                                  key=_where(g.origin, "id"))
        goals[g.id] = g
    peers: dict[str, PeerSet] = {}
    for p in reg.peer_sets:
        if p.id in peers:
            raise SourceFileError(p.origin.file, f"peer set {p.id!r} is defined twice",
                                  key=_where(p.origin, "id"))
        peers[p.id] = p
    defaults = [p for p in reg.peer_sets if p.is_default]
    if len(defaults) > 1:
        p = defaults[1]
        raise SourceFileError(p.origin.file, f"only one peer set may be the default "
                              f"(also {defaults[0].id})", key=_where(p.origin, "default"))
    seen_areas: set[str] = set()
    for a in reg.areas:
        if a.id in seen_areas or a.id == reg.municipality_code:
            raise SourceFileError(a.origin.file, f"area {a.id!r} is defined twice (the "
                                  "municipality's own code is the whole municipality)",
                                  key=_where(a.origin, "id"))
        seen_areas.add(a.id)
    for g in reg.goals:
        if g.parent is not None:
            parent = goals.get(g.parent)
            if parent is None:
                raise SourceFileError(g.origin.file, f"unknown parent goal {g.parent!r}",
                                      key=_where(g.origin, "parent"))
            if parent.level != PARENT_LEVEL[g.level]:
                raise SourceFileError(
                    g.origin.file,
                    f"a {g.level} goal's parent must be a {PARENT_LEVEL[g.level]} goal, "
                    f"{g.parent!r} is {parent.level}", key=_where(g.origin, "parent"))
    indicators = {i.id: i for i in reg.indicators}
    initiatives = {i.id for i in reg.initiatives}
    listed_by: dict[str, str] = {}
    for g in reg.goals:
        for n, ind in enumerate(g.indicators):
            if ind not in indicators:
                raise SourceFileError(g.origin.file, f"unknown indicator {ind!r}",
                                      key=_where(g.origin, f"indicators[{n}]"))
            if listed_by.setdefault(ind, g.id) != g.id:
                raise SourceFileError(
                    g.origin.file, f"indicator {ind!r} already serves goal {listed_by[ind]!r}; "
                    "an indicator serves one goal", key=_where(g.origin, f"indicators[{n}]"))
            own = indicators[ind].goal
            if own is not None and own != g.id:
                raise SourceFileError(
                    g.origin.file, f"indicator {ind!r} says it serves goal {own!r}",
                    key=_where(g.origin, f"indicators[{n}]"))
        for n, init in enumerate(g.initiatives):
            if init not in initiatives:
                raise SourceFileError(g.origin.file, f"unknown initiative {init!r}",
                                      key=_where(g.origin, f"initiatives[{n}]"))
    for link in reg.initiative_goals:
        if link.goal not in goals:
            raise SourceFileError(link.origin.file, f"unknown goal {link.goal!r}",
                                  key=_where(link.origin, "goal"))
    for ind in reg.indicators:
        if ind.goal is not None and ind.goal not in goals:
            raise SourceFileError(ind.origin.file, f"unknown goal {ind.goal!r}",
                                  key=_where(ind.origin, "goal"))
        if ind.peer_set is not None and ind.peer_set not in peers:
            raise SourceFileError(ind.origin.file, f"unknown peer set {ind.peer_set!r}",
                                  key=_where(ind.origin, "peer_set"))
        for n, a in enumerate(ind.areas):
            if a not in areas and a != reg.municipality_code:
                raise SourceFileError(ind.origin.file, f"unknown area {a!r}",
                                      key=_where(ind.origin, f"areas[{n}]"))
        for a in ind.area_targets:
            if a not in ind.areas:
                raise SourceFileError(ind.origin.file,
                                      f"area {a!r} has targets but is not in areas",
                                      key=_where(ind.origin, f"area_targets.{a}"))
