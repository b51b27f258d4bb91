"""What any sample profile's mart must show, computed from its raw files alone: a second,
deliberately plain reading of the registry, the SIE files, the payroll CSVs and the grant
decisions, written from the contract (../shared/contracts.md) and not from the pipeline's
code. It finds dimensions and payroll columns by their declared names, so it reads any shape
the contract allows; the integration and property tests compare the mart against it."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml

TRANS = re.compile(r'^\s*#TRANS (\d+) \{([^}]*)\} (-?\d+\.\d\d)')
VER = re.compile(r'^#VER (\S+) (\S+) (\d{8})')
OBJECT = re.compile(r'(\d+) "([^"]*)"')
ORE = Decimal("0.01")


def registry(raw: Path) -> dict:
    merged: dict = {}
    for f in sorted((raw / "registry").glob("*.yaml")):
        for key, value in yaml.safe_load(f.read_text(encoding="utf-8")).items():
            if isinstance(value, list):
                merged.setdefault(key, []).extend(value)
            else:
                merged[key] = value
    return merged


@dataclass(frozen=True)
class Line:
    file: str
    series: str
    day: str
    account: str
    codes: dict[str, str]  # dimension name -> code, for the registry's dimensions
    amount: Decimal

    @property
    def year(self) -> int:
        return int(self.day[:4])

    @property
    def period(self) -> str:
        return f"{self.day[:4]}-{self.day[4:6]}"


def ledger_lines(raw: Path, reg: dict) -> list[Line]:
    """Every #TRANS of every ledger file, with codes named by the registry's dimensions."""
    names = {number: name for name, number in reg["ledger"]["dimensions"].items()}
    out = []
    for path in sorted((raw / "ledger").glob("*.se")):
        series = day = ""
        for text in path.read_bytes().decode("cp437").splitlines():
            if m := VER.match(text):
                series, day = m.group(1), m.group(3)
            elif m := TRANS.match(text):
                codes = {names[int(d)]: c for d, c in OBJECT.findall(m.group(2))
                         if int(d) in names and c}
                out.append(Line(path.name, series, day, m.group(1), codes, Decimal(m.group(3))))
    return out


def decisions(raw: Path) -> list[dict[str, str]]:
    with (raw / "grants" / "decisions.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def payroll_rows(raw: Path) -> list[dict[str, str]]:
    """Payroll rows as {lower-case column name: value}, whatever the column order."""
    rows = []
    for path in sorted((raw / "payroll").glob("*.csv")):
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        lines = text.splitlines()
        header = [h.strip().lower() for h in lines[0].split(";")]
        rows += [dict(zip(header, line.split(";"), strict=True)) for line in lines[1:] if line]
    return rows


def swedish(text: str) -> Decimal:
    return Decimal(re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", ".").replace("\u2212", "-"))


@dataclass
class Answers:
    reg: dict
    lines: list[Line]
    programme: list[Line]  # lines with an initiative's, a grant income or a mandate code
    cost: dict[tuple[str, int], Decimal]  # (initiative, year)
    cost_by_committee: dict[tuple[str, str, int], Decimal]  # (initiative, committee, year)
    funding: dict[tuple[str, int, str], Decimal]  # (initiative, year, source)
    grant_shares: dict[tuple[str, str], Decimal]  # (grant, initiative)
    mandate_available: dict[tuple[str, int], Decimal]  # (project, year)


def committee_of(reg: dict, responsibility: str | None) -> str | None:
    """The committee whose longest matching pattern covers the code (exact codes too)."""
    best: tuple[int, str] | None = None
    for c in reg["committees"]:
        for p in c.get("responsibility_codes", []):
            hit = (responsibility or "").startswith(p[:-1]) if p.endswith("*") \
                else responsibility == p
            if hit and (best is None or len(p) > best[0]):
                best = (len(p), c["id"])
    return best[1] if best else None


def _shared(amount: Decimal, parts: dict[str, Decimal]) -> dict[str, Decimal]:
    """`amount` split in proportion to `parts`, each rounded to the öre, the last key (sorted)
    taking what is left so that the shares add up to the amount exactly."""
    keys = sorted(parts)
    whole = sum(parts.values())
    out = {k: (amount * parts[k] / whole).quantize(ORE, ROUND_HALF_UP) for k in keys[:-1]}
    out[keys[-1]] = amount - sum(out.values())
    return out


def compute(raw: Path) -> Answers:
    reg = registry(raw)
    settings = reg["ledger"]
    initiative_of = {c: i["id"] for i in reg["initiatives"] for c in i["object_codes"]}
    grants = decisions(raw)
    projects = {p["code"] for p in reg.get("mandate_projects", [])}
    income_codes = {d["income_object_code"] for d in grants}
    lines = ledger_lines(raw, reg)
    programme = [ln for ln in lines if ln.codes.get("object") in initiative_of
                 or ln.codes.get("object") in income_codes
                 or ln.codes.get("project") in projects]

    cost: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    by_committee: dict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
    for ln in programme:
        initiative = initiative_of.get(ln.codes.get("object", ""))
        if initiative and ln.account[0] in settings["cost_account_classes"]:
            cost[(initiative, ln.year)] += ln.amount
            committee = committee_of(reg, ln.codes.get("responsibility"))
            by_committee[(initiative, committee or "?", ln.year)] += ln.amount

    # A grant pays its initiatives in proportion to their cost in its year (the rule
    # docs/raw-contract.md states): rounded to the öre, the last initiative by id taking the rest.
    shares: dict[tuple[str, str], Decimal] = {}
    grant_available: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for d in grants:
        covered = sorted({initiative_of[c] for c in d["object_codes"].split("|")
                          if c in initiative_of})
        year, amount = int(d["year"]), Decimal(d["amount_sek"])
        costs = {i: max(cost.get((i, year), Decimal(0)), Decimal(0)) for i in covered}
        whole = sum(costs.values())
        parts = costs if whole > 0 else {i: Decimal(1) for i in covered}
        for i, share in _shared(amount, parts).items():
            shares[(d["grant_id"], i)] = share
            grant_available[(i, year)] += share

    funding: dict[tuple[str, int, str], Decimal] = {}
    need: dict[tuple[str, int], Decimal] = {}
    first: dict[tuple[str, int], Decimal] = {}
    grants_first_years: set[tuple[str, int]] = set()
    initiatives = {i["id"]: i for i in reg["initiatives"]}
    for (i, year), c in cost.items():
        order = initiatives[i]["funding_order"]
        grant = grant_available[(i, year)] if "state_grant" in order else Decimal(0)
        grants_first = "state_grant" in order and (
            "mandate" not in order or order.index("state_grant") < order.index("mandate"))
        first[(i, year)] = min(max(c, Decimal(0)), grant) if grants_first else Decimal(0)
        if grants_first:
            grants_first_years.add((i, year))
        uses_mandate = "mandate" in order and initiatives[i].get("mandate_project")
        need[(i, year)] = max(c - first[(i, year)], Decimal(0)) if uses_mandate else Decimal(0)

    mandate_paid: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    available: dict[tuple[str, int], Decimal] = {}
    for p in reg.get("mandate_projects", []):
        members = [i for i, v in initiatives.items() if v.get("mandate_project") == p["code"]]
        years = sorted({y for (i, y) in need if i in members} | set(
            range(p["first_year"], p["last_year"] + 1)))
        carry = Decimal(0)
        for year in range(years[0], years[-1] + 1):
            allocation = Decimal(p["allocation_per_year"]) if (
                p["first_year"] <= year <= p["last_year"]) else Decimal(0)
            pool = allocation + carry
            available[(p["code"], year)] = pool
            wanted = {i: need.get((i, year), Decimal(0)) for i in members}
            total = sum(wanted.values())
            used = min(total, pool)
            needing = {i: n for i, n in wanted.items() if n > 0}
            if needing:
                paid = needing if total <= pool else _shared(used, needing)
                for i, v in paid.items():
                    mandate_paid[(i, year)] = v
            carry = pool - used if p.get("carry_over") else Decimal(0)

    for (i, year), c in cost.items():
        m = mandate_paid.get((i, year), Decimal(0))
        if (i, year) in grants_first_years:
            grant = first[(i, year)]
        elif "state_grant" in initiatives[i]["funding_order"]:  # after the mandate money
            grant = min(max(c - m, Decimal(0)), grant_available[(i, year)])
        else:
            grant = Decimal(0)
        funding[(i, year, "state_grant")] = grant
        funding[(i, year, "mandate")] = m
        funding[(i, year, "frame")] = c - grant - m
    return Answers(reg, lines, programme, dict(cost), dict(by_committee), funding, shares,
                   available)


def manifest(raw: Path) -> dict:
    return json.loads((raw / "sample_manifest.json").read_text("utf-8"))


def expected_findings(raw: Path) -> set[tuple[str, str, str | None]]:
    """The manifest's planted problems as (check, subject, period) of marts.fct_findings."""
    expected = set()
    for p in manifest(raw)["planted_problems"]:
        kind = p["kind"]
        if kind in ("missing_report", "late_report"):
            expected.add(("reporting_delivered",
                          f"{p['body']}/{p['initiative']}/{p['report_kind']}", p["period"]))
        elif kind == "indicator_no_outcome":
            expected.add(("indicators_complete", p["indicator"], str(p["year"])))
        elif kind == "initiative_without_target":
            expected.add(("registry_complete", p["initiative"], None))
        elif kind == "unknown_object_code":
            expected.add(("ledger_object_codes", p["object_code"], p["period"]))
        elif kind == "payroll_vs_ledger":
            expected.add(("payroll_vs_ledger", f"{p['object_code']}/{p['account']}",
                          p["period"]))
        elif kind == "internal_compensation":
            expected.add(("internal_compensation",
                          f"{p['committee']}/{p['initiative']}/{p['object_code']}", p["period"]))
        elif kind == "grant_report_missing":
            expected.add(("grant_report_back", p["grant_id"], p["grant_id"][-4:]))
        else:
            raise AssertionError(f"unmapped planted problem {kind}")
    return expected
