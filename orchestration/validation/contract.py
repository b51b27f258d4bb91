"""The delivery against the raw contract (docs/raw-contract.md), before anything is built.

`check_delivery(raw_dir)` reads the registry and the SIE files' declarations and returns every
problem as a Swedish sentence naming file and key path (or line), what was found and what was
expected. `uppfoljning check` prints them; the nightly (orchestration/defs/registry/contract.py)
stops before dbt on a blocker, so a controller reads these sentences and never a dbt error.

The SIE files are scanned by DuckDB (declarations and object lists, one distinct list per
row kind), never a Python object per ledger line; the nightly passes the same facts from the
landing tables it has just loaded instead (`ledger_facts_from_landing`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.readers.errors import SourceFileError
from orchestration.readers.registry.cross_checks import problems as registry_problems
from orchestration.readers.registry.load import load_registry
from orchestration.readers.registry.model import Registry
from orchestration.readers.registry.places import relocate_problems
from orchestration.readers.sie import tokens
from orchestration.readers.sie.chunks import prefetch_blocks
from orchestration.readers.sie.encoding import EncodingError, Transcoder, detect
from orchestration.validation.problems import Problem, Severity, where

__all__ = ["LedgerFacts", "Problem", "check_delivery", "check_registry",
           "ledger_facts_from_landing", "ledger_facts_from_raw"]

SIE_SUFFIXES = (".se", ".si", ".sie")


@dataclass
class LedgerFacts:
    """What the delivered SIE files declare and use, as far as the contract checks need it."""

    files: list[str] = field(default_factory=list)
    # dimension number -> the files that declare it (#DIM or #OBJEKT) or use it on a line
    dimensions: dict[int, set[str]] = field(default_factory=dict)
    # dimension number -> the codes booked on lines (object lists of #TRANS)
    used_codes: dict[int, set[str]] = field(default_factory=dict)
    # dimension number -> the codes declared with #OBJEKT
    declared_codes: dict[int, set[str]] = field(default_factory=dict)


def registry_error(err: SourceFileError, severity: Severity = "blocker") -> Problem:
    place = err.key if err.key is not None else (f"rad {err.line}" if err.line else None)
    return Problem(severity, err.file, place, f"{where(err.file, place)}: {err.reason}")


def check_delivery(raw_dir: Path, ledger: LedgerFacts | None = None) -> list[Problem]:
    """Every contract problem of the delivery in `raw_dir`, blockers first.

    `ledger` gives the SIE facts when the caller has them (the nightly reads its landing
    tables); otherwise the files in raw_dir/ledger are scanned."""
    raw_dir = Path(raw_dir)
    found: list[Problem] = []
    folder = raw_dir / "registry"
    if not folder.is_dir():
        return [Problem("blocker", "registry/", None,
                        "registry/: mappen med styrmodellen saknas; förväntade en mapp "
                        "raw/registry/ med styrmodellens YAML-filer eller styrmodell.xlsx "
                        "(docs/raw-contract.md).")]
    try:
        reg = load_registry(folder, check=False)
    except SourceFileError as err:
        return [registry_error(err)]
    if ledger is None:
        ledger = ledger_facts_from_raw(raw_dir / "ledger", reg.dimension_numbers().values())
    found.extend(check_registry(reg, ledger))
    return sorted(found, key=lambda p: p.severity != "blocker")


def check_registry(reg: Registry, ledger: LedgerFacts) -> list[Problem]:
    """The registry against itself and against what the SIE files declare and use."""
    found = list(registry_problems(reg))
    if not ledger.files:
        found.append(Problem("warning", "ledger/", None,
                             "ledger/: inga SIE-filer levererade; förväntade minst en "
                             "SIE 4-fil (.se, .si eller .sie), annars blir marten tom."))
        return found
    found.extend(_dimension_numbers(reg, ledger))
    found.extend(_unused_object_codes(reg, ledger))
    found.extend(_unmatched_patterns(reg, ledger))
    return relocate_problems(reg.places, found)  # workbook: key paths become cells


def _dimension_numbers(reg: Registry, ledger: LedgerFacts) -> Iterable[Problem]:
    present = ", ".join(str(n) for n in sorted(ledger.dimensions)) or "inga"
    for name, number in reg.dimension_numbers().items():
        if number in ledger.dimensions:
            continue
        place = f"{reg.ledger_origin.key}.dimensions.{name}"
        file = reg.ledger_origin.file
        yield Problem(
            "blocker", file, place,
            f"{where(file, place)}: dimension {number} ({name}) finns inte i någon av "
            f"SIE-filerna ({', '.join(ledger.files)}), varken som #DIM, #OBJEKT eller på en "
            f"rad; förväntade ett nummer som huvudboken använder (filerna har: {present}).")


def _unused_object_codes(reg: Registry, ledger: LedgerFacts) -> Iterable[Problem]:
    number = reg.dimension_numbers().get("object")
    if number is None or number not in ledger.dimensions:
        return  # already a blocker: the codes cannot be judged
    used = ledger.used_codes.get(number, set())
    for i in reg.initiatives:
        for n, code in enumerate(i.object_codes):
            if code in used:
                continue
            place = f"{i.origin.key}.object_codes[{n}]"
            yield Problem(
                "warning", i.origin.file, place,
                f"{where(i.origin.file, place)}: objektkoden {code!r} (satsningen {i.id}) "
                f"används inte på någon rad i huvudboken (dimension {number}); förväntade "
                "att satsningens kostnader bokas på den, eller att koden tas bort.")


def _matches(pattern: str, code: str) -> bool:
    return code.startswith(pattern[:-1]) if pattern.endswith("*") else code == pattern


def _unmatched_patterns(reg: Registry, ledger: LedgerFacts) -> Iterable[Problem]:
    number = reg.dimension_numbers().get("responsibility")
    if number is None or number not in ledger.dimensions:
        return
    codes = ledger.used_codes.get(number, set()) | ledger.declared_codes.get(number, set())
    for c in reg.committees:
        for n, pattern in enumerate(c.responsibility_codes):
            if any(_matches(pattern, code) for code in codes):
                continue
            place = f"{c.origin.key}.responsibility_codes[{n}]"
            yield Problem(
                "warning", c.origin.file, place,
                f"{where(c.origin.file, place)}: ansvarsmönstret {pattern!r} (nämnden {c.id}) "
                f"matchar ingen ansvarskod i huvudboken (dimension {number}); förväntade ett "
                "mönster som matchar nämndens koder, t.ex. '41*'.")


def _sie_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*")
                  if p.is_file() and p.suffix.lower() in SIE_SUFFIXES
                  and not p.name.startswith("."))


def ledger_facts_from_raw(folder: Path, numbers: Iterable[int]) -> LedgerFacts:
    """Declarations and used codes of every SIE file in `folder`.

    The file is read in blocks the way the SIE reader reads it (its encoding detected, each
    block an Arrow table of lines); DuckDB keeps only the declarations and the distinct
    object lists of each block, so memory stays small whatever the file's size."""
    facts = LedgerFacts()
    numbers = sorted(set(numbers))
    con = duckdb.connect()
    try:
        for path in _sie_files(folder):
            facts.files.append(path.name)
            try:
                _scan_file(con, path, numbers, facts)
            except (EncodingError, OSError):
                continue  # the ledger asset quarantines such a file with its own message
    finally:
        con.close()
    return facts


def _scan_file(con: duckdb.DuckDBPyConnection, path: Path, numbers: list[int],
               facts: LedgerFacts) -> None:
    with path.open("rb") as fh:
        sample = fh.read(1 << 16)
    con.execute("CREATE OR REPLACE TEMP TABLE sie_heads(line VARCHAR)")
    con.execute("CREATE OR REPLACE TEMP TABLE sie_lists(obj VARCHAR)")
    for block in prefetch_blocks(path, Transcoder(detect(sample).encoding)):
        con.register("sie_block", block.lines)
        con.execute(r"""
            INSERT INTO sie_heads SELECT ltrim(line) FROM sie_block
            WHERE regexp_matches(line, '^\s*#(DIM|UNDERDIM|OBJEKT)\s')""")
        con.execute(r"""
            INSERT INTO sie_lists SELECT DISTINCT regexp_extract(line, '\{([^}]*)\}', 1)
            FROM sie_block
            WHERE regexp_matches(line, '^\s*#(TRANS|RTRANS|BTRANS|PBUDGET|PSALDO|IB|UB)\s')""")
        con.unregister("sie_block")
    declared = con.execute(r"""
        SELECT DISTINCT CAST(regexp_extract(line, '^#(?:DIM|UNDERDIM|OBJEKT)\s+"?([0-9]+)', 1)
                             AS INTEGER)
        FROM sie_heads""").fetchall()
    for (number,) in declared:
        if number is not None:
            facts.dimensions.setdefault(number, set()).add(path.name)
    for number, code in con.execute(r"""
            SELECT DISTINCT CAST(regexp_extract(line, '^#OBJEKT\s+"?([0-9]+)', 1) AS INTEGER),
                   coalesce(nullif(regexp_extract(line, '^#OBJEKT\s+"?[0-9]+"?\s+"([^"]*)"', 1),
                                   ''),
                            regexp_extract(line, '^#OBJEKT\s+"?[0-9]+"?\s+([^\s"]+)', 1))
            FROM sie_heads WHERE starts_with(line, '#OBJEKT')""").fetchall():
        if number is not None and code:
            facts.declared_codes.setdefault(number, set()).add(code)
    for number in numbers:
        rx = _lit(tokens.dimension_rx(number))
        rows = con.execute(f"""
            SELECT DISTINCT coalesce(nullif(regexp_extract(obj, {rx}, 1), ''),
                                     regexp_extract(obj, {rx}, 2)) AS code
            FROM (SELECT DISTINCT obj FROM sie_lists) WHERE regexp_matches(obj, {rx})""").fetchall()
        codes = {code for (code,) in rows if code}
        if codes:
            facts.dimensions.setdefault(number, set()).add(path.name)
            facts.used_codes.setdefault(number, set()).update(codes)


def ledger_facts_from_landing(conn: duckdb.DuckDBPyConnection,
                              dimensions: dict[str, int]) -> LedgerFacts:
    """The same facts from the landing tables the ledger asset has just written."""
    facts = LedgerFacts()
    tables = {r[0] for r in conn.execute(
        "select table_name from information_schema.tables where table_schema = 'landing'"
    ).fetchall()}
    if "files" in tables:
        facts.files = [r[0] for r in conn.execute(
            "select file_name from landing.files where source = 'ledger' and status = 'loaded' "
            "order by file_name").fetchall()]
    if "ledger_dimensions" in tables:
        for number, file in conn.execute(
                "select distinct dimension_no, source_file from landing.ledger_dimensions "
                "where dimension_no is not null").fetchall():
            facts.dimensions.setdefault(number, set()).add(file)
    if "ledger_objects" in tables:
        for number, code, file in conn.execute(
                "select distinct dimension_no, object_code, source_file "
                "from landing.ledger_objects where object_code is not null").fetchall():
            facts.dimensions.setdefault(number, set()).add(file)
            facts.declared_codes.setdefault(number, set()).add(code)
    if "ledger_transactions" in tables:
        columns = {r[0] for r in conn.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'landing' and table_name = 'ledger_transactions'").fetchall()}
        for name, number in dimensions.items():
            column = f"{name}_code"
            if column not in columns:
                continue
            rows = conn.execute(
                f'select distinct "{column}", source_file from landing.ledger_transactions '
                f'where "{column}" is not null').fetchall()
            for code, file in rows:
                facts.dimensions.setdefault(number, set()).add(file)
                facts.used_codes.setdefault(number, set()).add(code)
    return facts


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
