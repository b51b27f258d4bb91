"""A scan for personal data where BI could see it: every text value of the mart and of the
payroll landing table, and every column name of the warehouse. Personnummer are matched with
or without century and dash; the scan runs inside DuckDB."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

# YYMMDD or YYYYMMDD, optional - or +, four digits; not inside a longer run of digits
PERSONNUMMER_RE = (r"(^|[^0-9])((19|20)[0-9]{2}|[0-9]{2})(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])"
                   r"[-+]?[0-9]{4}([^0-9]|$)")
PERSONAL_COLUMN_RE = (r"(?i)(personnummer|person_?number|^namn$|^employee_name$|anstallningsnr"
                      r"|employee_number|^ssn$)")
SCANNED = ("marts", "landing.payroll_monthly")
NOT_TEXT = ("finding_id", "file_sha256")  # hashes: hex digits may look like a date


@dataclass
class Hit:
    table: str
    column: str
    rows: int
    reason: str


def text_columns(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    rows = conn.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where data_type = 'VARCHAR' and table_schema in ('landing', 'staging', "
        "'intermediate', 'marts') order by all").fetchall()
    return [(s, t, c) for s, t, c in rows
            if (s in SCANNED or f"{s}.{t}" in SCANNED) and c not in NOT_TEXT]


def scan(conn: duckdb.DuckDBPyConnection) -> list[Hit]:
    hits = []
    for schema, table, column in text_columns(conn):
        count = conn.execute(
            f'select count(*) from {schema}."{table}" where regexp_matches("{column}", ?)',
            [PERSONNUMMER_RE]).fetchall()[0][0]
        if count:
            hits.append(Hit(f"{schema}.{table}", column, count, "personnummer"))
    for schema, table, column in conn.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_schema in ('landing', 'staging', 'intermediate', 'marts') "
            "and regexp_matches(column_name, ?)", [PERSONAL_COLUMN_RE]).fetchall():
        hits.append(Hit(f"{schema}.{table}", column, 0, "kolumnnamn"))
    return hits
