"""The registry as an Excel workbook (raw/registry/styrmodell.xlsx), read into the same merged
form the YAML files give, so one schema (sections) and one set of cross-checks serve both.

Read with openpyxl in its normal (not read-only) mode. python-calamine 0.9.1 is faster but
returns an empty string for a cell holding an Excel error (#DIV/0!, #REF!): a broken formula
would read as a blank cell. openpyxl's read-only mode keeps the error but has no merged cell
ranges. The normal mode gives all three (error cells, merged ranges, each sheet's visibility)
and the registry is tens of rows, so it reads in well under a second. Cached values are what
is read, as Excel shows them.

Every entry's origin is its row (`Origin("styrmodell.xlsx", "Satsningar!A7")`); the key paths
the sections and cross-checks name (`Satsningar!A7.owner`) are turned into cells
(`Satsningar!C7`) by `place()`, so every message names the cell to fix.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from orchestration.readers.errors import SourceFileError
from orchestration.readers.registry import workbook_layout as L
from orchestration.readers.registry.cross_checks import cross_check
from orchestration.readers.registry.model import Origin, Registry
from orchestration.readers.registry.places import place_of, relocate_text
from orchestration.readers.registry.sections import build_registry
from orchestration.readers.registry.yaml_files import Merged


class WorkbookError(SourceFileError):
    """A problem in the workbook, named by sheet and cell: `Satsningar!C7: ...`."""

    def __init__(self, file: str, place: str | None, reason: str):
        super().__init__(file, reason, key=place)
        self.args = (f"{file}, {place}: {reason}" if place else f"{file}: {reason}",)


def cell(sheet: str, row: int, col: int) -> str:
    """`Satsningar!C7` for row 7 and column 3 (both counted from 1)."""
    return f"{sheet}!{get_column_letter(col)}{row}"


@dataclass
class WorkbookMerged(Merged):
    """The merged form, plus where each key path sits in the workbook."""

    file: str = L.WORKBOOK_NAME
    cells: dict[str, str] = field(default_factory=dict)

    def place(self, key: str | None) -> str | None:
        return place_of(self.cells, key)

    def relocate_text(self, text: str) -> str:
        return relocate_text(self.cells, text)

    def relocate(self, exc: SourceFileError) -> WorkbookError:
        return WorkbookError(self.file, self.place(exc.key), self.relocate_text(exc.reason))


# -- reading cells --------------------------------------------------------------------------


@dataclass
class _Row:
    sheet: str
    number: int  # the Excel row number
    values: dict[str, Any]  # header -> raw value
    columns: dict[str, int]  # header -> column number

    def at(self, header: str) -> str:
        return cell(self.sheet, self.number, self.columns[header])


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _integral(value: float) -> bool:
    return float(value).is_integer()


def _convert(value: Any, col: L.Column, where: str, file: str) -> Any:
    """A cell's value as the registry field wants it, or a WorkbookError naming the cell."""

    def fail(reason: str) -> WorkbookError:
        return WorkbookError(file, where, reason)

    if isinstance(value, _ExcelError):
        raise fail(f"formeln ger felet {value}; rätta formeln eller skriv värdet")
    kind = col.kind
    if isinstance(value, str):
        value = value.strip()
    if kind in (L.TEXT, L.CODE):
        if isinstance(value, bool):
            raise fail(f"{col.header} ska vara text, inte {'SANT' if value else 'FALSKT'}")
        if isinstance(value, dt.date | dt.time | dt.timedelta):
            raise fail(f"{col.header} ska vara text, inte ett datum ({value})")
        if isinstance(value, float) and _integral(value):
            return str(int(value))
        return str(value)
    if kind in (L.INTEGER, L.YEAR):
        what = "året" if kind == L.YEAR else "talet"
        if isinstance(value, dt.date | dt.datetime):
            raise fail(f"{what} är ett datum ({value:%Y-%m-%d}); skriv "
                       f"{'bara året, t.ex. 2024' if kind == L.YEAR else 'ett heltal'}")
        if isinstance(value, bool):
            raise fail(f"{what} ska vara ett heltal, inte {'SANT' if value else 'FALSKT'}")
        if isinstance(value, int | float):
            if not _integral(value):
                raise fail(f"{what} ska vara ett heltal, inte {value}")
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"\d{1,9}", value):
            return int(value)  # a number stored as text: Excel's green corner, still clear
        year = re.search(r"\d{4}", value) if isinstance(value, str) else None
        if kind == L.YEAR and year:
            raise fail(f"\"{value}\" är ett datum skrivet som text, inte ett år; "
                       f"skriv bara året som ett tal, t.ex. {year[0]}")
        raise fail(f"\"{value}\" är text, inte {'ett år' if kind == L.YEAR else 'ett heltal'}")
    if kind in (L.MONEY, L.NUMBER):
        what = "beloppet" if kind == L.MONEY else "värdet"
        if isinstance(value, (bool, dt.date | dt.time | dt.timedelta)):
            raise fail(f"{what} ska vara ett tal, inte {value}")
        if isinstance(value, str):
            hint = " i kronor, utan \"kr\" och mellanslag" if kind == L.MONEY else ""
            raise fail(f"{what} \"{value}\" är text, inte ett tal; skriv det som ett tal{hint}")
        if isinstance(value, float) and _integral(value):
            return int(value)
        return value
    if kind == L.FLAG:
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in (L.YES, "sant", "true"):
            return True
        if word in (L.NO, "falskt", "false"):
            return False
        raise fail(f"\"{value}\" ska vara {L.YES} eller {L.NO}")
    if kind == L.CODES:
        if isinstance(value, float) and _integral(value):
            value = int(value)
        return [part.strip() for part in re.split(r"[,;]", str(value)) if part.strip()]
    if kind in (L.LEVEL, L.AREA_KIND):
        sv, en = ((L.LEVEL_SV, L.LEVEL_EN) if kind == L.LEVEL
                  else (L.AREA_KIND_SV, L.AREA_KIND_EN))
        word = str(value).strip().casefold()
        if word in en:
            return en[word]
        if word in sv:
            return word
        what = "nivån" if kind == L.LEVEL else "slaget"
        raise fail(f"{what} \"{value}\" finns inte; välj " + ", ".join(sv.values()))
    if kind == L.FREQUENCY:
        word = str(value).strip()
        if word in L.FREQUENCY_EN:
            return L.FREQUENCY_EN[word]
        if word in L.FREQUENCY_SV:
            return word
        raise fail(f"frekvensen \"{word}\" finns inte; välj "
                   + ", ".join(L.FREQUENCY_SV.values()))
    raise AssertionError(kind)


class _ExcelError(str):
    """An error value a formula left in a cell (#DIV/0!, #REF!, ...)."""


class _Book:
    """The workbook's sheets as rows of raw values, with the checks every sheet gets."""

    def __init__(self, path: Path):
        self.file = path.name
        try:
            # Cached values, as Excel shows them; a second view keeps the formulas, to tell a
            # formula never calculated (written by a program, not saved by Excel) from a blank.
            self.wb = openpyxl.load_workbook(path, data_only=True)
            self.formulas = openpyxl.load_workbook(path, data_only=False)
        except Exception as exc:  # zipfile, XML and openpyxl's own errors: not a workbook
            raise WorkbookError(self.file, None, "filen går inte att läsa som en "
                                f"Excel-arbetsbok (.xlsx): {exc}") from None
        self.names = set(self.wb.sheetnames)

    def check_sheets(self, warnings: list[str]) -> None:
        known = {s.name for s in L.SHEETS} | {L.SETTINGS, L.INSTRUCTIONS, *L.IGNORED_SHEETS}
        for ws in self.wb.worksheets:
            if ws.sheet_state != "visible":
                raise WorkbookError(
                    self.file, ws.title,
                    f"bladet \"{ws.title}\" är dolt; ett dolt blad kan ha gamla uppgifter som "
                    "ingen ser. Visa bladet (Format > Visa blad) och ta bort det om det inte "
                    "ska läsas")
            if ws.title not in known:
                warnings.append(f"{self.file}: bladet \"{ws.title}\" hör inte till "
                                "styrmodellen och läses inte")
        for name in [L.SETTINGS, *(s.name for s in L.SHEETS)]:
            if name not in self.names:
                raise WorkbookError(self.file, name, f"bladet \"{name}\" saknas i arbetsboken; "
                                    "skapa en ny mall med `uppfoljning registry-template`")

    def grid(self, name: str) -> list[list[Any]]:
        ws, wf = self.wb[name], self.formulas[name]
        for merged in sorted(ws.merged_cells.ranges, key=lambda r: (r.min_row, r.min_col)):
            raise WorkbookError(self.file, f"{name}!{merged.coord}",
                                "sammanslagna celler; dela upp dem (Koppla isär celler) så att "
                                "varje värde står i en egen cell")
        rows = []
        for row, frow in zip(ws.iter_rows(), wf.iter_rows(), strict=True):
            values = []
            for c, f in zip(row, frow, strict=True):
                value = c.value
                if c.data_type == "e":
                    value = _ExcelError(value)
                elif value is None and f.data_type == "f":
                    raise WorkbookError(self.file, f"{name}!{c.coordinate}",
                                        f"formeln {f.value} har inget beräknat värde; öppna "
                                        "filen i Excel och spara den, eller skriv värdet")
                values.append(None if value == "" else value)
            rows.append(values)
        return rows

    def table(self, sheet: L.Sheet, extra_prefix: str | None = None) -> tuple[list[_Row], int]:
        """The sheet's rows keyed by header; the headers must be the layout's (any order)."""
        grid = self.grid(sheet.name)
        header = grid[0] if grid else []
        columns: dict[str, int] = {}
        unknown: list[tuple[int, Any]] = []
        for i, value in enumerate(header, start=1):
            if _is_empty(value):
                continue
            text = str(value).strip()
            match = next((c.header for c in sheet.columns
                          if c.header.casefold() == text.casefold()), None)
            if match is None and extra_prefix and text.startswith(extra_prefix):
                match = text
            if match is None:
                unknown.append((i, text))
            elif match in columns:
                raise WorkbookError(self.file, cell(sheet.name, 1, i),
                                    f"rubriken \"{match}\" står två gånger")
            else:
                columns[match] = i
        for c in sheet.columns:
            if c.header not in columns:
                at = unknown[0][0] if unknown else len(header) + 1
                found = f" (här står \"{unknown[0][1]}\")" if unknown else ""
                raise WorkbookError(
                    self.file, cell(sheet.name, 1, at),
                    f"rubriken \"{c.header}\" saknas{found}; rubrikerna i bladet ska vara: "
                    + ", ".join(x.header for x in sheet.columns))
        rows = []
        for n, values in enumerate(grid[1:], start=2):
            picked = {h: (values[i - 1] if i - 1 < len(values) else None)
                      for h, i in columns.items()}
            if all(_is_empty(v) for v in picked.values()):
                continue
            rows.append(_Row(sheet.name, n, picked, columns))
        return rows, len(header)


# -- building the merged form ---------------------------------------------------------------


class _Reader:
    def __init__(self, path: Path):
        self.book = _Book(path)
        self.file = self.book.file
        self.merged = WorkbookMerged(file=self.file)
        self.ids: dict[str, dict[str, str]] = {}  # list name -> id -> the cell defining it

    def fields(self, row: _Row, sheet: L.Sheet, key: str) -> dict[str, Any]:
        """One row as a registry mapping (nested for dotted fields); every field's key path
        is mapped to its cell, empty or not."""
        out: dict[str, Any] = {}
        for col in sheet.columns:
            where = row.at(col.header)
            self.merged.cells[f"{key}.{col.field}"] = where
            raw = row.values[col.header]
            if _is_empty(raw):
                if col.required:
                    raise WorkbookError(self.file, where,
                                        f"cellen är tom; \"{col.header}\" måste fyllas i")
                continue
            value = _convert(raw, col, where, self.file)
            if col.kind == L.CODES:
                for i in range(len(value)):
                    self.merged.cells[f"{key}.{col.field}[{i}]"] = where
            head, _, tail = col.field.partition(".")
            if tail:
                out.setdefault(head, {})[tail] = value
                self.merged.cells.setdefault(f"{key}.{head}", where)
            else:
                out[col.field] = value
        return out

    def define(self, list_name: str, value: str, where: str, what: str) -> None:
        known = self.ids.setdefault(list_name, {})
        if value in known:
            raise WorkbookError(self.file, where,
                                f"{what} \"{value}\" finns redan i {known[value]}")
        known[value] = where

    def refer(self, col: L.Column, value: Any, where: str) -> None:
        """A value of a drop-down column must be in its list (Excel only enforces the list
        when a value is typed, not when it is pasted)."""
        if col.choices not in L.CHOICE_WORDS:
            return
        known = dict(self.ids.get(col.choices, {}))
        if col.choices == L.RECEIVER_IDS:
            known = {**self.ids.get(L.COMMITTEE_IDS, {}), **self.ids.get("bodies", {})}
        known.update(dict.fromkeys(col.allow, ""))
        word, sheet = L.CHOICE_WORDS[col.choices]
        for v in value if isinstance(value, list) else [value]:
            if v not in known:
                raise WorkbookError(self.file, where, f"{word} \"{v}\" finns inte i bladet "
                                    f"{sheet}")

    def section(self, sheet: L.Sheet, id_field: str | None, list_name: str | None,
                what: str = "") -> list[tuple[_Row, dict[str, Any], str]]:
        rows, _ = self.book.table(sheet)
        out = []
        for row in rows:
            key = cell(sheet.name, row.number, 1)
            value = self.fields(row, sheet, key)
            if id_field and list_name:
                self.define(list_name, value[id_field], self.merged.cells[f"{key}.{id_field}"],
                            what)
            out.append((row, value, key))
        return out

    def check_references(self, sheet: L.Sheet,
                         items: list[tuple[_Row, dict[str, Any], str]]) -> None:
        for _, value, key in items:
            for col in sheet.columns:
                head, _, tail = col.field.partition(".")
                v = value.get(head, {}).get(tail) if tail else value.get(col.field)
                if v is not None and col.choices:
                    self.refer(col, v, self.merged.cells[f"{key}.{col.field}"])

    def add_list(self, name: str, items: list[tuple[_Row, dict[str, Any], str]]) -> None:
        self.merged.lists[name] = [(Origin(self.file, key), value) for _, value, key in items]

    def read(self) -> WorkbookMerged:
        self.book.check_sheets(self.merged.warnings)
        self.settings()
        s = L.SHEET_BY_NAME
        committees = self.section(s["Nämnder"], "id", L.COMMITTEE_IDS, "nämnden")
        bodies = self.section(s["Mottagare"], "id", "bodies", "mottagaren")
        for _, value, key in bodies:
            if value["id"] in self.ids[L.COMMITTEE_IDS]:
                raise WorkbookError(self.file, self.merged.cells[f"{key}.id"],
                                    f"\"{value['id']}\" är redan en nämnd i bladet Nämnder; "
                                    "här står bara organ som inte är nämnder")
        funding = self.section(s["Finansiering"], "id", L.FUNDING_IDS, "finansieringskällan")
        projects = self.section(s["Mandatprojekt"], "code", L.PROJECT_CODES, "mandatprojektet")
        initiatives = self.initiatives()
        self.object_codes(initiatives)
        allocations = self.section(s["Anslag"], None, None)
        areas = self.areas()
        goals = self.section(s["Mål"], "id", L.GOAL_IDS, "målet")
        peer_sets = self.section(s["Jämförelsegrupper"], "id", L.PEER_SET_IDS,
                                 "jämförelsegruppen")
        indicators = self.section(s["Indikatorer"], "id", L.INDICATOR_IDS, "indikatorn")
        self.indicator_areas(indicators)
        self.targets(indicators)
        reports = self.section(s["Rapporter"], None, None)
        for sheet, items in ((s["Mandatprojekt"], projects), (s["Satsningar"], initiatives),
                             (s["Anslag"], allocations), (s["Mål"], goals),
                             (s["Indikatorer"], indicators), (s["Rapporter"], reports)):
            self.check_references(sheet, items)
        for name, items in (("committees", committees), ("bodies", bodies),
                            ("funding_sources", funding), ("mandate_projects", projects),
                            ("initiatives", initiatives), ("allocations", allocations),
                            ("areas", areas), ("goals", goals), ("peer_sets", peer_sets),
                            ("indicators", indicators), ("required_reports", reports)):
            self.add_list(name, items)
        return self.merged

    def areas(self) -> list[tuple[_Row, dict[str, Any], str]]:
        """The districts; a row of kind kommun stands for the whole municipality and must
        carry its code (it is there for the drop-downs, not an area of its own)."""
        raw_code = self.merged.mappings["municipality"][1].get("code")
        code = str(raw_code).zfill(4) if raw_code is not None else None
        out = []
        for row, value, key in self.section(L.SHEET_BY_NAME["Områden"], "id", L.AREA_IDS,
                                            "området"):
            if value.get("kind") != L.WHOLE_MUNICIPALITY:
                out.append((row, value, key))
            elif value["id"] != code:
                raise WorkbookError(self.file, self.merged.cells[f"{key}.id"],
                                    f"raden för hela kommunen (slag kommun) ska ha kommunkoden "
                                    f"\"{code}\" som id, inte \"{value['id']}\"")
        # the municipality's code is an area everywhere, with or without its row
        if code is not None:
            self.ids.setdefault(L.AREA_IDS, {}).setdefault(
                code, self.merged.cells["municipality.code"])
        return out

    def indicator_areas(self, indicators: list[tuple[_Row, dict[str, Any], str]]) -> None:
        """Indikatorområden: each row adds an area to its indicator, with the area's own
        baseline if one is given."""
        sheet = L.SHEET_BY_NAME["Indikatorområden"]
        by_id = {value["id"]: (value, key) for _, value, key in indicators}
        for _value, key in by_id.values():
            self.merged.cells[f"{key}.areas"] = f"{sheet.name}!A1"
        seen: dict[tuple[str, str], str] = {}
        for _row, value, key in self.section(sheet, None, None):
            where = self.merged.cells[f"{key}.area"]
            self.refer(sheet.columns[0], value["indicator"],
                       self.merged.cells[f"{key}.indicator"])
            self.refer(sheet.columns[1], value["area"], where)
            ident = (value["indicator"], value["area"])
            if ident in seen:
                raise WorkbookError(self.file, where, f"området {ident[1]} för {ident[0]} står "
                                    f"redan i {seen[ident]}")
            seen[ident] = where
            ind, ind_key = by_id[value["indicator"]]
            areas = ind.setdefault("areas", [])
            self.merged.cells[f"{ind_key}.areas[{len(areas)}]"] = where
            areas.append(value["area"])
            if "baseline" in value:
                ind.setdefault("area_baselines", {})[value["area"]] = value["baseline"]
                self.merged.cells[f"{ind_key}.area_baselines.{value['area']}"] = \
                    self.merged.cells[f"{key}.baseline"]

    def settings(self) -> None:
        grid = self.book.grid(L.SETTINGS)
        labels = {label: (path, kind) for label, path, kind in L.SETTING_ROWS}
        found: dict[str, Any] = {"municipality": {}, "ledger": {}}
        seen: set[str] = set()
        for n, row in enumerate(grid[1:], start=2):
            label = row[0] if row else None
            if _is_empty(label):
                continue
            label = str(label).strip()
            raw = row[1] if len(row) > 1 else None
            where = cell(L.SETTINGS, n, 2)
            path, kind = labels.get(label, (f"ledger.{label}", L.TEXT))
            seen.add(label)
            self.merged.cells[path] = where
            if _is_empty(raw):
                continue
            value = _convert(raw, L.Column(label, path, kind), where, self.file)
            if path == "municipality.code" and isinstance(raw, int | float):
                value = int(value)  # 484 typed as a number: the sections pad it to "0484"
            section, _, name = path.partition(".")
            found[section][name] = value
            if kind == L.CODES:
                for i in range(len(value)):
                    self.merged.cells[f"{path}[{i}]"] = where
        for label, _path, _ in L.SETTING_ROWS:
            if label not in seen:
                raise WorkbookError(self.file, L.SETTINGS,
                                    f"raden \"{label}\" saknas i bladet {L.SETTINGS} (kolumn A)")
        self.merged.cells["municipality"] = L.SETTINGS
        self.merged.cells["ledger"] = L.SETTINGS
        found["ledger"]["dimensions"] = self.dimensions()
        for section in ("municipality", "ledger"):
            self.merged.mappings[section] = (self.file, found[section])

    def dimensions(self) -> dict[str, int]:
        sheet = L.SHEET_BY_NAME["Dimensioner"]
        self.merged.cells["ledger.dimensions"] = f"{sheet.name}!A1"
        out: dict[str, int] = {}
        for _row, value, key in self.section(sheet, None, None):
            name = L.DIMENSION_EN.get(value["name"], value["name"])
            where = self.merged.cells[f"{key}.name"]
            if name in out:
                raise WorkbookError(self.file, where,
                                    f"dimensionen \"{value['name']}\" står två gånger")
            out[name] = value["number"]
            self.merged.cells[f"ledger.dimensions.{name}"] = self.merged.cells[f"{key}.number"]
        return out

    def initiatives(self) -> list[tuple[_Row, dict[str, Any], str]]:
        sheet = L.SHEET_BY_NAME["Satsningar"]
        rows, width = self.book.table(sheet, extra_prefix=L.FUNDING_HEADER)
        out = []
        for row in rows:
            key = cell(sheet.name, row.number, 1)
            value = self.fields(row, sheet, key)
            self.define(L.INITIATIVE_IDS, value["id"], self.merged.cells[f"{key}.id"],
                        "satsningen")
            funding_cols = sorted((i, h) for h, i in row.columns.items()
                                  if h.startswith(L.FUNDING_HEADER))
            order = []
            col = L.Column(L.FUNDING_HEADER, "funding_order", L.CODE, choices=L.FUNDING_IDS)
            for _i, header in funding_cols:
                raw = row.values[header]
                if _is_empty(raw):
                    continue
                where = row.at(header)
                self.merged.cells[f"{key}.funding_order[{len(order)}]"] = where
                source = _convert(raw, col, where, self.file)
                self.refer(col, source, where)
                order.append(source)
            self.merged.cells[f"{key}.funding_order"] = cell(sheet.name, row.number,
                                                             funding_cols[0][0])
            value["funding_order"] = order
            value["object_codes"] = []
            self.merged.cells[f"{key}.object_codes"] = "Objektkoder!A1"
            out.append((row, value, key))
        return out

    def object_codes(self, initiatives: list[tuple[_Row, dict[str, Any], str]]) -> None:
        sheet = L.SHEET_BY_NAME["Objektkoder"]
        by_id = {value["id"]: (value, key) for _, value, key in initiatives}
        seen: dict[str, str] = {}
        for _row, value, key in self.section(sheet, None, None):
            if "initiative" not in value:
                continue  # a candidate the controller has not given to an initiative
            where = self.merged.cells[f"{key}.code"]
            code = value["code"]
            if code in seen:
                raise WorkbookError(self.file, where,
                                    f"objektkoden \"{code}\" står redan i {seen[code]}; en "
                                    "objektkod hör till en satsning")
            seen[code] = where
            self.refer(sheet.columns[1], value["initiative"],
                       self.merged.cells[f"{key}.initiative"])
            init, init_key = by_id[value["initiative"]]
            self.merged.cells[f"{init_key}.object_codes[{len(init['object_codes'])}]"] = where
            init["object_codes"].append(code)

    def targets(self, indicators: list[tuple[_Row, dict[str, Any], str]]) -> None:
        sheet = L.SHEET_BY_NAME["Målvärden"]
        by_id = {value["id"]: (value, key) for _, value, key in indicators}
        seen: dict[tuple[str, int], str] = {}
        for _row, value, key in self.section(sheet, None, None):
            where = self.merged.cells[f"{key}.year"]
            self.refer(sheet.columns[0], value["indicator"],
                       self.merged.cells[f"{key}.indicator"])
            area = value.get("area")
            if area is not None:
                self.refer(sheet.columns[3], area, self.merged.cells[f"{key}.area"])
            ident = (value["indicator"], area, value["year"])
            if ident in seen:
                what = f"{ident[0]} {ident[2]}" + (f" i {area}" if area else "")
                raise WorkbookError(self.file, where,
                                    f"målvärdet för {what} står redan i {seen[ident]}")
            seen[ident] = where
            ind, ind_key = by_id[value["indicator"]]
            if area is None:
                ind.setdefault("targets", {})[value["year"]] = value["target"]
                target_key = f"{ind_key}.targets.{value['year']}"
            else:
                ind.setdefault("area_targets", {}).setdefault(area, {})[value["year"]] = \
                    value["target"]
                self.merged.cells.setdefault(f"{ind_key}.area_targets.{area}",
                                             self.merged.cells[f"{key}.area"])
                target_key = f"{ind_key}.area_targets.{area}.{value['year']}"
            self.merged.cells[target_key] = self.merged.cells[f"{key}.target"]


def read_workbook(path: Path) -> WorkbookMerged:
    """The workbook as the merged form `sections.build_registry` takes; raises WorkbookError
    naming the sheet and cell of the first problem."""
    return _Reader(Path(path)).read()


def load_workbook_registry(path: Path, check: bool = True) -> Registry:
    """The workbook built and cross-checked exactly as the YAML files are; every error and
    warning names the sheet and cell."""
    merged = read_workbook(path)
    try:
        reg = build_registry(merged, [merged.file])
        reg.places = merged.cells
        if check:
            cross_check(reg)
    except SourceFileError as exc:
        if isinstance(exc, WorkbookError):
            raise
        raise merged.relocate(exc) from None
    reg.warnings[:] = [merged.relocate_text(w) for w in reg.warnings]
    return reg
