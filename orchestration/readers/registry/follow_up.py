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
        raise e.fail("kind", f"{kind!r} är inte en av {', '.join(AREA_KINDS)}")
    if kind == WHOLE_MUNICIPALITY_KIND:
        raise e.fail("kind", "hela kommunen är redan ett område; ange bara delområden")
    return Area(e.origin, e.text("id"), e.text("name"), kind, e.text("code", required=False))


def whole_municipality(code: str, name: str, origin: Origin) -> Area:
    return Area(origin, code, name, WHOLE_MUNICIPALITY_KIND, code)


def goal(e: Entry) -> Goal:
    e.known("id", "name", "level", "parent", "indicators", "initiatives")
    level = e.text("level")
    if level not in GOAL_LEVELS:
        raise e.fail("level", f"{level!r} är inte en av {', '.join(GOAL_LEVELS)}")
    parent = e.text("parent", required=False)
    if level == "vision" and parent is not None:
        raise e.fail("parent", "visionen är målträdets topp och har ingen parent")
    if level != "vision" and parent is None:
        raise e.fail("parent", f"ett mål på nivån {level} måste ange sitt överordnade mål (parent)")
    return Goal(e.origin, e.text("id"), e.text("name"), level, parent,
                e.texts("indicators"), e.texts("initiatives"))


def peer_set(e: Entry) -> PeerSet:
    e.known("id", "name", "kolada_group", "municipalities", "default")
    group = e.text("kolada_group", required=False)
    codes = [c.zfill(4) if c.isdigit() else c for c in e.texts("municipalities")]
    if group is None and not codes:
        raise e.fail(None, "en jämförelsegrupp behöver kolada_group eller municipalities "
                     "(eller båda)")
    if group is not None and not group.upper().startswith("G"):
        raise e.fail("kolada_group", f"Koladas grupp-id börjar med G, inte {group!r}")
    for n, c in enumerate(codes):
        if not (len(c) == 4 and c.isdigit()):
            raise e.fail(f"municipalities[{n}]", f"{c!r} är inte en fyrsiffrig kommunkod")
    return PeerSet(e.origin, e.text("id"), e.text("name", required=False) or e.text("id"),
                   group, codes, bool(e.flag("default", False)))


def _fail(origin: Origin, key: str, reason: str) -> SourceFileError:
    return SourceFileError(origin.file, reason, key=f"{origin.key}.{key}")


def _unique(items: list, what: str) -> dict:
    seen: dict = {}
    for item in items:
        if item.id in seen:
            raise _fail(item.origin, "id", f"{what} {item.id!r} finns två gånger")
        seen[item.id] = item
    return seen


def check_follow_up(reg) -> None:
    """References between indicators, areas, goals, peer sets and initiatives."""
    whole = reg.municipality_code
    areas = _unique(reg.areas, "området")
    if whole in areas:
        raise _fail(areas[whole].origin, "id",
                    f"{whole!r} är kommunens egen kod, som redan står för hela kommunen")
    goals = _unique(reg.goals, "målet")
    peers = _unique(reg.peer_sets, "jämförelsegruppen")
    defaults = [p for p in reg.peer_sets if p.is_default]
    if len(defaults) > 1:
        raise _fail(defaults[1].origin, "default", "bara en jämförelsegrupp kan vara standard "
                    f"(också {defaults[0].id})")
    for g in reg.goals:
        if g.parent is None:
            continue
        parent = goals.get(g.parent)
        if parent is None:
            raise _fail(g.origin, "parent", f"överordnat mål {g.parent!r} finns inte i "
                        "styrmodellen")
        if parent.level != PARENT_LEVEL[g.level]:
            raise _fail(g.origin, "parent", f"ett mål på nivån {g.level} ska ligga under ett "
                        f"mål på nivån {PARENT_LEVEL[g.level]}, men {g.parent!r} är "
                        f"{parent.level}")
    indicators = {i.id: i for i in reg.indicators}
    initiatives = {i.id for i in reg.initiatives}
    listed_by: dict[str, str] = {}
    for g in reg.goals:
        for n, ind in enumerate(g.indicators):
            key = f"indicators[{n}]"
            if ind not in indicators:
                raise _fail(g.origin, key, f"indikatorn {ind!r} finns inte i styrmodellen")
            if listed_by.setdefault(ind, g.id) != g.id:
                raise _fail(g.origin, key, f"indikatorn {ind!r} hör redan till målet "
                            f"{listed_by[ind]!r}; en indikator hör till ett mål")
            own = indicators[ind].goal
            if own is not None and own != g.id:
                raise _fail(g.origin, key, f"indikatorn {ind!r} anger själv målet {own!r}")
        for n, init in enumerate(g.initiatives):
            if init not in initiatives:
                raise _fail(g.origin, f"initiatives[{n}]",
                            f"satsningen {init!r} finns inte i styrmodellen")
    for link in reg.initiative_goals:
        if link.goal not in goals:
            raise _fail(link.origin, "goal", f"målet {link.goal!r} finns inte i styrmodellen")
    for ind in reg.indicators:
        if ind.goal is not None and ind.goal not in goals:
            raise _fail(ind.origin, "goal", f"målet {ind.goal!r} finns inte i styrmodellen")
        if ind.peer_set is not None and ind.peer_set not in peers:
            raise _fail(ind.origin, "peer_set",
                        f"jämförelsegruppen {ind.peer_set!r} finns inte i styrmodellen")
        for n, a in enumerate(ind.areas):
            if a not in areas and a != whole:
                raise _fail(ind.origin, f"areas[{n}]",
                            f"området {a!r} finns inte i styrmodellen (areas)")
        for a in ind.area_targets:
            if a not in ind.areas:
                raise _fail(ind.origin, f"area_targets.{a}",
                            f"området {a!r} har målvärden men finns inte i indikatorns areas")
