"""`uppfoljning check [RAW_DIR] [--json]`: a whole delivery checked against the contract
without loading anything, as a Swedish checklist.

The checks are the nightly's own: each file goes through the reader its source asset uses
(into a scratch folder, nothing lands), the registry through `load_registry`, and the registry
against itself and the ledger through `validation.contract.check_delivery`. Exit 0: fine;
1: warnings only; 2: something blocks.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from orchestration import landing
from orchestration.readers.errors import SourceFileError
from orchestration.validation.contract import check_delivery

OK, WARNING, BLOCKER = "ok", "warning", "blocker"
EXIT = {OK: 0, WARNING: 1, BLOCKER: 2}
LABEL = {OK: "OK     ", WARNING: "VARNING", BLOCKER: "STOPP  "}


@dataclass(frozen=True)
class Item:
    status: str  # ok | warning | blocker
    file: str  # relative to RAW_DIR
    place: str | None
    message: str


def _sie(path: Path, scratch: Path) -> list[Item]:
    from orchestration.readers.sie import read_sie

    name = f"ledger/{path.name}"
    summary = read_sie(path, scratch, {})
    items = [Item(WARNING, name, f"rad {w['line']}" if w.get("line") else None, w["message"])
             for w in summary.warnings]
    for u in summary.unbalanced_vouchers[:20]:
        items.append(Item(WARNING, name, f"rad {u.get('line')}",
                          f"verifikation {u.get('series')} {u.get('number')} balanserar inte "
                          f"(differens {u.get('difference')})"))
    items.append(Item(OK, name, None, f"SIE-filen går att läsa: {summary.vouchers} "
                                      f"verifikationer, {summary.transactions} rader"))
    return items


def _csv_reader(source: str) -> Callable[[Path], object]:
    if source == "payroll":
        from orchestration.readers.payroll import read_payroll

        # the hash key only pseudonymises what is read; nothing read here is kept
        return lambda p: read_payroll(p, os.urandom(16))
    if source == "grants":
        from orchestration.readers.grants import read_grant_decisions, read_grant_reports

        def grants(p: Path):
            name = p.name.lower()
            if name.startswith("decisions"):
                return read_grant_decisions(p)
            if name.startswith("reports"):
                return read_grant_reports(p)
            raise SourceFileError(p.name, "förväntade decisions.csv eller reports.csv")
        return grants
    from orchestration.readers.reports import read_delivered_reports

    return read_delivered_reports


def _files(raw_dir: Path) -> list[Item]:
    items: list[Item] = []
    with tempfile.TemporaryDirectory(prefix="uppfoljning-check-") as scratch:
        ledger = raw_dir / "ledger"
        sie = landing.deliveries(ledger, (".se", ".si", ".sie")) if ledger.is_dir() else []
        for n, d in enumerate(sie):
            try:
                items += _sie(d.paths[0], Path(scratch) / f"sie{n}")
            except SourceFileError as exc:
                items.append(Item(BLOCKER, f"ledger/{d.name}", _where(exc), exc.reason))
        for source in ("payroll", "grants", "reports"):
            folder = raw_dir / source
            if not folder.is_dir():
                continue
            read = _csv_reader(source)
            for d in landing.deliveries(folder, [".csv"]):
                try:
                    table = read(d.paths[0])
                    rows = getattr(table, "num_rows", None)
                    items.append(Item(OK, f"{source}/{d.name}", None,
                                      "filen går att läsa" + (f": {rows} rader" if rows
                                                              is not None else "")))
                except SourceFileError as exc:
                    # a file the nightly would quarantine; the rest still loads
                    items.append(Item(BLOCKER, f"{source}/{d.name}", _where(exc), exc.reason))
    return items


def _where(exc: SourceFileError) -> str | None:
    if exc.key:
        return exc.key
    return f"rad {exc.line}" if exc.line else None


def check(raw_dir: Path) -> list[Item]:
    raw_dir = Path(raw_dir)
    items = _files(raw_dir)
    problems = check_delivery(raw_dir)
    for p in problems:
        file = p.file if "/" in p.file else f"registry/{p.file}" if p.file.endswith(
            (".yaml", ".yml", ".xlsx")) else p.file
        items.append(Item(p.severity, file, p.place, p.message))
    registry_blocked = any(p.severity == BLOCKER and (p.file.startswith("registry") or
                           p.file.endswith((".yaml", ".yml", ".xlsx"))) for p in problems)
    if not registry_blocked:
        items.append(Item(OK, "registry/", None, "styrmodellen går att läsa och hänger ihop"))
    return items


def status_of(items: list[Item]) -> str:
    found = {i.status for i in items}
    return BLOCKER if BLOCKER in found else WARNING if WARNING in found else OK


def _grouped(items: list[Item]) -> list[Item]:
    """For reading: the files of a folder that are all fine on one line (the JSON keeps
    every file)."""
    folders: dict[str, list[Item]] = {}
    for i in items:
        folders.setdefault(i.file.split("/")[0], []).append(i)
    out = []
    for folder, group in folders.items():
        fine = [i for i in group if i.status == OK and "/" in i.file and i.file.split("/")[1]]
        if len(fine) > 3:
            names = sorted(i.file.split("/", 1)[1] for i in fine)
            out += [i for i in group if i not in fine]
            out.append(Item(OK, f"{folder}/", None, f"{folder}/: {len(fine)} filer går att "
                            f"läsa ({names[0]} – {names[-1]})"))
        else:
            out += group
    return out


def check_main(raw_dir: Path, as_json: bool = False) -> int:
    if not Path(raw_dir).is_dir():
        print(f"{raw_dir}: mappen finns inte")
        return 2
    items = check(Path(raw_dir))
    status = status_of(items)
    if as_json:
        print(json.dumps({"raw_dir": str(raw_dir), "status": status,
                          "items": [asdict(i) for i in items]}, ensure_ascii=False, indent=2))
        return EXIT[status]
    order = {BLOCKER: 0, WARNING: 1, OK: 2}
    print(f"Kontroll av leveransen i {raw_dir}")
    for i in sorted(_grouped(items), key=lambda i: order[i.status]):
        where = f"{i.file}" + (f", {i.place}" if i.place else "")
        name = i.file.rstrip("/").split("/")[-1]
        text = i.message if i.message.startswith(name) else f"{where}: {i.message}"
        print(f"  [{LABEL[i.status]}] {text}")
    counts = {s: sum(1 for i in items if i.status == s) for s in (BLOCKER, WARNING, OK)}
    verdict = {BLOCKER: "Leveransen stoppar körningen: rätta det som står som STOPP.",
               WARNING: "Leveransen kan köras; varningarna blir avvikelser i marten.",
               OK: "Leveransen är i ordning."}[status]
    print(f"{counts[BLOCKER]} stoppar, {counts[WARNING]} varningar, {counts[OK]} i ordning. "
          f"{verdict}")
    return EXIT[status]
