"""Writes Lillåsa's raw/ to the input contract, month by month.

Deterministic like the Eskilstuna sample: the same seed, scale and ledger style give
byte-identical files, and the programme's costs hit plan.py's targets to the öre whatever the
seed. The ledger is delivered as monthly period files unless `ledger_style="yearly"`."""

from __future__ import annotations

import random
import shutil
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from orchestration.sample.formats import swedish_amount
from orchestration.sample.lillasa import documents
from orchestration.sample.lillasa.plan import (
    AS_OF_DATE,
    CENTRES,
    DOUBLE_COMPENSATION,
    PAYROLL_ONLY_ROW,
    UNKNOWN_CODE_LINE,
    CostCentre,
    monthly_targets,
    months,
)
from orchestration.sample.lillasa.registry import (
    ALLOCATIONS,
    COMMITTEES,
    DIMENSIONS,
    INITIATIVES,
    MANDATE_PROJECTS,
    MUNICIPALITY,
    ORGANISATION_NUMBER,
)
from orchestration.sample.people import fake_name, fake_personnummer
from orchestration.sample.sie_writer import ACCOUNTS, SiePeriodWriter, SieYearWriter

ORG = (MUNICIPALITY["name"], ORGANISATION_NUMBER)
RESP_DIM, PROJECT_DIM, OBJECT_DIM = (DIMENSIONS[k] for k in ("responsibility", "project",
                                                              "object"))
DIMENSION_NAMES = {RESP_DIM: "Ansvar", PROJECT_DIM: "Projekt", OBJECT_DIM: "Objekt"}
COMPENSATION_ACCOUNT = "3692"
LEDGER_ACCOUNTS = {**{a: v for a, v in ACCOUNTS.items() if a != "3690"},
                   COMPENSATION_ACCOUNT: ("Interna intäkter, ersättning från KS", "I")}
OPENING_BALANCES = {"1930": 30_000_000_00, "2010": -24_000_000_00, "2440": -4_500_000_00,
                    "2820": -1_500_000_00}
EMPLOYER_CONTRIBUTION_RATE = 0.3142
LEDGER_STYLES = ("period", "yearly")

# Another column order than the contract's, another case, and two extra columns the reader
# must ignore; no byte-order mark, CRLF line ends, no thousands separator.
PAYROLL_COLUMNS = [
    "Anstallningsnr", "Period", "Namn", "Personnummer", "Lonart", "Lonartstext", "Antal",
    "Belopp", "Konto", "Ansvar", "Projekt", "Objekt", "Verksamhet", "Befattning",
    "Sysselsattningsgrad", "Utbetalningsdag", "Lonekorning",
]
SERIES = {"invoice": "LF", "payroll": "P", "internal": "IK", "bank": "B"}

ORDINARY_UNITS = {
    "1010": ["Handläggare", "Ekonom"],
    "1110": ["Nämndsekreterare"],
    "190": ["Överförmyndarhandläggare"],  # KS's exact three-digit code
    "2010": ["Lärare", "Fritidspedagog"],
    "2110": ["Förskollärare", "Barnskötare"],
    "3010": ["Socialsekreterare"],
    "3120": ["Undersköterska", "Vårdbiträde"],
    "4010": ["Bibliotekarie"],
    "5010": ["Drifttekniker", "Parkarbetare"],
}
ORDINARY_OBJECTS = {"900": "Lokaler", "901": "IT-stöd"}
PURCHASE_ACCOUNTS = ["4010", "6110", "6420", "7010"]
SUPPLIERS = ["Lillåsa Bygg & Måleri", "Östgöta Städ AB", "Åsa Livs", "Sjöbergs Kontor",
             "Föreningen Fritid Lillåsa"]
STAFF_TITLES = {"fu_kfn": "Fritidsledare", "fu_son": "Fältsekreterare", "sn_bun": "Kurator",
                "th_son": "Socialsekreterare", "cm_ks": "Trygghetssamordnare"}


@dataclass(frozen=True)
class Scale:
    employees: int
    invoices_per_month: int


# S keeps the test nightly small; M is about Lillåsa's real size (1,200 employees).
SCALES = {"S": Scale(employees=120, invoices_per_month=60),
          "M": Scale(employees=1_200, invoices_per_month=6_000),
          "L": Scale(employees=6_000, invoices_per_month=30_000)}


@dataclass
class Employee:
    number: str
    personnummer: str
    name: str
    title: str
    responsibility: str
    account: str
    project: str
    object_code: str
    salary_ore: int
    grade: int


def _raise(salary_ore: int, year: int, month: int) -> int:
    """2 % a year from April."""
    return int(salary_ore * (1.02 ** ((year - 2023) + (1 if month >= 4 else 0))))


class _PayrollMonth:
    def __init__(self, year: int, month: int):
        self.year, self.month = year, month
        self.rows: list[list[str]] = []
        self.posting: dict[tuple[str, str, str, str], int] = defaultdict(int)

    def row(self, e: Employee, pay_type: str, text: str, quantity: str, ore: int, account: str,
            posted: bool = True) -> None:
        values = {
            "Anstallningsnr": e.number, "Period": f"{self.year}-{self.month:02d}",
            "Namn": e.name, "Personnummer": e.personnummer, "Lonart": pay_type,
            "Lonartstext": text, "Antal": quantity, "Belopp": swedish_amount(ore, ""),
            "Konto": account, "Ansvar": e.responsibility, "Projekt": e.project,
            "Objekt": e.object_code, "Verksamhet": "", "Befattning": e.title,
            "Sysselsattningsgrad": str(e.grade),
            "Utbetalningsdag": f"{self.year}-{self.month:02d}-25",
            "Lonekorning": f"LK{self.year}{self.month:02d}01",
        }
        self.rows.append([values[c] for c in PAYROLL_COLUMNS])
        if posted:
            self.posting[(account, e.responsibility, e.project, e.object_code)] += ore

    def salary(self, e: Employee) -> int:
        pay = _raise(e.salary_ore, self.year, self.month) * e.grade // 100
        self.row(e, "110", "Månadslön", swedish_amount(165 * e.grade, ""), pay, e.account)
        contribution = round(pay * EMPLOYER_CONTRIBUTION_RATE)
        self.row(e, "910", "Arbetsgivaravgift", "", contribution, "5610")
        return pay + contribution

    def write(self, path: Path) -> None:
        with path.open("w", encoding="utf-8", newline="\r\n") as f:
            f.write(";".join(PAYROLL_COLUMNS) + "\n")
            f.write("\n".join(";".join(r) for r in self.rows) + "\n")


def _objects(resp: str, project: str = "", obj: str = "") -> dict[int, str]:
    return {RESP_DIM: resp, PROJECT_DIM: project, OBJECT_DIM: obj}


def _centre_objects(c: CostCentre) -> dict[int, str]:
    return _objects(c.responsibility, c.project, c.object_code)


def _staff(rng: random.Random, noise: random.Random, employees: int
           ) -> tuple[dict[str, list[Employee]], list[Employee]]:
    programme: dict[str, list[Employee]] = {}
    number = 5000
    for key, c in CENTRES.items():
        people = []
        for _ in range(c.staff):
            number += 1
            salary = (c.monthly_salary + rng.randint(-2_000, 2_000)) * 100
            people.append(Employee(f"{number:05d}", fake_personnummer(rng), fake_name(rng),
                                   STAFF_TITLES[key], c.responsibility, "5020", c.project,
                                   c.object_code, salary, 100))
        programme[key] = people
    units = sorted(ORDINARY_UNITS)
    ordinary = []
    for i in range(employees):
        resp = units[i % len(units)]
        ordinary.append(Employee(f"{number + i + 1:05d}", fake_personnummer(noise),
                                 fake_name(noise), noise.choice(ORDINARY_UNITS[resp]), resp,
                                 noise.choice(["5020", "5020", "5021"]), "", "",
                                 noise.randint(26_000, 48_000) * 100,
                                 noise.choice([100, 100, 80, 50])))
    return programme, ordinary


def generate(raw_dir: Path, scale: str = "S", seed: int = 799,
             ledger_style: str = "period") -> dict:
    """Write Lillåsa's raw/ into raw_dir (replacing what a previous sample wrote there)."""
    if ledger_style not in LEDGER_STYLES:
        raise ValueError(f"ledger_style must be one of {LEDGER_STYLES}, not {ledger_style!r}")
    size = SCALES[scale]
    rng = random.Random(seed)
    for sub in ("registry", "ledger", "payroll", "grants", "reports", "survey"):
        shutil.rmtree(raw_dir / sub, ignore_errors=True)
        (raw_dir / sub).mkdir(parents=True)
    noise = random.Random(seed + 1)
    targets = monthly_targets()
    programme, ordinary = _staff(rng, noise, size.employees)
    declared = _declared_objects()

    counts = {"ledger_transactions": 0, "payroll_rows": 0, "ledger_files": 0}
    opening = dict(OPENING_BALANCES)
    writer: SieYearWriter | None = None
    for year, month in months():
        if writer is None or writer.year != year:
            if writer is not None:
                opening = writer.close(opening, declared)
                counts["ledger_transactions"] += writer.transactions
            writer = _new_writer(raw_dir / "ledger", year, ledger_style)
            if year == 2024:
                _budget(writer, 2024)
        if isinstance(writer, SiePeriodWriter):
            writer.start_month(month, opening, declared)
            counts["ledger_files"] += 1
        pay = _PayrollMonth(year, month)
        programme_pay: dict[str, int] = defaultdict(int)
        for key, people in programme.items():
            for e in people:
                programme_pay[key] += pay.salary(e)
        for e in ordinary:
            pay.salary(e)
        if (year, month) == PAYROLL_ONLY_ROW[:2]:
            e = programme[PAYROLL_ONLY_ROW[2]][0]
            pay.row(e, "150", "Lönekorrigering", "", PAYROLL_ONLY_ROW[3], "5020", posted=False)
        pay.write(raw_dir / "payroll" / f"lon_{year}{month:02d}.csv")
        counts["payroll_rows"] += len(pay.rows)
        _post_month(writer, rng, noise, size, year, month, targets, programme_pay, pay)
    assert writer is not None
    writer.close(opening, declared)
    counts["ledger_transactions"] += writer.transactions
    if ledger_style == "yearly":
        counts["ledger_files"] = len({y for y, _ in months()})

    documents.write_registry(raw_dir / "registry")
    documents.write_grants(raw_dir / "grants")
    documents.write_delivered_reports(raw_dir / "reports")
    documents.write_survey(raw_dir / "survey")
    (raw_dir / "AS_OF_DATE").write_text(AS_OF_DATE + "\n", encoding="utf-8")
    manifest = documents.manifest(scale, seed, ledger_style, counts)
    documents.write_json(raw_dir / "sample_manifest.json", manifest)
    return manifest


def _new_writer(folder: Path, year: int, style: str) -> SieYearWriter:
    if style == "period":
        return SiePeriodWriter(folder, "lillasa", year, ORG, DIMENSION_NAMES, LEDGER_ACCOUNTS)
    return SieYearWriter(folder / f"lillasa_{year}.se", year, ORG, AS_OF_DATE, DIMENSION_NAMES,
                         LEDGER_ACCOUNTS)


def _day(year: int, month: int, day: int) -> str:
    return f"{year}{month:02d}{day:02d}"


def _post_month(writer: SieYearWriter, rng: random.Random, noise: random.Random, size: Scale,
                year: int, month: int, targets: dict, programme_pay: dict[str, int],
                pay: _PayrollMonth) -> None:
    invoices = SERIES["invoice"]
    invoice_total = 0
    for key, centre in CENTRES.items():
        rest = targets[(key, year, month)] - programme_pay[key]
        if rest < 0:
            raise ValueError(f"payroll exceeds the target for {key} {year}-{month:02d}")
        parts = [rest] if rest < 10_000_00 else [rest // 3, rest - rest // 3]
        for account, ore in zip(("7010", "4010"), parts, strict=False):
            writer.voucher(invoices, _day(year, month, rng.randint(3, 26)),
                           f"Leverantörsfaktura {rng.choice(SUPPLIERS)}",
                           [(account, _centre_objects(centre), ore, None),
                            ("2440", {}, -ore, None)])
            invoice_total += ore
    y, m, resp, code, ore = UNKNOWN_CODE_LINE
    if (y, m) == (year, month):
        writer.voucher(invoices, _day(year, month, 12), "Leverantörsfaktura Åsa Livs",
                       [("4010", _objects(resp, "8400", code), ore, None),
                        ("2440", {}, -ore, None)])
        invoice_total += ore
    units = sorted(ORDINARY_UNITS)
    for _ in range(size.invoices_per_month):
        resp = noise.choice(units)
        rows = []
        for _ in range(noise.randint(1, 2)):
            obj = "900" if noise.random() < 0.1 else ""
            rows.append((noise.choice(PURCHASE_ACCOUNTS), _objects(resp, "", obj),
                         noise.randint(150_00, 45_000_00), None))
        amount = sum(r[2] for r in rows)
        rows.append(("2440", {}, -amount, None))
        writer.voucher(invoices, _day(year, month, noise.randint(2, 27)),
                       f"Leverantörsfaktura {noise.choice(SUPPLIERS)}", rows)
        invoice_total += amount

    lines = [(a, _objects(r, p, o), ore, None) for (a, r, p, o), ore in sorted(pay.posting.items())]
    payroll_total = sum(line[2] for line in lines)
    lines.append(("2820", {}, -payroll_total, None))
    writer.voucher(SERIES["payroll"], _day(year, month, 25), f"Lön {year}-{month:02d}", lines)
    _internal_compensation(writer, targets, year, month)
    _grant_income(writer, year, month)

    bank = SERIES["bank"]
    writer.voucher(bank, _day(year, month, 28), "Betalning leverantörer",
                   [("2440", {}, invoice_total, None), ("1930", {}, -invoice_total, None)])
    writer.voucher(bank, _day(year, month, 28), "Utbetalning löner",
                   [("2820", {}, payroll_total, None), ("1930", {}, -payroll_total, None)])
    tax = payroll_total + invoice_total
    writer.voucher(bank, _day(year, month, 28), "Skatteintäkter",
                   [("1930", {}, tax, None), ("8010", {RESP_DIM: "1110"}, -tax, None)])


def _internal_compensation(writer: SieYearWriter, targets: dict, year: int, month: int) -> None:
    """KS, which holds the mandate project, compensates the other committees each month."""
    holder = MANDATE_PROJECTS[0]["holder"]
    lines = []
    for key, centre in CENTRES.items():
        if not centre.project or centre.committee == holder:
            continue
        ore = targets[(key, year, month)]
        times = 2 if (year, month, key) == DOUBLE_COMPENSATION else 1  # planted: paid twice
        for _ in range(times):
            lines.append(("4680", _objects("1010", centre.project), ore,
                          f"Ersättning {centre.committee} {centre.initiative}"))
            lines.append((COMPENSATION_ACCOUNT, _centre_objects(centre), -ore,
                          "Ersättning från KS"))
    writer.voucher(SERIES["internal"], _day(year, month, 27),
                   f"Internersättning mandatmedel {year}-{month:02d}", lines)


def _grant_income(writer: SieYearWriter, year: int, month: int) -> None:
    for g in documents.GRANTS:
        if g[5][:7] != f"{year}-{month:02d}":
            continue
        ore = g[4] * 100
        writer.voucher(SERIES["bank"], g[5].replace("-", ""), f"Statsbidrag {g[0]} {g[1]}",
                       [("1930", {}, ore, None), ("3510", _objects(g[10], "", g[9]), -ore, g[2])])


def _budget(writer: SieYearWriter, year: int) -> None:
    """The year's budget per month on the programme's codes, from the allocations."""
    per_initiative: dict[str, int] = defaultdict(int)
    for a in ALLOCATIONS:
        if a["year"] == year:
            per_initiative[a["initiative"]] += a["amount"] * 100
    for initiative, total in sorted(per_initiative.items()):
        centres = [c for c in CENTRES.values() if c.initiative == initiative]
        share = total // len(centres)
        for c in centres:
            monthly = share // 12
            for month in range(1, 13):
                amount = monthly if month < 12 else share - monthly * 11
                writer.budget(year * 100 + month, "5020" if c.staff else "4010",
                              _centre_objects(c), amount)


def _declared_objects() -> dict[int, dict[str, str]]:
    names = {c["id"]: c["name"] for c in COMMITTEES}
    responsibilities = {r: titles[0] for r, titles in ORDINARY_UNITS.items()}
    for c in CENTRES.values():
        responsibilities[c.responsibility] = f"{names[c.committee]} {c.initiative}"
    objects = dict(ORDINARY_OBJECTS)
    for i in INITIATIVES:
        for code in i["object_codes"]:
            objects[code] = i["name"]
    objects.update({g[9]: f"Statsbidrag {g[1]}" for g in documents.GRANTS})
    objects[UNKNOWN_CODE_LINE[3]] = "Trygghetsvandringar"
    return {RESP_DIM: responsibilities, PROJECT_DIM: {p["code"]: p["name"]
                                                      for p in MANDATE_PROJECTS},
            OBJECT_DIM: objects}
