"""Shared CSV plumbing for the payroll, grants and reports readers.

The header is checked in Python (it is one line); the rows are parsed by DuckDB into a temporary
table of VARCHAR columns, and every row gets the 1-based physical line it started on, so that
the readers can name the first offending line of each rule in plain SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.readers.errors import SourceFileError

BOM = b"\xef\xbb\xbf"
_HEADER_PROBE_BYTES = 1 << 20
_CHUNK = 1 << 22
_CANDIDATE_DELIMITERS = (";", ",", "\t", "|")
_DELIMITER_NAMES = {";": "';'", ",": "','", "\t": "tab", "|": "'|'"}

# ISO 8601 calendar date as the contracts write it; try_cast then rejects 2022-02-30.
ISO_DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# Amounts in the registers the project defines: '.' decimal point, no thousands separator.
PLAIN_NUMBER_RE = r"^-?[0-9]+(\.[0-9]+)?$"
PLAIN_MONEY_RE = r"^-?[0-9]+(\.[0-9]{1,2})?$"

# Reasons for DuckDB's reject types, in our own words: DuckDB's message may quote the line,
# and a payroll line carries personal data.
_REJECT_REASONS = {
    "TOO MANY COLUMNS": "the line has more fields than the header",
    "MISSING COLUMNS": "the line has fewer fields than the header",
    "INVALID ENCODING": "the line is not valid UTF-8",
    "UNQUOTED VALUE": "a quote is not closed, or a closing quote is followed by other characters",
    "LINE SIZE OVER MAXIMUM": "the line is longer than the reader allows",
}


@dataclass(frozen=True)
class CsvTable:
    """A parsed CSV file: `view` has the named VARCHAR columns plus `source_line`."""

    file: str
    table: str
    view: str
    rows: int


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def delimiter_name(delim: str) -> str:
    return _DELIMITER_NAMES.get(delim, repr(delim))


def read_header(path: Path, file: str) -> str:
    """The first line without BOM and line ending; raises for an empty or non-UTF-8 file."""
    with path.open("rb") as fh:
        probe = fh.read(_HEADER_PROBE_BYTES)
    if probe.startswith(BOM):
        probe = probe[len(BOM) :]
    if not probe.strip():
        raise SourceFileError(file, "empty file: no header and no rows")
    first = probe.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        return first.decode("utf-8")
    except UnicodeDecodeError:
        raise SourceFileError(file, "the header is not valid UTF-8", line=1) from None


def check_header(
    file: str,
    header: str,
    expected: list[str],
    delim: str,
    *,
    allow_extra: bool,
) -> list[str]:
    """Column names in file order (trimmed, lower-cased) after checking them against `expected`.

    Names are compared case-insensitively because spreadsheet tools like to capitalise; the set
    must otherwise be exact (plus unknown extra columns where the contract allows them).
    """
    if delim not in header:
        used = [d for d in _CANDIDATE_DELIMITERS if d != delim and d in header]
        if used:
            raise SourceFileError(
                file,
                f"wrong delimiter: the header is separated by {delimiter_name(used[0])}, "
                f"expected {delimiter_name(delim)}",
                line=1,
            )
    names = [n.strip().strip('"').strip().lower() for n in header.split(delim)]
    seen: set[str] = set()
    for name in names:
        # Spreadsheets leave unnamed columns after the last one; those may repeat.
        if name in seen and name:
            raise SourceFileError(file, f"column {name!r} appears twice in the header", line=1)
        seen.add(name)
    missing = [c for c in expected if c not in seen]
    extra = [n for n in names if n not in expected]
    problems = []
    if missing:
        problems.append("missing column(s): " + ", ".join(missing))
    # Extra columns are named even where allowed when one is missing: a renamed column is the
    # usual cause.
    if extra and (missing or not allow_extra):
        problems.append("unexpected column(s): " + ", ".join(repr(e) for e in extra))
    if problems:
        problems.append("expected header: " + delim.join(expected))
        raise SourceFileError(file, "; ".join(problems), line=1)
    return names


def physical_line_of_byte(path: Path, byte_position: int) -> int:
    """1-based line holding `byte_position`: DuckDB's own line count skips quoted line breaks."""
    newlines = 0
    remaining = byte_position
    with path.open("rb") as fh:
        while remaining > 0:
            chunk = fh.read(min(_CHUNK, remaining))
            if not chunk:
                break
            newlines += chunk.count(b"\n")
            remaining -= len(chunk)
    return newlines + 1


def count_content_lines(path: Path) -> int:
    """Physical lines up to the last non-blank one: trailing blank lines are common and
    harmless, and must not force the slow line map."""
    newlines = 0
    tail = b""
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            newlines += chunk.count(b"\n")
            # Keep only what may belong to the trailing run of line breaks.
            tail = chunk if chunk.strip(b"\r\n") else tail + chunk
    trailing = tail[len(tail.rstrip(b"\r\n")) :]
    return newlines - trailing.count(b"\n") + 1


def load_csv(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    file: str,
    names: list[str],
    delim: str,
    table: str,
    select: str,
    *,
    personal_data: bool = False,
) -> CsvTable:
    """Parse `path` into temp table `table` with `SELECT {select}` over the file's columns.

    `select` refers to the file's columns by their header names (quoted identifiers are fine);
    they are read positionally, so odd header text never reaches SQL. Rows DuckDB cannot split
    raise SourceFileError with the physical line. With `personal_data`, no DuckDB message
    (which may quote a line) is passed on.
    """
    positional = {f"c{i}": "VARCHAR" for i in range(len(names))}
    columns = "{" + ", ".join(f"{quote_literal(k)}: 'VARCHAR'" for k in positional) + "}"
    renames = ", ".join(
        f"c{i} AS {quote_ident(n or f'_unnamed_{i + 1}')}" for i, n in enumerate(names)
    )
    rejects = f"{table}_rejects"
    sql = f"""
        CREATE TEMP TABLE {table} AS
        SELECT {select} FROM (
            SELECT {renames}
            FROM read_csv({quote_literal(str(path))}, delim = {quote_literal(delim)},
                header = true, all_varchar = true, auto_detect = false,
                quote = '"', escape = '"', columns = {columns},
                store_rejects = true, rejects_table = {quote_literal(rejects)},
                rejects_scan = {quote_literal(rejects + "_scan")})
        )
    """
    try:
        run(con, sql)
    except duckdb.Error as exc:
        detail = "" if personal_data else f": {str(exc).splitlines()[0]}"
        raise SourceFileError(file, f"cannot be parsed as CSV{detail}") from None
    _raise_first_reject(con, path, file, rejects, len(names), delim)
    rows = run(con, f"SELECT count(*) FROM {table}")[0][0]
    view = f"{table}_lines"
    if count_content_lines(path) == rows + 1:
        # One record per line and no blank lines: the insertion-ordered rowid is the line.
        run(con, f"CREATE TEMP VIEW {view} AS SELECT *, rowid + 2 AS source_line FROM {table}")
    else:
        _create_line_map(con, path, f"{table}_line_map")
        run(
            con,
            f"CREATE TEMP VIEW {view} AS SELECT t.*, m.line AS source_line "
            f"FROM {table} t JOIN {table}_line_map m ON m.rec = t.rowid",
        )
    return CsvTable(file=file, table=table, view=view, rows=rows)


def _raise_first_reject(
    con: duckdb.DuckDBPyConnection, path: Path, file: str, rejects: str, width: int, delim: str
) -> None:
    rows = run(
        con,
        f"SELECT byte_position, error_type, error_message FROM {rejects} "
        "ORDER BY byte_position LIMIT 1",
    )
    if not rows:
        return
    byte_position, error_type, message = rows[0]
    reason = _REJECT_REASONS.get(error_type, f"the line cannot be parsed ({error_type.lower()})")
    found = re.search(r"Found: (\d+)", message or "")
    if error_type in ("TOO MANY COLUMNS", "MISSING COLUMNS") and found:
        reason = (
            f"the line has {found.group(1)} fields separated by {delimiter_name(delim)}, "
            f"the header has {width}"
        )
    raise SourceFileError(file, reason, line=physical_line_of_byte(path, byte_position))


def _create_line_map(con: duckdb.DuckDBPyConnection, path: Path, name: str) -> None:
    """Map record number (0-based, header excluded) to the physical line it starts on.

    Used only when a quoted field spans lines or blank lines occur. A line starts a record when
    it is not blank and an even number of quote characters precede it in the file.
    """
    run(
        con,
        f"""
        CREATE TEMP TABLE {name} AS
        WITH lines AS (
            SELECT unnest(parts) AS txt, generate_subscripts(parts, 1) AS line
            FROM (SELECT string_split(content, chr(10)) AS parts
                  FROM read_text({quote_literal(str(path))}))
        ), quoted AS (
            SELECT line, txt,
                coalesce(sum(length(txt) - length(replace(txt, '"', ''))) OVER (
                    ORDER BY line ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
                    AS quotes_before
            FROM lines
        )
        SELECT row_number() OVER (ORDER BY line) - 2 AS rec, line
        FROM quoted
        WHERE quotes_before % 2 = 0 AND rtrim(txt, chr(13)) <> ''
        """,
    )


def first_failures(
    con: duckdb.DuckDBPyConnection, view: str, rules: list[tuple[str, str]]
) -> dict[str, int]:
    """First `source_line` at which each rule's SQL condition holds, for the rules that fail.

    One scan of the view: each rule is a `min(source_line) FILTER (WHERE …)` aggregate.
    """
    if not rules:
        return {}
    aggregates = ", ".join(
        f"min(source_line) FILTER (WHERE coalesce({cond}, false)) AS {quote_ident(name)}"
        for name, cond in rules
    )
    row = run(con, f"SELECT {aggregates} FROM {view}")[0]
    return {name: line for (name, _), line in zip(rules, row, strict=True) if line is not None}


def raise_first(
    file: str, failures: dict[str, int], reasons: dict[str, str], order: list[str]
) -> None:
    """Raise for the first failing rule in `order`, naming up to two more that also fail."""
    failing = [name for name in order if name in failures]
    if not failing:
        return
    first, *others = failing
    reason = reasons[first]
    if others:
        also = "; ".join(f"{reasons[o]} (first at line {failures[o]})" for o in others[:2])
        more = f" and {len(others) - 2} more" if len(others) > 2 else ""
        reason += f" [also: {also}{more}]"
    raise SourceFileError(file, reason, line=failures[first])


def run(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[tuple]:
    """Execute and drain: this DuckDB refuses new work while a result is only partly fetched."""
    return con.execute(sql, params).fetchall() if params else con.execute(sql).fetchall()


def bad_date_sql(column: str) -> str:
    """SQL condition: a non-empty value that is not a real ISO 8601 date."""
    return (
        f"{column} IS NOT NULL AND (NOT regexp_full_match({column}, '{ISO_DATE_RE}') "
        f"OR try_cast({column} AS DATE) IS NULL)"
    )


def money_rules(column: str, *, required: bool) -> list[tuple[str, str, str]]:
    """(rule, SQL condition, reason) for a non-negative DECIMAL(18,2) amount column."""
    # Sign, decimals and size are judged only for numbers, so one bad value gives one reason.
    number = f"regexp_full_match({column}, '{PLAIN_NUMBER_RE}')"
    rules = [
        (
            f"{column}_number",
            f"NOT {number}",
            f"{column} is not a number (digits with '.' as decimal point)",
        ),
        (
            f"{column}_decimals",
            f"{number} AND NOT regexp_full_match({column}, '{PLAIN_MONEY_RE}')",
            f"{column} has more than two decimals",
        ),
        (f"{column}_negative", f"{number} AND starts_with({column}, '-')", f"{column} is negative"),
        (
            f"{column}_size",
            f"{number} AND length(split_part(ltrim({column}, '-'), '.', 1)) > 16",
            f"{column} is too large for DECIMAL(18,2)",
        ),
    ]
    if required:
        rules.insert(0, (f"{column}_empty", f"{column} IS NULL", f"{column} is empty"))
    return rules


def required_rules(columns: list[str]) -> list[tuple[str, str, str]]:
    return [(f"{c}_empty", f"{c} IS NULL", f"{c} is empty") for c in columns]


def check_rules(
    con: duckdb.DuckDBPyConnection, csv: CsvTable, rules: list[tuple[str, str, str]]
) -> None:
    """Raise for the first failing (rule, condition, reason), in list order."""
    failures = first_failures(con, csv.view, [(name, cond) for name, cond, _ in rules])
    reasons = {name: reason for name, _, reason in rules}
    raise_first(csv.file, failures, reasons, [name for name, _, _ in rules])


def trimmed_select(columns: list[str]) -> str:
    """Every column trimmed, empty text as NULL: spreadsheets pad and leave blanks."""
    return ", ".join(f"nullif(trim({quote_ident(c)}), '') AS {quote_ident(c)}" for c in columns)


def conversion_error(file: str, exc: duckdb.Error) -> SourceFileError:
    """A value that passed the checks and still failed to convert (e.g. an overflow)."""
    return SourceFileError(file, f"a value could not be converted: {str(exc).splitlines()[0]}")


def connect(spill_dir: str | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory connection of its own, so temp tables and rejects never mix between files.

    `spill_dir`: where DuckDB may offload data when memory runs short (by default a `.tmp`
    folder in the working directory, which for payroll would be the wrong place).
    """
    con = duckdb.connect(":memory:")
    run(con, "SET preserve_insertion_order = true")
    if spill_dir is not None:
        run(con, f"SET temp_directory = {quote_literal(spill_dir)}")
    return con
