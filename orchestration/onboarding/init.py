"""`uppfoljning init --from EXPORT.se`: the registry drafted from the municipality's own SIE
export, as the workbook raw/registry/styrmodell.xlsx (or YAML files).

The workbook is the default: controllers keep the registry in Excel, and the draft's object
code candidates (every code with its name, bookings per year and committees, for the
controller to give to an initiative) only fit there. `--format yaml` writes the same draft as
YAML files, for a registry kept under version control; the candidates are then listed in a
comment. What the export cannot tell is left empty and listed as TODO ("Att göra").
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

from orchestration.onboarding.convert import empty_document
from orchestration.onboarding.sie_facts import SieFacts, guess_roles, is_personal, read_facts
from orchestration.onboarding.workbook_writer import Extras, write_workbook
from orchestration.onboarding.yaml_writer import write_yaml
from orchestration.readers.errors import SourceFileError
from orchestration.readers.registry.load import registry_files
from orchestration.readers.registry.workbook_layout import DIMENSION_SV, WORKBOOK_NAME

COST_CLASSES = ("4", "5", "6", "7")  # BAS: the cost account classes
MAX_COMMITTEES = 12


def _sek(amount) -> str:
    return f"{int(round(amount)):,}".replace(",", " ") + " kr"


def propose_committees(codes: dict[str, str]) -> list[dict[str, Any]]:
    """Committees from the responsibility codes' structure: the prefix length that splits the
    codes into the most groups without passing MAX_COMMITTEES (a municipality has about ten
    committees); each group's name from the code equal to its prefix, else its first code."""
    if not codes:
        return []
    longest = max(len(c) for c in codes)
    best: dict[str, list[str]] = {}
    for length in range(1, max(longest, 2)):
        groups: dict[str, list[str]] = {}
        for code in sorted(codes):
            groups.setdefault(code[:length], []).append(code)
        if not best or len(best) < len(groups) <= MAX_COMMITTEES:
            best = groups
    out = []
    for prefix, members in sorted(best.items()):
        name = codes.get(prefix) or codes[members[0]]
        out.append({"id": f"N{prefix}", "name": name, "responsibility_codes": [f"{prefix}*"]})
    return out


def draft(facts: SieFacts, municipality_code: str | None) -> tuple[dict, Extras]:
    doc = empty_document()
    todo: list[str] = []
    roles = guess_roles(facts.dimensions)
    doc["municipality"] = {"code": municipality_code, "name": facts.company_name}
    if not municipality_code:
        todo.append("Kommun: skriv kommunkoden (fyra siffror) i Kommun!B2; SIE-filen har "
                    "ingen kommunkod (eller ge --municipality-code till init).")
    ledger: dict[str, Any] = {"dimensions": roles}
    classes = [c for c in facts.account_classes if c in COST_CLASSES]
    ledger["cost_account_classes"] = classes
    if facts.series:
        ledger["payroll_series"] = Counter(facts.series).most_common(1)[0][0]
        todo.append(f"Kommun: kontrollera löneserien (förslag {ledger['payroll_series']}: "
                    "serien med flest verifikationer om lön).")
    else:
        todo.append("Kommun: skriv verifikationsserien för lön (Löneserie).")
    todo.append("Kommun: skriv konto för intern kompensation och kontoprefix för "
                "statsbidragsintäkter; SIE-filen säger inte vilka de är.")
    todo.append(f"Kommun: kostnadskontoklasser föreslås ur kontona i bruk "
                f"({', '.join(facts.account_classes) or 'inga'}); kontrollera dem.")
    doc["ledger"] = ledger
    for role in ("object", "responsibility", "project"):
        if role not in roles:
            todo.append(f"Dimensioner: ingen dimension ser ut att vara {DIMENSION_SV[role]}; "
                        "skriv dess SIE-nummer i bladet Dimensioner.")
    resp = facts.names.get(roles.get("responsibility", -1), {})
    committees = propose_committees(resp)
    doc["committees"] = committees
    if committees:
        todo.append(f"Nämnder: {len(committees)} nämnder föreslås ur ansvarskodernas "
                    "struktur (id N + prefix); byt till nämndernas riktiga id och namn, och "
                    "slå ihop eller dela mönstren så att de följer nämnderna.")
    else:
        todo.append("Nämnder: fyll i nämnderna och deras ansvarskoder.")
    committee_of = {}
    for c in committees:
        prefix = c["responsibility_codes"][0][:-1]
        for code in resp:
            if code.startswith(prefix):
                committee_of[code] = c["id"]
    projects = facts.names.get(roles.get("project", -1), {})
    for code, name in sorted(projects.items()):
        years = sorted(facts.booked.get((roles["project"], code), {})) or facts.years
        entry: dict[str, Any] = {"code": code, "name": name}
        if years:
            entry.update(first_year=years[0], last_year=years[-1])
        doc["mandate_projects"].append(entry)
    if projects:
        todo.append("Mandatprojekt: alla projekt i projektdimensionen föreslås; ta bort dem "
                    "som inte är mandatprojekt, fyll i ansvarig nämnd, anslag per år och "
                    "överföring, och kontrollera åren (bokförda år).")
    todo += [
        "Finansiering: fyll i finansieringskällorna (t.ex. statsbidrag, mandatperiodsmedel, "
        "ram).",
        "Satsningar: fyll i programmets satsningar med ägare, utförare, mandatprojekt, år och "
        "finansieringsordning.",
        "Objektkoder: skriv satsningens id i kolumnen Satsning för de objektkoder som hör "
        "till programmet (rader utan satsning läses inte).",
        "Anslag, Indikatorer, Målvärden och Rapporter: SIE-filen säger inget om dem; fyll i.",
    ]
    obj = roles.get("object")
    candidates = []
    if obj is not None:
        for code, name in sorted(facts.names.get(obj, {}).items()):
            booked = facts.booked.get((obj, code), {})
            committees_of = sorted({committee_of.get(r, r)
                                    for r in facts.object_responsibility.get(code, ())})
            candidates.append({"code": code, "name": name, "booked": booked,
                               "committees": committees_of,
                               "budget": facts.budget.get((obj, code), {})})
        used = {code for (d, code) in facts.booked if d == obj}
        for code in sorted(used - set(facts.names.get(obj, {}))):
            candidates.append({"code": code, "name": None, "booked":
                               facts.booked[(obj, code)], "committees": [], "budget": {}})
    if any(c["budget"] for c in candidates):
        todo.append("Objektkoder: SIE-filen har budget (#PBUDGET) för några objektkoder; "
                    "den läses med redovisningen och visas mot utfallet.")
    extras = Extras(
        dimension_names={k: v for k, v in facts.dimensions.items() if not is_personal(k, v)},
        object_names=facts.names.get(obj, {}) if obj is not None else {},
        candidates=candidates, years=facts.years, todo=todo,
        source=", ".join(facts.files))
    return doc, extras


def _print_summary(doc: dict, extras: Extras, written: list[Path], facts: SieFacts) -> None:
    roles = doc["ledger"]["dimensions"]
    print(f"Styrmodellen skissad ur {extras.source} ({facts.company_name or 'okänt namn'}, "
          f"år {', '.join(map(str, facts.years)) or '-'}):")
    dims = ", ".join(f"{n} {facts.dimensions.get(n) or ''}".strip()
                     + (f" = {DIMENSION_SV.get(r, r)}" if r else "")
                     for n in sorted(facts.dimensions)
                     if not is_personal(n, facts.dimensions[n])
                     for r in [next((k for k, v in roles.items() if v == n), None)])
    print(f"  dimensioner: {dims or 'inga'}")
    print(f"  nämnder (förslag): {len(doc['committees'])}")
    print(f"  mandatprojekt (förslag): {len(doc['mandate_projects'])}")
    print(f"  objektkoder (kandidater till satsningar): {len(extras.candidates)}")
    for c in extras.candidates[:40]:
        total = sum(c["booked"].values()) if c["booked"] else 0
        print(f"    {c['code']:<8} {(c['name'] or '(namn saknas)')[:40]:<40} {_sek(total):>16}"
              f"  {', '.join(c['committees'])}")
    if len(extras.candidates) > 40:
        print(f"    ... och {len(extras.candidates) - 40} till (se bladet Objektkoder)")
    print(f"  kontoklasser i bruk: {', '.join(facts.account_classes) or '-'}")
    print("Skrivet: " + ", ".join(str(p) for p in written))
    print("Att göra (TODO):")
    for item in extras.todo:
        print(f"  - {item}")


def init_main(args: argparse.Namespace) -> int:
    exports = [Path(p) for p in (args.export if isinstance(args.export, list)
                                 else [args.export])]
    registry_dir = Path(args.raw_dir) / "registry"
    if registry_dir.is_dir():
        existing = [p for group in registry_files(registry_dir) for p in group]
        if existing and not args.force:
            print(f"{registry_dir} har redan en styrmodell ({', '.join(p.name for p in existing)});"
                  " ingenting skrevs (--force ersätter den)")
            return 2
        for p in existing:
            p.unlink()
    missing = [p for p in exports if not p.is_file()]
    if missing:
        print(f"SIE-filen finns inte: {', '.join(map(str, missing))}")
        return 2
    try:
        facts = read_facts(exports)
    except SourceFileError as exc:
        print(f"SIE-filen kan inte läsas: {exc}")
        return 2
    doc, extras = draft(facts, args.municipality_code)
    if args.format == "xlsx":
        written = [write_workbook(doc, registry_dir / WORKBOOK_NAME, extras)]
    else:
        header = "# Utkast ur " + extras.source + " (uppfoljning init). Att göra:\n" + "".join(
            f"#  - {t}\n" for t in extras.todo) + "# Objektkoder i SIE-filen:\n" + "".join(
            f"#  {c['code']} {c['name'] or ''}\n" for c in extras.candidates)
        written = write_yaml(doc, registry_dir, header)
    _print_summary(doc, extras, written, facts)
    return 0
