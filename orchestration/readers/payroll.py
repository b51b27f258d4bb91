"""Payroll export reader: one month's semicolon-separated file to an aggregated Arrow table.

Personal data is dropped while the file is parsed: `personnummer` and `namn` are never selected,
and `anstallningsnr` is replaced by a keyed SHA-256 at once, kept only to count distinct people.
Nothing returned, raised or logged carries a value from those columns, nor an individual's pay.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration.readers.csv_checks import (
    CsvTable,
    check_header,
    connect,
    first_failures,
    load_csv,
    quote_literal,
    raise_first,
    read_header,
    run,
)
from orchestration.readers.errors import SourceFileError

PAYROLL_COLUMNS = [
    "period",
    "anstallningsnr",
    "personnummer",
    "namn",
    "befattning",
    "lonart",
    "lonartstext",
    "antal",
    "belopp",
    "konto",
    "ansvar",
    "verksamhet",
    "projekt",
    "objekt",
    "sysselsattningsgrad",
]
DELIMITER = ";"

# Columns kept after the first step (besides the hash); all may be checked for personnummer.
_PERSONAL = ("anstallningsnr", "personnummer", "namn")
_KEPT = [c for c in PAYROLL_COLUMNS if c not in _PERSONAL]

# 10 or 12 digits, optionally with - or + before the last four, not inside a longer number.
PERSONNUMMER_RE = r"(^|[^0-9])([0-9]{6}|[0-9]{8})[-+]?[0-9]{4}([^0-9]|$)"
PERIOD_RE = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
_NAME_PERIOD = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})-?(0[1-9]|1[0-2])(?![0-9])")

# Swedish numbers: decimal comma; space, no-break space or narrow no-break space between groups
# of three; an ASCII or Unicode minus may lead.
_SEP = " \u00a0\u202f"
_MINUS = "-\u2212"
_INT = f"[{_MINUS}]?([0-9]{{1,3}}([{_SEP}][0-9]{{3}})+|[0-9]+)"
NUMBER_RE = f"^{_INT}(,[0-9]+)?$"
MONEY_RE = f"^{_INT}(,[0-9]{{1,2}})?$"
# 0-100 as Swedish number text: a regex is much cheaper than casting every row to check.
GRADE_RE = "^(100(,0+)?|[0-9]{1,2}(,[0-9]+)?)$"

OUTPUT_SCHEMA = pa.schema(
    [
        ("source_file", pa.string()),
        ("period", pa.string()),
        ("account", pa.string()),
        ("responsibility_code", pa.string()),
        ("activity_code", pa.string()),
        ("project_code", pa.string()),
        ("object_code", pa.string()),
        ("job_title", pa.string()),
        ("amount", pa.decimal128(18, 2)),
        ("hours", pa.decimal128(18, 2)),
        ("head_count", pa.int32()),
        ("fte", pa.decimal128(10, 2)),
        ("source_rows", pa.int32()),
    ]
)


def payroll_period_from_name(name: str) -> str | None:
    """The period a file name carries as YYYY-MM or YYYYMM (lon_2022-05.csv -> '2022-05').

    None when there is none, or when the name carries two different ones.
    """
    found = {f"{m.group(1)}-{m.group(2)}" for m in _NAME_PERIOD.finditer(Path(name).name)}
    return found.pop() if len(found) == 1 else None


def _number(column: str, precision: int, scale: int) -> str:
    """Cast validated Swedish number text to DECIMAL (plain replace: faster than a regex)."""
    plain = column
    for sep in _SEP:
        plain = f"replace({plain}, chr({ord(sep)}), '')"
    plain = f"replace(replace({plain}, ',', '.'), chr({ord(chr(0x2212))}), '-')"
    return f"CAST({plain} AS DECIMAL({precision},{scale}))"


def _first_select(hash_key: bytes) -> str:
    # The key goes in as hex text: any bytes are allowed, and the text never leaves DuckDB.
    key = quote_literal(hash_key.hex())
    kept = ", ".join(f"nullif(trim({c}), '') AS {c}" for c in _KEPT)
    anst = "nullif(trim(anstallningsnr), '')"
    return (
        f"{kept}, sha256({key} || '|' || {anst}) AS employee_hash, "
        f"coalesce(regexp_matches({anst}, '{PERSONNUMMER_RE}'), false) AS anstallningsnr_is_pnr"
    )


def read_payroll(path: Path, hash_key: bytes) -> pa.Table:
    """One month's payroll file, aggregated per period, coding string and job title."""
    if not hash_key:
        raise ValueError("hash_key must not be empty")
    path = Path(path)
    file = path.name
    name_period = payroll_period_from_name(file)
    header = read_header(path, file)
    # Columns are found by header name; columns the contract does not name are never read.
    names = check_header(file, header, PAYROLL_COLUMNS, DELIMITER, allow_extra=True)
    if name_period is None:
        raise SourceFileError(
            file, "the file name must carry the period as YYYY-MM or YYYYMM, e.g. lon_2022-05.csv"
        )
    # Rows are spilled, if at all, to a private folder that is removed with the connection.
    spill = tempfile.TemporaryDirectory(prefix="payroll_spill_")
    con = connect(spill.name)
    try:
        csv = load_csv(
            con,
            path,
            file,
            names,
            DELIMITER,
            "payroll_rows",
            _first_select(hash_key),
            personal_data=True,
        )
        if csv.rows == 0:
            raise SourceFileError(file, "no data rows: the file has a header only")
        _validate(con, csv, name_period)
        return _aggregate(con, csv)
    except duckdb.Error as exc:
        # DuckDB's text may quote a value from the file: pass on only the kind of error.
        raise SourceFileError(
            file,
            f"a value could not be converted ({type(exc).__name__}; e.g. an amount too large "
            "for DECIMAL(18,2))",
        ) from None
    finally:
        con.close()
        spill.cleanup()


def _validate(con: duckdb.DuckDBPyConnection, csv: CsvTable, name_period: str) -> None:
    # One cheap scan: the first row's period, and the longest value of each column (a
    # personnummer needs 10 bytes, so only columns with values that long are searched for one;
    # that regex is the costliest check on a big file).
    first = run(
        con,
        "SELECT arg_min(period, source_line), min(source_line), "
        + ", ".join(f"max(strlen({c}))" for c in _KEPT)
        + f" FROM {csv.view}",
    )[0]
    first_period, first_line, lengths = first[0], first[1], first[2:]
    pnr_check = "anstallningsnr_is_pnr"
    long_columns = [c for c, n in zip(_KEPT, lengths, strict=True) if n is not None and n >= 10]
    if long_columns:
        text = "concat_ws(chr(31), " + ", ".join(long_columns) + ")"
        pnr_check += f" OR regexp_matches({text}, '{PERSONNUMMER_RE}')"
    rules = [
        ("pnr", pnr_check),
        ("period_format", f"period IS NULL OR NOT regexp_full_match(period, '{PERIOD_RE}')"),
        ("several_periods", f"period IS DISTINCT FROM {quote_literal(first_period or '')}"),
        ("name_period", f"period <> {quote_literal(name_period)}"),
        ("no_employee", "employee_hash IS NULL"),
        ("no_account", "konto IS NULL"),
        ("no_amount", "belopp IS NULL"),
        ("amount_number", f"NOT regexp_full_match(belopp, '{MONEY_RE}')"),
        ("hours_number", f"NOT regexp_full_match(antal, '{NUMBER_RE}')"),
        ("grade", f"NOT regexp_full_match(sysselsattningsgrad, '{GRADE_RE}')"),
    ]
    failures = first_failures(con, csv.view, rules)
    if not failures:
        return
    if "period_format" in failures:
        # A malformed period differs from the file name's by definition: say it once.
        failures.pop("name_period", None)
    reasons = {
        "pnr": "a value looks like a personnummer (10 or 12 digits) outside column personnummer",
        "period_format": "period is not written YYYY-MM",
        "several_periods": (
            f"more than one period in the file: {first_period} on line {first_line} and another "
            "on this line; a payroll file holds one month"
        ),
        "name_period": f"period differs from the period {name_period} in the file name",
        "no_employee": "anstallningsnr is empty",
        "no_account": "konto is empty",
        "no_amount": "belopp is empty",
        "amount_number": "belopp is not a number in Swedish format (e.g. -1 234,50)",
        "hours_number": "antal is not a number in Swedish format (e.g. 7,5)",
        "grade": "sysselsattningsgrad is outside 0-100",
    }
    if "pnr" in failures:
        reasons["pnr"] = _pnr_reason(con, csv, failures["pnr"])
    if "amount_number" in failures:
        # One scan checks money format; only the offending line is asked which part failed.
        line = failures["amount_number"]
        number = run(
            con,
            f"SELECT regexp_full_match(belopp, '{NUMBER_RE}') FROM {csv.view} "
            "WHERE source_line = ?",
            [line],
        )[0][0]
        if number:
            reasons["amount_number"] = "belopp has more than two decimals"
    if "grade" in failures:
        number = run(
            con,
            f"SELECT regexp_full_match(sysselsattningsgrad, '{NUMBER_RE}') FROM {csv.view} "
            "WHERE source_line = ?",
            [failures["grade"]],
        )[0][0]
        if not number:
            reasons["grade"] = "sysselsattningsgrad is not a number in Swedish format (e.g. 62,5)"
    if first_period != name_period and "name_period" in failures:
        reasons["name_period"] = (
            f"period {first_period} differs from the period {name_period} in the file name"
        )
    raise_first(csv.file, failures, reasons, [name for name, _ in rules])


def _pnr_reason(con: duckdb.DuckDBPyConnection, csv: CsvTable, line: int) -> str:
    """Name the columns of one line that hold a personnummer-like value, never the value."""
    flags = ", ".join(f"coalesce(regexp_matches({c}, '{PERSONNUMMER_RE}'), false)" for c in _KEPT)
    row = run(
        con, f"SELECT anstallningsnr_is_pnr, {flags} FROM {csv.view} WHERE source_line = ?", [line]
    )[0]
    columns = [c for c, hit in zip(["anstallningsnr", *_KEPT], row, strict=True) if hit]
    return (
        f"column {', '.join(columns)} holds a value that looks like a personnummer "
        "(10 or 12 digits); personal identity numbers belong only in column personnummer"
    )


def _aggregate(con: duckdb.DuckDBPyConnection, csv: CsvTable) -> pa.Table:
    keys = "period, konto, ansvar, verksamhet, projekt, objekt, befattning"
    sql = f"""
        WITH typed AS (
            SELECT {keys}, employee_hash,
                {_number("belopp", 18, 2)} AS amount,
                {_number("antal", 18, 4)} AS hours,
                {_number("sysselsattningsgrad", 9, 4)} AS grade
            FROM {csv.table}
        ), per_employee AS (
            -- An employee's share of a post is the largest grade on any of their rows in the
            -- group: pay types repeat the grade, they do not add to it.
            SELECT {keys}, employee_hash, sum(amount) AS amount, sum(hours) AS hours,
                max(grade) AS grade, count(*) AS source_rows
            FROM typed GROUP BY ALL
        )
        SELECT {quote_literal(csv.file)} AS source_file,
            period, konto AS account, ansvar AS responsibility_code,
            verksamhet AS activity_code, projekt AS project_code, objekt AS object_code,
            befattning AS job_title,
            CAST(sum(amount) AS DECIMAL(18,2)) AS amount,
            CAST(coalesce(sum(hours), 0) AS DECIMAL(18,2)) AS hours,
            CAST(count(*) AS INTEGER) AS head_count,
            CAST(coalesce(sum(grade), 0) * 0.01 AS DECIMAL(10,2)) AS fte,
            CAST(sum(source_rows) AS INTEGER) AS source_rows
        FROM per_employee
        GROUP BY ALL
        ORDER BY ALL NULLS FIRST
    """
    return con.sql(sql).to_arrow_table().cast(OUTPUT_SCHEMA)
