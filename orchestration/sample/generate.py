"""The sample municipality: writes raw/ to the input contract (docs/raw-contract.md), month by
month, streaming to disk so a large scale runs in bounded memory.

Deterministic: the same seed and scale give byte-identical files. Programme costs hit the
calibrated targets of plan.py exactly; the rest of the municipality's ledger and payroll is
noise around them, so the pipeline has to select the programme by its codes."""

from __future__ import annotations

import random
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from orchestration.sample import documents
from orchestration.sample import survey as own_survey
from orchestration.sample.formats import NBSP, swedish_amount
from orchestration.sample.people import fake_name, fake_personnummer
from orchestration.sample.plan import (
    AS_OF_DATE,
    CENTRES,
    COMPENSATION_SHORTFALL,
    PAYROLL_ONLY_ROW,
    UNKNOWN_CODE_LINES,
    CostCentre,
    monthly_targets,
    months,
)
from orchestration.sample.plan import staff_in_month as programme_staff_in_month
from orchestration.sample.registry import (
    ALLOCATIONS,
    COMMITTEES,
    INITIATIVES,
    MANDATE_PROJECTS,
    MUNICIPALITY,
)
from orchestration.sample.sie_writer import OPENING_BALANCES, SieYearWriter

ORG = (MUNICIPALITY["name"], "212000-0340")
RESP_DIM, PROJECT_DIM, ACTIVITY_DIM, OBJECT_DIM = 1, 6, 21, 22
EMPLOYER_CONTRIBUTION_RATE = 0.3142
PAYROLL_HEADER = (
    "period;anstallningsnr;personnummer;namn;befattning;lonart;lonartstext;antal;belopp;"
    "konto;ansvar;verksamhet;projekt;objekt;sysselsattningsgrad"
)

# The rest of the municipality: responsibility code -> (activity, job titles).
ORDINARY_UNITS = {
    "1010": ("100", ["Handläggare", "Ekonom", "Kommunikatör"]),
    "1110": ("190", ["Utredare", "Controller"]),
    "3010": ("350", ["Fritidsledare", "Bibliotekarie"]),
    "4110": ("569", ["Socialsekreterare", "Familjebehandlare"]),
    "4210": ("590", ["Handläggare", "Behandlingsassistent"]),
    "4510": ("510", ["Undersköterska", "Vårdbiträde"]),
    "4520": ("520", ["Sjuksköterska", "Undersköterska"]),
    "5010": ("440", ["Lärare", "Fritidspedagog", "Skolsköterska"]),
    "5030": ("407", ["Förskollärare", "Barnskötare"]),
    "5510": ("450", ["Gymnasielärare", "Studie- och yrkesvägledare"]),
    "6010": ("610", ["Arbetsmarknadskonsulent", "Lärare vuxenutbildning"]),
    "7010": ("260", ["Miljöinspektör", "Bygglovshandläggare"]),
}
ORDINARY_OBJECTS = {"1001": "Lokalförsörjning", "1002": "Digitalisering", "1003": "Kompetens"}
ORDINARY_PURCHASE_ACCOUNTS = ["4010", "4020", "6110", "6420", "7010"]
SUPPLIERS = ["Åkesson & Söner AB", "Björkmans Kontor", "Mälardalens Städ", "Öbergs Livs",
             "Eskilstuna Energi & Miljö", "Kultur & Fritid Service", "Hägg Bygg AB"]
STAFF_TITLES = {
    "tu_sn": ["Socialsekreterare förebyggande"],
    "tu_kfn": ["Fritidsledare", "Ungdomsutvecklare", "Samordnare Trygga unga"],
    "tss": ["Samordnare trygg och säker skola"],
    "tus_gsn": ["Kurator"],
    "tus_gyn": ["Kurator"],
    "jc": ["Arbetsmarknadskonsulent", "Jobbcoach"],
}


@dataclass(frozen=True)
class Scale:
    employees: int  # ordinary employees outside the programme
    invoices_per_month: int
    extra_pay_rows: int  # extra pay types per employee and month (OB, overtime, ...)


SCALES = {
    "S": Scale(employees=600, invoices_per_month=900, extra_pay_rows=0),
    "M": Scale(employees=7_500, invoices_per_month=81_000, extra_pay_rows=37),
    "L": Scale(employees=37_500, invoices_per_month=405_000, extra_pay_rows=37),
}


@dataclass
class Employee:
    number: str
    personnummer: str
    name: str
    title: str
    responsibility: str
    activity: str
    account: str
    project: str
    object_code: str
    salary_ore: int
    grade: int


def _hire(rng: random.Random, number: int, title: str, responsibility: str, activity: str,
          salary: int, project: str = "", object_code: str = "", grade: int = 100,
          account: str = "5020") -> Employee:
    return Employee(f"{number:06d}", fake_personnummer(rng), fake_name(rng), title,
                    responsibility, activity, account, project, object_code,
                    salary * 100, grade)


def _programme_staff(rng: random.Random) -> tuple[dict[str, list[Employee]], int]:
    programme: dict[str, list[Employee]] = {}
    number = 100_000
    for key, centre in CENTRES.items():
        people = []
        for i in range(centre.staff):
            number += 1
            salary = centre.monthly_salary + rng.randint(-2_000, 2_000)
            title = STAFF_TITLES[key][i % len(STAFF_TITLES[key])]
            people.append(_hire(rng, number, title, centre.responsibility, centre.activity,
                                salary, centre.project, centre.object_code))
        programme[key] = people
    return programme, number


def _ordinary_staff(rng: random.Random, count: int, start: int) -> list[Employee]:
    units = sorted(ORDINARY_UNITS)
    people = []
    for i in range(count):
        resp = units[i % len(units)]
        activity, titles = ORDINARY_UNITS[resp]
        grade = rng.choice([100, 100, 100, 75, 50])
        account = rng.choice(["5020", "5020", "5020", "5021", "5022"])
        obj = rng.choice(["", "", "", "", "1001", "1003"])
        people.append(_hire(rng, start + i + 1, rng.choice(titles), resp, activity,
                            rng.randint(27_000, 52_000), object_code=obj, grade=grade,
                            account=account))
    return people


def _raise(salary_ore: int, year: int, month: int) -> int:
    """2 % a year from April, as the yearly salary revision lands."""
    revisions = (year - 2020) + (1 if month >= 4 else 0)
    return int(salary_ore * (1.02 ** revisions))


class _PayrollMonth:
    """One month's payroll file, and what it posts to the ledger per coding."""

    def __init__(self, period: str, thousands: str):
        self.period = period
        self.thousands = thousands
        self.rows: list[str] = []
        self.posting: dict[tuple[str, str, str, str, str], int] = defaultdict(int)

    def row(self, e: Employee, pay_type: str, text: str, quantity: str, ore: int, account: str,
            posted: bool = True) -> None:
        self.rows.append(
            f"{self.period};{e.number};{e.personnummer};{e.name};{e.title};{pay_type};{text};"
            f"{quantity};{swedish_amount(ore, self.thousands)};{account};{e.responsibility};"
            f"{e.activity};{e.project};{e.object_code};{e.grade}"
        )
        if posted:
            self.posting[(account, e.responsibility, e.activity, e.project, e.object_code)] += ore

    def salary(self, e: Employee, year: int, month: int) -> int:
        pay = _raise(e.salary_ore, year, month) * e.grade // 100
        hours = swedish_amount(165 * e.grade, self.thousands)
        self.row(e, "1100", "Månadslön", hours, pay, e.account)
        contribution = round(pay * EMPLOYER_CONTRIBUTION_RATE)
        self.row(e, "9100", "Arbetsgivaravgift", "", contribution, "5610")
        return pay + contribution


def _objects(resp: str, activity: str, project: str = "", obj: str = "") -> dict[int, str]:
    return {RESP_DIM: resp, ACTIVITY_DIM: activity, PROJECT_DIM: project, OBJECT_DIM: obj}


def _centre_objects(c: CostCentre) -> dict[int, str]:
    return _objects(c.responsibility, c.activity, c.project, c.object_code)


def generate(raw_dir: Path, scale: str = "S", seed: int = 484) -> dict:
    """Write the sample into raw_dir (replacing what a previous sample wrote there)."""
    size = SCALES[scale]
    rng = random.Random(seed)
    for sub in ("registry", "ledger", "payroll", "grants", "reports", "survey"):
        shutil.rmtree(raw_dir / sub, ignore_errors=True)
        (raw_dir / sub).mkdir(parents=True)

    targets = monthly_targets()
    programme_staff, last_number = _programme_staff(rng)
    noise = random.Random(seed + 1)  # a second stream, so scale never shifts programme figures
    ordinary = _ordinary_staff(noise, size.employees, last_number)

    counts = {"ledger_transactions": 0, "payroll_rows": 0}
    opening = dict(OPENING_BALANCES)
    writer: SieYearWriter | None = None
    for year, month in months():
        if writer is None or writer.year != year:
            if writer is not None:
                opening = writer.close(opening, _declared_objects())
                counts["ledger_transactions"] += writer.transactions
            writer = SieYearWriter(raw_dir / "ledger" / f"eskilstuna_{year}.se", year, ORG,
                                   AS_OF_DATE)
            if year == 2023:
                _budget_2023(writer)
        period = f"{year}-{month:02d}"
        pay = _PayrollMonth(period, " " if year == 2020 else NBSP)
        programme_pay: dict[str, int] = defaultdict(int)
        for key, people in programme_staff.items():
            if (key, year, month) not in targets:  # nobody on the payroll before it starts
                continue
            for e in people[: programme_staff_in_month(CENTRES[key], year, month)]:
                programme_pay[key] += pay.salary(e, year, month)
        for e in ordinary:
            pay.salary(e, year, month)
            for j in range(size.extra_pay_rows):
                ore = noise.randint(50_00, 2_500_00)
                pay.row(e, f"3{j:03d}", "OB-tillägg", "4,00", ore, e.account)
        if (year, month) == PAYROLL_ONLY_ROW[:2]:
            e = programme_staff[PAYROLL_ONLY_ROW[2]][0]
            pay.row(e, "1150", "Retroaktiv lön", "", PAYROLL_ONLY_ROW[3], "5020", posted=False)
        _write_payroll(raw_dir / "payroll" / f"lon_{period}.csv", pay.rows, bom=year >= 2022)
        counts["payroll_rows"] += len(pay.rows)

        _post_month(writer, rng, noise, size, year, month, targets, programme_pay, pay)
    assert writer is not None
    writer.close(opening, _declared_objects())
    counts["ledger_transactions"] += writer.transactions

    documents.write_registry(raw_dir / "registry")
    documents.write_grants(raw_dir / "grants")
    documents.write_delivered_reports(raw_dir / "reports")
    documents.write_survey(raw_dir / "survey")
    own_survey.write(raw_dir)  # areas, goals, peers and own measurements (h14, survey.py)
    (raw_dir / "AS_OF_DATE").write_text(AS_OF_DATE + "\n", encoding="utf-8")
    manifest = documents.manifest(scale, seed, counts)
    documents.write_json(raw_dir / "sample_manifest.json", manifest)
    return manifest


def _write_payroll(path: Path, rows: list[str], bom: bool) -> None:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="\n") as f:
        f.write(PAYROLL_HEADER + "\n")
        f.write("\n".join(rows) + "\n")


def _day(year: int, month: int, day: int) -> str:
    return f"{year}{month:02d}{day:02d}"


def _post_month(writer: SieYearWriter, rng: random.Random, noise: random.Random, size: Scale,
                year: int, month: int, targets: dict, programme_pay: dict[str, int],
                pay: _PayrollMonth) -> None:
    invoice_total = 0
    # The programme's purchases: whatever of the month's target the payroll did not cover.
    for key, centre in CENTRES.items():
        target = targets.get((key, year, month))
        if target is None:
            continue
        rest = int(target * 100) - programme_pay[key]
        if rest < 0:
            raise ValueError(f"payroll exceeds the target for {key} {year}-{month:02d}")
        for account, ore in _programme_purchases(key, rest, rng):
            supplier = rng.choice(SUPPLIERS)
            writer.voucher("A", _day(year, month, rng.randint(2, 27)),
                           f"Leverantörsfaktura {supplier}",
                           [(account, _centre_objects(centre), ore, None),
                            ("2440", {}, -ore, None)])
            invoice_total += ore
    for y, m, resp, activity, code, ore in UNKNOWN_CODE_LINES:
        if (y, m) == (year, month):
            writer.voucher("A", _day(year, month, 14), "Leverantörsfaktura Åkesson & Söner AB",
                           [("4010", _objects(resp, activity, "9120", code), ore, None),
                            ("2440", {}, -ore, None)])
            invoice_total += ore
    invoice_total += _ordinary_invoices(writer, noise, size.invoices_per_month, year, month)

    # Payroll posts one voucher a month, per coding, from the payroll system.
    lines = [(a, _objects(r, act, p, o), ore, None)
             for (a, r, act, p, o), ore in sorted(pay.posting.items())]
    payroll_total = sum(ore for *_, ore, _ in lines)
    lines.append(("2820", {}, -payroll_total, None))
    writer.voucher("L", _day(year, month, 25), f"Lönekörning {year}-{month:02d}", lines)

    _internal_compensation(writer, targets, year, month)
    documents.post_grant_income(writer, year, month)

    last = 28
    writer.voucher("M", _day(year, month, last), "Utbetalning leverantörer",
                   [("2440", {}, invoice_total, None), ("1930", {}, -invoice_total, None)])
    writer.voucher("M", _day(year, month, last), "Utbetalning löner",
                   [("2820", {}, payroll_total, None), ("1930", {}, -payroll_total, None)])
    tax = payroll_total + invoice_total
    writer.voucher("M", _day(year, month, last), "Skatteintäkter",
                   [("1930", {}, tax, None), ("8010", {1: "1110", 21: "100"}, -tax, None)])


def _programme_purchases(key: str, rest: int, rng: random.Random) -> list[tuple[str, int]]:
    if rest == 0:
        return []
    if key == "lov":
        # Lovstöd: 66 % to associations, 34 % to the municipality's own units.
        associations = rest * 66 // 100
        return [("4610", associations), ("4690", rest - associations)]
    parts = rng.randint(1, 3)
    accounts = ["4010", "7010", "6420"]
    out, left = [], rest
    for i in range(parts - 1):
        ore = left * rng.randint(20, 60) // 100
        out.append((accounts[i], ore))
        left -= ore
    out.append((accounts[parts - 1], left))
    return [(a, o) for a, o in out if o]


def _ordinary_invoices(writer: SieYearWriter, rng: random.Random, count: int, year: int,
                       month: int) -> int:
    units = sorted(ORDINARY_UNITS)
    total = 0
    for _ in range(count):
        resp = rng.choice(units)
        activity = ORDINARY_UNITS[resp][0]
        rows = []
        for _ in range(rng.randint(1, 3)):
            ore = rng.randint(200_00, 60_000_00)
            obj = "1002" if rng.random() < 0.1 else ""
            rows.append((rng.choice(ORDINARY_PURCHASE_ACCOUNTS), _objects(resp, activity, "", obj),
                         ore, None))
        amount = sum(r[2] for r in rows)
        rows.append(("2440", {}, -amount, None))
        writer.voucher("A", _day(year, month, rng.randint(2, 27)),
                       f"Leverantörsfaktura {rng.choice(SUPPLIERS)}", rows)
        total += amount
    return total


def _internal_compensation(writer: SieYearWriter, targets: dict, year: int, month: int) -> None:
    """KLK compensates the committees monthly for their mandate-project cost (internkonto)."""
    lines = []
    for key, centre in CENTRES.items():
        target = targets.get((key, year, month))
        if target is None or not centre.project or centre.committee == "KS":
            continue
        ore = int(target * 100)
        if (year, month, key) == COMPENSATION_SHORTFALL[:3]:
            ore -= COMPENSATION_SHORTFALL[3]
        lines.append(("4680", _objects("1010", "100", centre.project), ore,
                      f"Ersättning {centre.committee} {centre.initiative}"))
        lines.append(("3690", _centre_objects(centre), -ore, "Ersättning från KLK"))
    if lines:
        writer.voucher("I", _day(year, month, 26),
                       f"Internkonto mandatperiodsmedel {year}-{month:02d}", lines)


def _budget_2023(writer: SieYearWriter) -> None:
    """The 2023 budget per month on the programme's codes (#PBUDGET), from the allocations."""
    per_initiative: dict[str, int] = defaultdict(int)
    for a in ALLOCATIONS:
        if a["year"] == 2023:
            per_initiative[a["initiative"]] += a["amount"] * 100
    for initiative, total in sorted(per_initiative.items()):
        centres = [c for c in CENTRES.values() if c.initiative == initiative]
        share = total // len(centres)
        for c in centres:
            monthly = share // 12
            for month in range(1, 13):
                amount = monthly if month < 12 else share - monthly * 11
                writer.budget(202300 + month, "5020" if c.staff else "4010", _centre_objects(c),
                              amount)


def _declared_objects() -> dict[int, dict[str, str]]:
    committee_names = {c["id"]: c["name"] for c in COMMITTEES}
    responsibilities = {r: f"{ORDINARY_UNITS[r][1][0]}" for r in ORDINARY_UNITS}
    for c in CENTRES.values():
        responsibilities[c.responsibility] = f"{committee_names[c.committee]} {c.initiative}"
    activities = {a: f"Verksamhet {a}" for a, _ in ORDINARY_UNITS.values()}
    activities.update({c.activity: f"Verksamhet {c.activity}" for c in CENTRES.values()})
    objects = dict(ORDINARY_OBJECTS)
    for i in INITIATIVES:
        for code in i["object_codes"]:
            objects[code] = i["name"]
    objects.update({"7100": "Statsbidrag Trygga unga", "7200": "Statsbidrag Lovstöd",
                    "7400": "Statsbidrag elevhälsa"})
    objects.update({code: "Trygghet övrigt" for *_, code, _ in UNKNOWN_CODE_LINES})
    projects = {p["code"]: p["name"] for p in MANDATE_PROJECTS}
    return {RESP_DIM: responsibilities, PROJECT_DIM: projects, ACTIVITY_DIM: activities,
            OBJECT_DIM: objects}
