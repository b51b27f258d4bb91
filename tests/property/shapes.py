"""Random municipalities for the property tests: a registry shape (committees and their
responsibility patterns, initiatives and object codes, funding orders, mandate projects,
grants, allocations, optional counterpart and free dimensions) and a delivery written to the
raw/ contract, with its planted problems known by construction, its ledger as whole years, the
year to date or period files. Small on purpose: a few dozen ledger lines."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from hypothesis import strategies as st
from sie_split import SieYear

from orchestration.sample.sie_writer import SieYearWriter

YEARS = (2023, 2024)
AS_OF_DATE = "2024-06-14"
SOURCES = ("state_grant", "mandate", "frame")
MONTHS = range(1, 6)  # every year has vouchers in each of these months
STYLES = ("yearly", "year_to_date", "period")


@dataclass
class Initiative:
    id: str
    owner: str
    run_by: list[str]
    object_codes: list[str]
    mandate_project: str | None
    funding_order: list[str]
    has_target: bool


@dataclass
class Shape:
    dimensions: dict[str, int]
    committees: dict[str, list[str]]  # id -> responsibility patterns
    responsibility: dict[str, list[str]]  # committee -> one code per pattern
    projects: dict[str, tuple[str, int, bool]]  # code -> (holder, allocation SEK, carry_over)
    initiatives: list[Initiative]
    grants: list[tuple[str, int, int, list[str], str]]  # id, year, SEK, object codes, income
    costs: list[tuple[str, int, int, int]]  # object code, year, month, öre
    unknown_lines: list[tuple[str, int, int, int]] = field(default_factory=list)
    allocations: list[dict] = field(default_factory=list)
    styles: dict[int, str] = field(default_factory=dict)  # year -> export style (yearly)

    def extra_codes(self, code: str, month: int) -> dict[int, str]:
        """The counterpart and free dimensions' codes of a cost line (by SIE number): on
        some lines only, so that staging's nulls are tried too."""
        out = {}
        for n, name in enumerate(sorted(set(self.dimensions) - _KNOWN)):
            if (month + len(code) + n) % 2 == 0:
                out[self.dimensions[name]] = f"{name[:2].upper()}{month}"
        return out

    def extra_declared(self) -> dict[int, dict[str, str]]:
        return {self.dimensions[name]: {f"{name[:2].upper()}{m}": name for m in MONTHS}
                for name in set(self.dimensions) - _KNOWN}

    def planted(self) -> set[tuple[str, str, str | None]]:
        """(check, subject, period) of every finding the delivery must give, and no other."""
        out = {("registry_complete", i.id, None) for i in self.initiatives if not i.has_target}
        out |= {("ledger_object_codes", code, f"{y}-{m:02d}")
                for code, y, m, _ in self.unknown_lines}
        return out


_KNOWN = {"responsibility", "activity", "project", "object"}


@st.composite
def shapes(draw: st.DrawFn, activity_dimension: int | None,
           extra_dimensions: tuple[str, ...] = (),
           styles: tuple[str, str] | None = None) -> Shape:
    """`extra_dimensions`: counterpart and free dimensions the registry declares beyond
    responsibility, project and object; `styles`: how each year's ledger is delivered (drawn
    when not given)."""
    numbers = draw(st.permutations([1, 2, 6, 8, 20, 22, 30, 41]))
    dimensions = {"responsibility": numbers[0], "project": numbers[1], "object": numbers[2]}
    if activity_dimension is not None:  # never one of the numbers drawn above
        dimensions["activity"] = activity_dimension
    for name, number in zip(extra_dimensions, numbers[3:], strict=False):
        dimensions[name] = number
    if styles is None:
        styles = tuple(draw(st.sampled_from(STYLES)) for _ in YEARS)
    n_committees = draw(st.integers(2, 4))
    committees: dict[str, list[str]] = {}
    responsibility: dict[str, list[str]] = {}
    for k in range(1, n_committees + 1):
        kinds = draw(st.lists(st.sampled_from(["prefix", "long_prefix", "exact"]), min_size=1,
                              max_size=3, unique=True))
        patterns = {"prefix": f"{k}0*", "long_prefix": f"{k}5*", "exact": f"{k}900"}
        committees[f"N{k}"] = [patterns[x] for x in kinds]
        codes = {"prefix": f"{k}010", "long_prefix": f"{k}520", "exact": f"{k}900"}
        responsibility[f"N{k}"] = [codes[x] for x in kinds]
    ids = sorted(committees)
    n_projects = draw(st.integers(0, 2))
    projects = {f"P{90 + j}": (draw(st.sampled_from(ids)),
                               draw(st.integers(2, 40)) * 50_000, draw(st.booleans()))
                for j in range(n_projects)}
    code_len = draw(st.sampled_from([3, 4]))
    n_initiatives = draw(st.integers(1, 4))
    initiatives = []
    for j in range(n_initiatives):
        n_codes = draw(st.integers(1, 2))
        codes = [f"{7 + j}{c}".ljust(code_len, "1") for c in range(n_codes)]
        project = draw(st.sampled_from([None, *sorted(projects)])) if projects else None
        # grants and mandate money in either order; the frame, when named, takes the rest last
        paying = [s for s in ("state_grant", "mandate") if s != "mandate" or project]
        order = draw(st.lists(st.sampled_from(paying), max_size=len(paying), unique=True))
        if not order or draw(st.booleans()):
            order.append("frame")
        run_by = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2, unique=True))
        initiatives.append(Initiative(f"ins_{j + 1}", draw(st.sampled_from(ids)), run_by,
                                      codes, project, order, draw(st.booleans())))
    grants = []
    for g in range(draw(st.integers(0, 3))):
        covered = draw(st.lists(st.sampled_from(initiatives), min_size=1,
                                max_size=min(3, len(initiatives)), unique_by=lambda i: i.id))
        grants.append((f"G-{g + 1}", draw(st.sampled_from(YEARS)),
                       draw(st.integers(1, 30)) * 25_000,
                       [i.object_codes[0] for i in covered], f"6{g + 1}".ljust(code_len, "0")))
    costs = []
    for i in initiatives:
        for code in i.object_codes:
            for year in YEARS:
                months = st.lists(st.sampled_from(MONTHS), min_size=year == YEARS[0], max_size=3,
                                  unique=True)
                for month in draw(months):
                    costs.append((code, year, month, draw(st.integers(1_000, 400_000)) * 100 +
                                  draw(st.integers(0, 99))))
    unknown = []
    if projects:
        for n in range(draw(st.integers(0, 2))):
            unknown.append((f"5{n}".ljust(code_len, "9"), draw(st.sampled_from(YEARS)),
                            draw(st.sampled_from(MONTHS)),
                            draw(st.integers(100, 50_000)) * 100))
    allocations = [{"initiative": i.id, "year": y, "source": s,
                    "amount": draw(st.integers(1, 20)) * 100_000}
                   for i in initiatives for y in YEARS for s in i.funding_order[:1]]
    return Shape(dimensions, committees, responsibility, projects, initiatives, grants, costs,
                 unknown, allocations, dict(zip(YEARS, styles, strict=True)))


def _registry(shape: Shape) -> dict:
    return {
        "municipality": {"code": "0998", "name": "Provkommun"},
        "ledger": {"dimensions": shape.dimensions, "payroll_series": "L",
                   "internal_compensation_account": "3690",
                   "grant_income_account_prefix": "35",
                   "cost_account_classes": ["4", "5", "6", "7"]},
        "committees": [{"id": c, "name": f"Nämnd {c}", "responsibility_codes": p}
                       for c, p in shape.committees.items()],
        "funding_sources": [{"id": s, "name": s} for s in SOURCES],
        "mandate_projects": [{"code": code, "name": f"Projekt {code}", "holder": holder,
                              "first_year": YEARS[0], "last_year": YEARS[-1],
                              "allocation_per_year": amount, "carry_over": carry}
                             for code, (holder, amount, carry) in shape.projects.items()],
        "initiatives": [{"id": i.id, "name": f"Satsning {i.id}", "owner": i.owner,
                         "run_by": i.run_by, "object_codes": i.object_codes,
                         **({"mandate_project": i.mandate_project} if i.mandate_project
                            else {}),
                         "first_year": YEARS[0], "last_year": YEARS[-1],
                         "funding_order": i.funding_order} for i in shape.initiatives],
        "allocations": shape.allocations,
        "indicators": [{"id": "provindikator", "name": "Provindikator",
                        "source": {"kind": "kolada", "kpi": "N00PR1"}, "unit": "percent",
                        "higher_is_better": True, "baseline": {"year": 2022, "value": 50},
                        "targets": {2023: 55},
                        "initiatives": [i.id for i in shape.initiatives if i.has_target]},
                       {"id": "provindex", "name": "Provindex",
                        "source": {"kind": "scb", "table": "PR0101", "contents_code": "PRIDX",
                                   "region": "0998"}, "unit": "index",
                        "higher_is_better": False, "baseline": {"year": 2022, "value": 40},
                        "targets": {2023: 38}, "initiatives": []}],
        "required_reports": [{"body": shape.initiatives[0].owner, "initiative": "programme",
                              "kind": "arsredovisning", "frequency": "yearly",
                              "due_days_after_period": 90, "first_year": 2023,
                              "last_year": 2023}],
    }


def write_raw(shape: Shape, raw: Path) -> None:
    for sub in ("registry", "ledger", "payroll", "grants", "reports", "survey/kolada",
                "survey/scb"):
        (raw / sub).mkdir(parents=True, exist_ok=True)
    (raw / "registry" / "registry.yaml").write_text(
        yaml.safe_dump(_registry(shape), allow_unicode=True, sort_keys=False), "utf-8")
    _write_ledger(shape, raw / "ledger")
    with (raw / "grants" / "decisions.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["grant_id", "grantor", "programme", "recipient", "year", "amount_sek",
                    "decided_on", "use_by", "report_due", "object_codes", "income_object_code"])
        for gid, year, sek, codes, income in shape.grants:
            w.writerow([gid, "Länsstyrelsen", "Prov", "Provkommun", year, f"{sek}.00",
                        f"{year}-02-01", f"{year}-12-31", f"{year + 1}-09-30", "|".join(codes),
                        income])
    (raw / "grants" / "reports.csv").write_text(
        "grant_id,submitted_on,amount_used_sek,amount_returned_sek,participants,reference\n",
        "utf-8")
    (raw / "reports" / "delivered.csv").write_text(
        "delivered_on,body,initiative,report_kind,period,reference\n"
        f"2024-03-01,{shape.initiatives[0].owner},programme,arsredovisning,2023,§ 12\n", "utf-8")
    (raw / "payroll" / "lon_2023-01.csv").write_text(
        "period;anstallningsnr;personnummer;namn;befattning;lonart;lonartstext;antal;belopp;"
        "konto;ansvar;verksamhet;projekt;objekt;sysselsattningsgrad\n"
        "2023-01;000001;19800101-9801;Test Testsson;Handläggare;110;Månadslön;165,00;"
        "30000,00;5020;1010;;;;100\n", "utf-8")
    (raw / "survey" / "kolada" / "N00PR1_0998.json").write_text(json.dumps({
        "count": 1, "values": [{"kpi": "N00PR1", "municipality": "0998", "period": 2023,
                                "values": [{"gender": "T", "status": "", "value": 56.0}]}]}),
        "utf-8")
    # An SCB table too: today a delivery without any SCB file stops dbt (survey_scb missing).
    (raw / "survey" / "scb" / "PR0101_0998.json").write_text(json.dumps(_scb_table()), "utf-8")
    (raw / "AS_OF_DATE").write_text(AS_OF_DATE + "\n", "utf-8")


def _scb_table() -> dict:
    category = {"index": {"2022": 0, "2023": 1}, "label": {"2022": "2022", "2023": "2023"}}
    return {"version": "2.0", "class": "dataset", "label": "Provindex", "source": "SCB",
            "id": ["Region", "ContentsCode", "Tid"], "size": [1, 1, 2],
            "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
            "dimension": {
                "Region": {"label": "region", "category": {"index": {"0998": 0},
                                                           "label": {"0998": "Provkommun"}}},
                "ContentsCode": {"label": "tabellinnehåll", "category": {
                    "index": {"PRIDX": 0}, "label": {"PRIDX": "Provindex"}}},
                "Tid": {"label": "år", "category": category}},
            "value": [40, 37], "extension": {"px": {"tableid": "PR0101", "language": "sv"}}}


def _write_ledger(shape: Shape, folder: Path) -> None:
    d = shape.dimensions
    initiative_of = {c: i for i in shape.initiatives for c in i.object_codes}
    opening = {"1930": 10_000_000_00, "2010": -10_000_000_00}
    declared = {d["object"]: {c: "Objekt" for c in initiative_of}
                | {g[4]: "Bidrag" for g in shape.grants}
                | {u[0]: "Okänd" for u in shape.unknown_lines},
                d["responsibility"]: {r: "Ansvar" for rs in shape.responsibility.values()
                                      for r in rs},
                d["project"]: {p: "Projekt" for p in shape.projects}} | shape.extra_declared()
    names = {number: name.capitalize() for name, number in d.items()}
    for year in YEARS:
        writer = SieYearWriter(folder / f"prov_{year}.se", year, ("Provkommun", "212000-0000"),
                               AS_OF_DATE, names)
        for code, y, month, ore in sorted(shape.costs):
            if y != year:
                continue
            i = initiative_of[code]
            committee = i.run_by[(month + len(code)) % len(i.run_by)]
            codes = shape.responsibility[committee]
            objs = {d["responsibility"]: codes[month % len(codes)], d["object"]: code,
                    **shape.extra_codes(code, month)}
            holder = committee
            if i.mandate_project:
                holder = shape.projects[i.mandate_project][0]
                objs[d["project"]] = i.mandate_project
            day = f"{year}{month:02d}15"
            writer.voucher("A", day, "Faktura", [("4010", objs, ore, None),
                                                 ("2440", {}, -ore, None)])
            if committee != holder:  # the holder compensates the committee, to the öre
                writer.voucher("I", day, "Internersättning", [
                    ("4680", {d["responsibility"]: shape.responsibility[holder][0],
                              d["project"]: i.mandate_project}, ore, None),
                    ("3690", objs, -ore, None)])
        for code, y, month, ore in shape.unknown_lines:
            if y == year:
                project = sorted(shape.projects)[0]
                holder = shape.projects[project][0]
                objs = {d["responsibility"]: shape.responsibility[holder][0],
                        d["project"]: project, d["object"]: code}
                writer.voucher("A", f"{year}{month:02d}10", "Faktura",
                               [("4010", objs, ore, None), ("2440", {}, -ore, None)])
        for _gid, y, sek, _codes, income in shape.grants:
            if y == year:
                resp = next(iter(shape.responsibility.values()))[0]
                writer.voucher("M", f"{year}0205", "Statsbidrag", [
                    ("1930", {}, sek * 100, None),
                    ("3510", {d["responsibility"]: resp, d["object"]: income}, -sek * 100, None)])
        for month in MONTHS:  # the rest of the municipality, every month (no period is empty)
            for codes in shape.responsibility.values():
                for n, code in enumerate(codes):
                    writer.voucher("A", f"{year}{month:02d}20", "Faktura", [
                        ("6110", {d["responsibility"]: code}, (n + 1) * 1_000_00, None),
                        ("2440", {}, -(n + 1) * 1_000_00, None)])
        opening = writer.close(opening, declared)


def deliver_in_styles(shape: Shape, raw: Path) -> list[Path]:
    """Cut each year's yearly file into the style drawn for it, as accounting programs export
    (tests/sie_split.py, independent of the reader): the year to date through February and
    through the last month (the later file replaces the earlier), or one file per month.
    Returns the ledger files raw/ now holds."""
    folder = raw / "ledger"
    for year, style in shape.styles.items():
        path = folder / f"prov_{year}.se"
        if style == "yearly":
            continue
        sie = SieYear(path)
        path.unlink()
        months = sorted(sie.months)
        if style == "year_to_date":
            sie.year_to_date(folder, f"prov_{year}_hittills", [months[1], months[-1]])
        else:
            sie.periods(folder, f"prov_{year}_period")
    return sorted(folder.glob("*.se"))
