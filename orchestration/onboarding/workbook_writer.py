"""The registry document written as the workbook raw/registry/styrmodell.xlsx (openpyxl), laid
out by readers/registry/workbook_layout.py: Swedish headers, frozen header rows, drop-down
lists, column widths that fit, and an instructions sheet."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from orchestration.readers.registry import workbook_layout as L
from orchestration.readers.registry.indicators import SOURCE_KINDS

VALIDATED_ROWS = 500  # drop-downs reach this far down each sheet
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_TODO_FILL = PatternFill("solid", fgColor="FFF2CC")


@dataclass
class Extras:
    """What `init` knows beyond the registry: names from the SIE file, every object code as a
    candidate with its bookings, and the list of what a person must still fill in."""

    dimension_names: dict[int, str] = field(default_factory=dict)
    object_names: dict[str, str] = field(default_factory=dict)
    candidates: list[dict[str, Any]] = field(default_factory=list)  # code, booked, committees
    years: list[int] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)
    source: str = ""


def _inline(values: list[str]) -> str:
    return '"' + ",".join(values) + '"'


def _list_formula(choices: str) -> str | None:
    ref = {
        L.COMMITTEE_IDS: ("Nämnder", "A"),
        L.FUNDING_IDS: ("Finansiering", "A"),
        L.PROJECT_CODES: ("Mandatprojekt", "A"),
        L.INITIATIVE_IDS: ("Satsningar", "A"),
        L.INDICATOR_IDS: ("Indikatorer", "A"),
        L.AREA_IDS: ("Områden", "A"),
        L.GOAL_IDS: ("Mål", "A"),
        L.PEER_SET_IDS: ("Jämförelsegrupper", "A"),
    }.get(choices)
    if ref is not None:
        return f"{quote_sheetname(ref[0])}!${ref[1]}$2:${ref[1]}${VALIDATED_ROWS}"
    if choices == L.FREQUENCY_WORDS:
        return _inline(list(L.FREQUENCY_SV.values()))
    if choices == L.YES_NO:
        return _inline([L.YES, L.NO])
    if choices == L.SOURCE_KINDS:
        return _inline(list(SOURCE_KINDS))
    if choices == L.GOAL_LEVEL_WORDS:
        return _inline(list(L.LEVEL_SV.values()))
    if choices == L.AREA_KIND_WORDS:
        return _inline(list(L.AREA_KIND_SV.values()))
    return None  # receivers are committees and bodies: two ranges, no single Excel list


def _cell_value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == L.CODES:
        return ", ".join(str(v) for v in value)
    if kind == L.FLAG:
        return L.YES if value else L.NO
    if kind == L.FREQUENCY:
        return L.FREQUENCY_SV.get(value, value)
    if kind == L.LEVEL:
        return L.LEVEL_SV.get(value, value)
    if kind == L.AREA_KIND:
        return L.AREA_KIND_SV.get(value, value)
    if kind in (L.CODE, L.TEXT):
        return str(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _number_format(value: Any, kind: str) -> str | None:
    if kind in (L.CODE, L.CODES):
        return "@"  # text: "0484" keeps its zero and "7101" stays a code
    if kind == L.MONEY:
        return "#,##0" if float(value).is_integer() else "#,##0.00"
    if kind in (L.YEAR, L.INTEGER):
        return "0"
    return None


class _SheetWriter:
    def __init__(self, ws: Worksheet, headers: list[str], widths: list[int]):
        self.ws = ws
        self.widths = list(widths)
        for i, h in enumerate(headers, start=1):
            c = ws.cell(row=1, column=i, value=h)
            c.font = Font(bold=True)
            c.fill = _HEADER_FILL
            self.widths[i - 1] = max(self.widths[i - 1], len(h) + 2)
        ws.freeze_panes = "A2"
        self.row = 1

    def add(self, values: list[tuple[Any, str]]) -> None:
        self.row += 1
        for i, (value, kind) in enumerate(values, start=1):
            v = _cell_value(value, kind)
            if v is None:
                continue
            c = self.ws.cell(row=self.row, column=i, value=v)
            fmt = _number_format(v, kind)
            if fmt:
                c.number_format = fmt
            shown = f"{v:,.0f}" if kind == L.MONEY else str(v)
            self.widths[i - 1] = max(self.widths[i - 1], min(len(shown) + 2, 60))

    def finish(self, choices: list[str | None]) -> None:
        for i, w in enumerate(self.widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = w
        for i, name in enumerate(choices, start=1):
            formula = _list_formula(name) if name else None
            if formula is None:
                continue
            dv = DataValidation(type="list", formula1=formula, allow_blank=True,
                                showErrorMessage=True, errorTitle="Värdet finns inte i listan",
                                error="Välj ett värde ur listan.")
            letter = get_column_letter(i)
            dv.add(f"{letter}2:{letter}{VALIDATED_ROWS}")
            self.ws.add_data_validation(dv)


def _table(wb: Workbook, sheet: L.Sheet, rows: list[dict[str, Any]],
           extra: list[tuple[str, str, int]] = ()) -> None:
    """One sheet of the layout; `extra` adds columns (header, field, width) after it."""
    cols = list(sheet.columns)
    w = _SheetWriter(wb.create_sheet(sheet.name), [c.header for c in cols] + [e[0] for e in extra],
                     [c.width for c in cols] + [e[2] for e in extra])
    for row in rows:
        values = []
        for c in cols:
            head, _, tail = c.field.partition(".")
            v = row.get(head, {}).get(tail) if tail else row.get(c.field)
            values.append((v, c.kind))
        values += [(row.get(f), L.MONEY if f.startswith("booked:") else L.CODE)
                   for _, f, _ in extra]
        w.add(values)
    # A cell of several values ("BUN, SN") is no single list item: Excel's list check would
    # refuse it, so those columns get no drop-down (the reader checks every value).
    w.finish([None if c.kind == L.CODES else c.choices for c in cols] + [None] * len(extra))


def _instructions(wb: Workbook, doc: dict[str, Any], extras: Extras | None) -> None:
    ws = wb.active
    ws.title = L.INSTRUCTIONS
    name = (doc.get("municipality") or {}).get("name") or "kommunen"
    lines = [
        (f"Styrmodell för uppföljning av programmedel – {name}", True),
        ("", False),
        ("Arbetsboken är styrmodellen: nämnder, satsningar, objektkoder, medel, indikatorer "
         "(med områden, mål och jämförelsegrupper) och rapporteringskalender. Nattkörningen "
         "läser den från raw/registry/styrmodell.xlsx.",
         False),
        ("Varje blad har en rubrikrad; skriv en post per rad under den. Ändra inte "
         "rubrikerna, slå inte ihop celler och dölj inga blad: då stoppas inläsningen och "
         "den senast godkända styrmodellen används.", False),
        ("Kolumner med listpil tar bara värden som finns i bladet listan hämtas från "
         "(t.ex. nämnder ur bladet Nämnder). Flera värden i en cell skrivs med komma emellan.",
         False),
        ("Kontrollera arbetsboken innan nattkörningen: uppfoljning check raw", False),
        ("Fel anges med blad och cell, t.ex. Satsningar!C7: nämnden \"SNN\" finns inte i "
         "bladet Nämnder.", False),
        ("", False),
        ("Blad", True),
    ]
    for label, text in lines:
        ws.append([label])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=text, size=14 if ws.max_row == 1
                                                       else 11)
    ws.append(["Kommun", "Kommunkod, namn och redovisningens konventioner (en inställning "
                         "per rad)."])
    for sheet in L.SHEETS:
        notes = "; ".join(f"{c.header}: {c.note}" for c in sheet.columns if c.note)
        ws.append([sheet.name, sheet.purpose + (f" ({notes})" if notes else "")])
    if extras and extras.todo:
        ws.append([])
        ws.append([f"Bladet {L.TODO_SHEET} listar vad SIE-filen inte kunde berätta."])
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 110
    for row in ws.iter_rows():
        for c in row:
            c.alignment = Alignment(wrap_text=c.column == 2, vertical="top")


def _settings(wb: Workbook, doc: dict[str, Any]) -> None:
    mun, ledger = doc.get("municipality") or {}, doc.get("ledger") or {}
    w = _SheetWriter(wb.create_sheet(L.SETTINGS), list(L.SETTING_HEADERS), [36, 24, 60])
    notes = {
        "Kommunkod": "fyra siffror, t.ex. 0484",
        "Löneserie": "verifikationsserien för lönebokningar",
        "Kostnadskontoklasser": "kontoklasser som räknas som kostnad, t.ex. 4, 5, 6, 7",
    }
    known = set()
    for label, path, kind in L.SETTING_ROWS:
        section, _, name = path.partition(".")
        known.add(name)
        value = (mun if section == "municipality" else ledger).get(name)
        w.add([(label, L.TEXT), (value, kind), (notes.get(label), L.TEXT)])
    for name, value in ledger.items():
        if name in known or name == "dimensions":
            continue
        w.add([(name, L.TEXT), (value, L.TEXT), ("inställning utan egen rad", L.TEXT)])
    w.finish([None, None, None])


def write_workbook(doc: dict[str, Any], path: Path, extras: Extras | None = None) -> Path:
    """Write the document (registry_document's shape; sections may be empty) as a workbook."""
    wb = Workbook()
    _instructions(wb, doc, extras)
    if extras and extras.todo:
        ws = wb.create_sheet(L.TODO_SHEET)
        ws.append(["Att göra innan första körningen"])
        ws.cell(row=1, column=1).font = Font(bold=True)
        for item in extras.todo:
            ws.append([item])
            ws.cell(row=ws.max_row, column=1).fill = _TODO_FILL
        ws.column_dimensions["A"].width = 120
        ws.freeze_panes = "A2"
    _settings(wb, doc)
    s = L.SHEET_BY_NAME
    names = extras.dimension_names if extras else {}
    dims = [{"name": L.DIMENSION_SV.get(k, k), "number": v, "sie_name": names.get(v)}
            for k, v in ((doc.get("ledger") or {}).get("dimensions") or {}).items()]
    _table(wb, s["Dimensioner"], dims)
    _table(wb, s["Nämnder"], doc.get("committees") or [])
    _table(wb, s["Mottagare"], doc.get("bodies") or [])
    _table(wb, s["Finansiering"], doc.get("funding_sources") or [])
    _table(wb, s["Mandatprojekt"], doc.get("mandate_projects") or [])
    _initiatives(wb, doc)
    _object_codes(wb, doc, extras)
    _table(wb, s["Anslag"], doc.get("allocations") or [])
    _areas(wb, doc)
    _table(wb, s["Mål"], doc.get("goals") or [])
    _table(wb, s["Jämförelsegrupper"], doc.get("peer_sets") or [])
    indicators = doc.get("indicators") or []
    _table(wb, s["Indikatorer"], indicators)
    _table(wb, s["Indikatorområden"], [
        {"indicator": ind["id"], "area": a, "baseline": (ind.get("area_baselines") or {}).get(a)}
        for ind in indicators for a in ind.get("areas") or []])
    targets = [{"indicator": ind["id"], "year": y, "target": t}
               for ind in indicators for y, t in (ind.get("targets") or {}).items()]
    targets += [{"indicator": ind["id"], "year": y, "target": t, "area": a}
                for ind in indicators for a, ts in (ind.get("area_targets") or {}).items()
                for y, t in ts.items()]
    _table(wb, s["Målvärden"], targets)
    _table(wb, s["Rapporter"], doc.get("required_reports") or [])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _areas(wb: Workbook, doc: dict[str, Any]) -> None:
    """The districts, after a row for the whole municipality (its code), so the area
    drop-downs offer the code that stands for the whole municipality too."""
    mun = doc.get("municipality") or {}
    rows = list(doc.get("areas") or [])
    if mun.get("code"):
        rows.insert(0, {"id": mun["code"], "name": mun.get("name") or "Hela kommunen",
                        "kind": L.WHOLE_MUNICIPALITY, "code": mun["code"]})
    _table(wb, L.SHEET_BY_NAME["Områden"], rows)


def _initiatives(wb: Workbook, doc: dict[str, Any]) -> None:
    initiatives = doc.get("initiatives") or []
    count = max([L.MIN_FUNDING_COLUMNS, len(doc.get("funding_sources") or []),
                 *(len(i.get("funding_order") or []) for i in initiatives)])
    rows = []
    for i in initiatives:
        row = dict(i)
        for n, source in enumerate(i.get("funding_order") or [], start=1):
            row[f"funding:{n}"] = source
        rows.append(row)
    sheet = L.SHEET_BY_NAME["Satsningar"]
    extra = [(f"{L.FUNDING_HEADER} {n}", f"funding:{n}", 15) for n in range(1, count + 1)]
    _table(wb, sheet, rows, extra)
    ws = wb["Satsningar"]
    formula = _list_formula(L.FUNDING_IDS)
    first = get_column_letter(len(sheet.columns) + 1)
    last = get_column_letter(len(sheet.columns) + count)
    dv = DataValidation(type="list", formula1=formula, allow_blank=True)
    dv.add(f"{first}2:{last}{VALIDATED_ROWS}")
    ws.add_data_validation(dv)


def _object_codes(wb: Workbook, doc: dict[str, Any], extras: Extras | None) -> None:
    """The initiatives' codes, then (from init) every other code the ledger uses, without an
    initiative: the controller writes the initiative's id beside the programme's codes."""
    names = extras.object_names if extras else {}
    info = {c["code"]: c for c in (extras.candidates if extras else [])}
    years = extras.years if extras else []
    rows, claimed = [], set()
    for i in doc.get("initiatives") or []:
        for code in i.get("object_codes") or []:
            claimed.add(code)
            rows.append({"code": code, "initiative": i["id"], "sie_name": names.get(code)})
    for code, c in info.items():
        if code not in claimed:
            rows.append({"code": code, "sie_name": c.get("name")})
    for row in rows:
        c = info.get(row["code"], {})
        for y in years:
            row[f"booked:{y}"] = (c.get("booked") or {}).get(y)
        row["committees"] = ", ".join(c.get("committees") or []) or None
    extra = [(f"Kostnad {y} (kr)", f"booked:{y}", 16) for y in years]
    if info:
        extra.append(("Nämnder i SIE-filen", "committees", 22))
    _table(wb, L.SHEET_BY_NAME["Objektkoder"], rows, extra)
