"""The governance registry: YAML files in raw/registry/ merged, validated and cross-checked.

The registry is small (tens of entries), so plain Python walks it; every error names the file and
the key path inside that file (e.g. `initiatives[2].object_codes[0]`), with list indexes counted
within the file that holds the entry.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyarrow as pa
import yaml

from orchestration.readers.errors import SourceFileError

log = logging.getLogger(__name__)

LIST_KEYS = (
    "committees",
    "bodies",
    "funding_sources",
    "mandate_projects",
    "initiatives",
    "allocations",
    "indicators",
    "required_reports",
)
MAPPING_KEYS = ("municipality", "ledger")
REQUIRED_KEYS = ("municipality", "ledger", "committees", "funding_sources", "initiatives")
REQUIRED_DIMENSIONS = ("responsibility", "project", "object")
FREQUENCIES = ("yearly", "half_yearly", "tertial", "quarterly", "monthly")
PROGRAMME = "programme"  # a required report's initiative may be the whole mandate project

# The period suffixes of each frequency within a year (tertial: T1 Jan-Apr, T2 May-Aug, ...).
_PERIOD_SUFFIXES: dict[str, list[str]] = {
    "yearly": [""],
    "half_yearly": ["-H1", "-H2"],
    "tertial": ["-T1", "-T2", "-T3"],
    "quarterly": ["-Q1", "-Q2", "-Q3", "-Q4"],
    "monthly": [f"-{m:02d}" for m in range(1, 13)],
}


# --- what the registry holds ------------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    file: str
    key: str


@dataclass(frozen=True)
class Committee:
    origin: Origin
    id: str
    name: str
    responsibility_codes: list[str]


@dataclass(frozen=True)
class Body:
    origin: Origin
    id: str
    name: str
    kind: str


@dataclass(frozen=True)
class FundingSource:
    origin: Origin
    id: str
    name: str


@dataclass(frozen=True)
class MandateProject:
    origin: Origin
    code: str
    name: str
    holder: str | None
    first_year: int
    last_year: int
    allocation_per_year: Decimal | None
    carry_over: bool


@dataclass(frozen=True)
class Initiative:
    origin: Origin
    id: str
    name: str
    owner: str
    run_by: list[str]
    object_codes: list[str]
    mandate_project: str | None
    first_year: int
    last_year: int
    funding_order: list[str]


@dataclass(frozen=True)
class Allocation:
    origin: Origin
    initiative: str
    year: int
    source: str
    amount: Decimal


@dataclass(frozen=True)
class Indicator:
    origin: Origin
    id: str
    name: str
    source_kind: str
    scb_table: str | None
    scb_contents_code: str | None
    region: str | None
    kolada_kpi: str | None
    unit: str | None
    higher_is_better: bool | None
    baseline_year: int | None
    baseline_value: float | None
    targets: dict[int, float]
    initiatives: list[str]


@dataclass(frozen=True)
class RequiredReport:
    origin: Origin
    body: str
    initiative: str
    kind: str
    frequency: str
    due_days_after_period: int
    first_year: int
    last_year: int


@dataclass
class Registry:
    files: list[str]
    municipality_code: str
    municipality_name: str
    municipality_origin: Origin
    ledger: dict[str, Any]
    ledger_origin: Origin
    committees: list[Committee] = field(default_factory=list)
    bodies: list[Body] = field(default_factory=list)
    funding_sources: list[FundingSource] = field(default_factory=list)
    mandate_projects: list[MandateProject] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    allocations: list[Allocation] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    required_reports: list[RequiredReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def dimension_numbers(self) -> dict[str, int]:
        """Ledger dimension name -> SIE dimension number, e.g. {'responsibility': 1, ...}."""
        return dict(self.ledger["dimensions"])

    def object_codes(self) -> set[str]:
        """Every object code that belongs to an initiative."""
        return {code for i in self.initiatives for code in i.object_codes}

    def initiative_of_object_code(self) -> dict[str, str]:
        return {code: i.id for i in self.initiatives for code in i.object_codes}

    def committee_of_responsibility(self, code: str) -> str | None:
        """The committee owning a responsibility code; the longest matching pattern wins."""
        best: tuple[int, str] | None = None
        for c in self.committees:
            for pattern in c.responsibility_codes:
                prefix = pattern.removesuffix("*")
                hit = code.startswith(prefix) if pattern.endswith("*") else code == pattern
                if hit and (best is None or len(prefix) > best[0]):
                    best = (len(prefix), c.id)
        return best[1] if best else None


# --- reading and merging ----------------------------------------------------------------------


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
                f"key {key!r} repeated in one mapping (first on line {seen[key] + 1})",
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
        raise SourceFileError(file, "not valid UTF-8") from None
    try:
        # A SafeLoader subclass: no arbitrary Python objects.
        data = yaml.load(text, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        reason = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
        line = mark.line + 1 if mark is not None else None
        raise SourceFileError(file, reason, line=line) from None
    if data is None:
        raise SourceFileError(file, "empty file: expected a mapping of top-level keys")
    if not isinstance(data, dict):
        raise SourceFileError(file, "the file must be a mapping of top-level keys", line=1)
    return data


@dataclass
class _Merged:
    mappings: dict[str, tuple[str, Any]] = field(default_factory=dict)
    lists: dict[str, list[tuple[Origin, Any]]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _merge(paths: list[Path]) -> _Merged:
    merged = _Merged()
    for path in paths:
        file = path.name
        for key, value in _read_yaml(path).items():
            if not isinstance(key, str):
                raise SourceFileError(file, "top-level keys must be names", key=str(key))
            if key in LIST_KEYS or (key not in MAPPING_KEYS and isinstance(value, list)):
                if value is None:
                    value = []
                if not isinstance(value, list):
                    raise SourceFileError(file, "must be a list", key=key)
                items = merged.lists.setdefault(key, [])
                # Indexes count within the file, where the controller will look for them.
                items.extend((Origin(file, f"{key}[{i}]"), v) for i, v in enumerate(value))
            elif key in merged.mappings:
                first = merged.mappings[key][0]
                raise SourceFileError(
                    file, f"top-level key {key!r} is also defined in {first}", key=key
                )
            else:
                merged.mappings[key] = (file, value)
    for key, (file, _) in merged.mappings.items():
        if key not in MAPPING_KEYS:
            merged.warnings.append(f"{file}: unknown top-level key {key!r} ignored")
    for key, items in merged.lists.items():
        if key not in LIST_KEYS:
            merged.warnings.append(f"{items[0][0].file}: unknown top-level key {key!r} ignored")
    return merged


# --- field access with errors that name file and key path -------------------------------------


class _Entry:
    """One mapping in the registry, with the place it came from for error messages."""

    def __init__(self, origin: Origin, value: Any, warnings: list[str]):
        if not isinstance(value, dict):
            raise SourceFileError(origin.file, "must be a mapping", key=origin.key)
        self.origin = origin
        self.value = value
        self.warnings = warnings

    def fail(self, name: str | None, reason: str) -> SourceFileError:
        key = self.origin.key if name is None else f"{self.origin.key}.{name}"
        return SourceFileError(self.origin.file, reason, key=key)

    def known(self, *names: str) -> None:
        for extra in sorted(set(self.value) - set(names), key=str):
            self.warnings.append(
                f"{self.origin.file}: unknown key {self.origin.key}.{extra} ignored"
            )

    def sub(self, name: str, required: bool = True) -> _Entry | None:
        value = self.value.get(name)
        if value is None:
            if required:
                raise self.fail(name, "is missing")
            return None
        return _Entry(Origin(self.origin.file, f"{self.origin.key}.{name}"), value, self.warnings)

    def text(self, name: str, required: bool = True) -> str | None:
        return _text(self.value.get(name), required, lambda r: self.fail(name, r))

    def integer(self, name: str, required: bool = True) -> int | None:
        value = self.value.get(name)
        if value is None:
            if required:
                raise self.fail(name, "is missing")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(name, f"must be an integer, not {value!r}")
        return value

    def year_range(self) -> tuple[int, int]:
        first, last = self.integer("first_year"), self.integer("last_year")
        if first > last:
            raise self.fail("last_year", f"last_year {last} is before first_year {first}")
        return first, last

    def money(self, name: str, required: bool = True) -> Decimal | None:
        value = self.value.get(name)
        if value is None:
            if required:
                raise self.fail(name, "is missing")
            return None
        return _money(value, lambda r: self.fail(name, r))

    def number(self, name: str, required: bool = True) -> float | None:
        value = self.value.get(name)
        if value is None:
            if required:
                raise self.fail(name, "is missing")
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(name, f"must be a number, not {value!r}")
        return float(value)

    def flag(self, name: str, default: bool | None) -> bool | None:
        value = self.value.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(name, f"must be true or false, not {value!r}")
        return value

    def texts(self, name: str, required: bool = False) -> list[str]:
        value = self.value.get(name)
        if value is None:
            if required:
                raise self.fail(name, "is missing")
            return []
        if not isinstance(value, list):
            value = [value] if isinstance(value, str) else value
        if not isinstance(value, list):
            raise self.fail(name, "must be a list")
        out = []
        for i, item in enumerate(value):
            out.append(_text(item, True, lambda r, i=i: self.fail(f"{name}[{i}]", r)))
        return out


def _text(value: Any, required: bool, fail) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise fail("is missing or empty")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise fail(f"must be text, not {value!r}")
    # Codes written without quotes load as numbers; they are still codes.
    return str(value).strip()


def _money(value: Any, fail) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise fail(f"must be an amount in SEK, not {value!r}")
    try:
        amount = Decimal(str(value).replace(" ", "").replace("_", ""))
    except InvalidOperation:
        raise fail(f"must be an amount in SEK, not {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise fail(f"must be a non-negative amount, not {value!r}")
    if amount != amount.quantize(Decimal("0.01")):
        raise fail("has more than two decimals")
    return amount.quantize(Decimal("0.01"))


# --- sections --------------------------------------------------------------------------------


def load_registry(registry_dir: Path) -> Registry:
    """Read every *.yaml / *.yml in `registry_dir`, merge them and check them.

    Raises SourceFileError naming the file and key path of the first problem.
    """
    registry_dir = Path(registry_dir)
    paths = sorted([*registry_dir.glob("*.yaml"), *registry_dir.glob("*.yml")])
    if not paths:
        raise SourceFileError(registry_dir.name, "no registry files (*.yaml) in the folder")
    merged = _merge(paths)
    first_file = paths[0].name
    for key in REQUIRED_KEYS:
        if key not in merged.mappings and key not in merged.lists:
            raise SourceFileError(first_file, "required top-level key is missing", key=key)
    warnings = merged.warnings

    def entries(key: str) -> list[_Entry]:
        return [_Entry(o, v, warnings) for o, v in merged.lists.get(key, [])]

    mun_file, mun_value = merged.mappings["municipality"]
    mun = _Entry(Origin(mun_file, "municipality"), mun_value, warnings)
    mun.known("code", "name")
    code = mun.text("code")
    if isinstance(mun.value.get("code"), int):
        code = code.zfill(4)  # "0484" written without quotes loads as 484
    ledger_file, ledger_value = merged.mappings["ledger"]
    ledger_entry = _Entry(Origin(ledger_file, "ledger"), ledger_value, warnings)

    reg = Registry(
        files=[p.name for p in paths],
        municipality_code=code,
        municipality_name=mun.text("name"),
        municipality_origin=mun.origin,
        ledger=_ledger(ledger_entry),
        ledger_origin=ledger_entry.origin,
        warnings=warnings,
    )
    reg.committees = [_committee(e) for e in entries("committees")]
    reg.bodies = [_body(e) for e in entries("bodies")]
    reg.funding_sources = [_funding_source(e) for e in entries("funding_sources")]
    reg.mandate_projects = [_mandate_project(e) for e in entries("mandate_projects")]
    reg.initiatives = [_initiative(e) for e in entries("initiatives")]
    reg.allocations = [_allocation(e) for e in entries("allocations")]
    reg.indicators = [_indicator(e, reg.municipality_code) for e in entries("indicators")]
    reg.required_reports = [_required_report(e) for e in entries("required_reports")]
    _cross_check(reg)
    for message in warnings:
        log.warning("registry: %s", message)
    return reg


def _ledger(e: _Entry) -> dict[str, Any]:
    e.known(
        "dimensions",
        "payroll_series",
        "internal_compensation_account",
        "grant_income_account_prefix",
        "cost_account_classes",
    )
    dims = e.sub("dimensions")
    numbers: dict[str, int] = {}
    for name in dims.value:
        number = dims.integer(name)
        if number < 1:
            raise dims.fail(name, f"SIE dimension numbers are positive, not {number}")
        numbers[str(name)] = number
    for name in REQUIRED_DIMENSIONS:
        if name not in numbers:
            raise dims.fail(name, "is missing: the ledger must name its SIE dimension number")
    seen: dict[int, str] = {}
    for name, number in numbers.items():
        if number in seen:
            raise dims.fail(name, f"dimension {number} is already used by {seen[number]}")
        seen[number] = name
    settings: dict[str, Any] = {"dimensions": numbers}
    for name in ("payroll_series", "internal_compensation_account", "grant_income_account_prefix"):
        settings[name] = e.text(name, required=False)
    settings["cost_account_classes"] = e.texts("cost_account_classes")
    # Keys the project adds later still reach the settings table as text.
    for name, value in e.value.items():
        if name not in settings and isinstance(value, str | int | float | bool):
            settings[str(name)] = value
    return settings


def _committee(e: _Entry) -> Committee:
    e.known("id", "name", "responsibility_codes")
    codes = e.texts("responsibility_codes")
    for i, pattern in enumerate(codes):
        if "*" in pattern[:-1] or pattern == "*":
            raise e.fail(
                f"responsibility_codes[{i}]",
                f"pattern {pattern!r}: '*' may only end a prefix, e.g. '41*'",
            )
    return Committee(e.origin, e.text("id"), e.text("name"), codes)


def _body(e: _Entry) -> Body:
    e.known("id", "name", "kind")
    return Body(e.origin, e.text("id"), e.text("name"), e.text("kind", required=False) or "body")


def _funding_source(e: _Entry) -> FundingSource:
    e.known("id", "name")
    return FundingSource(e.origin, e.text("id"), e.text("name"))


def _mandate_project(e: _Entry) -> MandateProject:
    e.known(
        "code", "name", "holder", "first_year", "last_year", "allocation_per_year", "carry_over"
    )
    first, last = e.year_range()
    return MandateProject(
        e.origin,
        e.text("code"),
        e.text("name"),
        e.text("holder", required=False),
        first,
        last,
        e.money("allocation_per_year", required=False),
        bool(e.flag("carry_over", False)),
    )


def _initiative(e: _Entry) -> Initiative:
    e.known(
        "id",
        "name",
        "owner",
        "run_by",
        "object_codes",
        "mandate_project",
        "first_year",
        "last_year",
        "funding_order",
    )
    first, last = e.year_range()
    init = Initiative(
        e.origin,
        e.text("id"),
        e.text("name"),
        e.text("owner"),
        e.texts("run_by"),
        e.texts("object_codes"),
        e.text("mandate_project", required=False),
        first,
        last,
        e.texts("funding_order"),
    )
    if not init.object_codes:
        e.warnings.append(f"{e.origin.file}: {e.origin.key} has no object codes")
    return init


def _allocation(e: _Entry) -> Allocation:
    e.known("initiative", "year", "source", "amount")
    return Allocation(
        e.origin, e.text("initiative"), e.integer("year"), e.text("source"), e.money("amount")
    )


def _indicator(e: _Entry, municipality_code: str) -> Indicator:
    e.known(
        "id", "name", "source", "unit", "higher_is_better", "baseline", "targets", "initiatives"
    )
    src = e.sub("source")
    kind = src.text("kind")
    scb_table = scb_code = region = kpi = None
    if kind == "scb":
        src.known("kind", "table", "contents_code", "region")
        scb_table, scb_code, region = (
            src.text("table"),
            src.text("contents_code"),
            src.text("region"),
        )
    elif kind == "kolada":
        src.known("kind", "kpi", "municipality")
        kpi = src.text("kpi")
        # Kolada's municipality id is the same four-digit code; it defaults to ours.
        region = src.text("municipality", required=False) or municipality_code
    else:
        raise src.fail("kind", f"unknown source kind {kind!r}: expected scb or kolada")
    baseline = e.sub("baseline", required=False)
    if baseline is not None:
        baseline.known("year", "value")
    targets: dict[int, float] = {}
    raw_targets = e.value.get("targets") or {}
    if not isinstance(raw_targets, dict):
        raise e.fail("targets", "must be a mapping of year: target")
    for year, target in raw_targets.items():
        if isinstance(year, bool) or not isinstance(year, int):
            raise e.fail(f"targets.{year}", "target years must be integers")
        if isinstance(target, bool) or not isinstance(target, int | float):
            raise e.fail(f"targets.{year}", f"must be a number, not {target!r}")
        targets[year] = float(target)
    return Indicator(
        e.origin,
        e.text("id"),
        e.text("name"),
        kind,
        scb_table,
        scb_code,
        region,
        kpi,
        e.text("unit", required=False),
        e.flag("higher_is_better", None),
        baseline.integer("year") if baseline else None,
        baseline.number("value") if baseline else None,
        targets,
        e.texts("initiatives"),
    )


def _required_report(e: _Entry) -> RequiredReport:
    e.known(
        "body",
        "initiative",
        "kind",
        "frequency",
        "due_days_after_period",
        "first_year",
        "last_year",
    )
    frequency = e.text("frequency")
    if frequency not in FREQUENCIES:
        raise e.fail("frequency", f"{frequency!r} is not one of {', '.join(FREQUENCIES)}")
    due = e.integer("due_days_after_period")
    if due < 0:
        raise e.fail("due_days_after_period", f"must not be negative, not {due}")
    first, last = e.year_range()
    return RequiredReport(
        e.origin, e.text("body"), e.text("initiative"), e.text("kind"), frequency, due, first, last
    )


# --- cross-checks ----------------------------------------------------------------------------


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


def _cross_check(reg: Registry) -> None:
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


# --- landing tables --------------------------------------------------------------------------


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of a calendar period: 2022, 2022-H1, 2022-T2, 2022-Q3, 2022-05."""
    year, _, suffix = period.partition("-")
    y = int(year)
    if not suffix:
        first_month, months = 1, 12
    elif suffix[0] in "HTQ":
        months = {"H": 6, "T": 4, "Q": 3}[suffix[0]]
        first_month = months * (int(suffix[1:]) - 1) + 1
    else:
        first_month, months = int(suffix), 1
    last_month = first_month + months - 1
    return date(y, first_month, 1), date(y, last_month, calendar.monthrange(y, last_month)[1])


def report_calendar(reg: Registry) -> list[dict[str, Any]]:
    """Every required report expanded to one row per period, with its due date."""
    rows = []
    for r in reg.required_reports:
        for year in range(r.first_year, r.last_year + 1):
            for suffix in _PERIOD_SUFFIXES[r.frequency]:
                period = f"{year}{suffix}"
                start, end = period_bounds(period)
                rows.append(
                    {
                        "source_file": r.origin.file,
                        "body": r.body,
                        "initiative_id": r.initiative,
                        "report_kind": r.kind,
                        "frequency": r.frequency,
                        "period": period,
                        "period_start": start,
                        "period_end": end,
                        "due_on": end + timedelta(days=r.due_days_after_period),
                    }
                )
    return rows


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
    return {
        name: pa.Table.from_pylist(rows[name], schema=schema) for name, schema in SCHEMAS.items()
    }
