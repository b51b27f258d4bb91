"""State-grant readers: decisions.csv and the report-backs in reports.csv (comma-separated).

Object codes are not checked against the registry here: a code the registry does not know is
kept and flagged downstream, so this reader needs nothing but the file.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration.readers.csv_checks import (
    bad_date_sql,
    check_header,
    check_rules,
    connect,
    conversion_error,
    load_csv,
    money_rules,
    quote_literal,
    read_header,
    required_rules,
    run,
    trimmed_select,
)
from orchestration.readers.errors import SourceFileError

DELIMITER = ","
DECISION_COLUMNS = [
    "grant_id",
    "grantor",
    "programme",
    "recipient",
    "year",
    "amount_sek",
    "decided_on",
    "use_by",
    "report_due",
    "object_codes",
    "income_object_code",
]
REPORT_COLUMNS = [
    "grant_id",
    "submitted_on",
    "amount_used_sek",
    "amount_returned_sek",
    "participants",
    "reference",
]

DECISIONS_SCHEMA = pa.schema(
    [
        ("source_file", pa.string()),
        ("source_line", pa.int64()),
        ("grant_id", pa.string()),
        ("grantor", pa.string()),
        ("programme", pa.string()),
        ("recipient", pa.string()),
        ("year", pa.int32()),
        ("amount_sek", pa.decimal128(18, 2)),
        ("decided_on", pa.date32()),
        ("use_by", pa.date32()),
        ("report_due", pa.date32()),
        ("object_codes", pa.list_(pa.string())),
        ("income_object_code", pa.string()),
    ]
)
REPORTS_SCHEMA = pa.schema(
    [
        ("source_file", pa.string()),
        ("source_line", pa.int64()),
        ("grant_id", pa.string()),
        ("submitted_on", pa.date32()),
        ("amount_used_sek", pa.decimal128(18, 2)),
        ("amount_returned_sek", pa.decimal128(18, 2)),
        ("participants", pa.int32()),
        ("reference", pa.string()),
    ]
)

# Participants are head counts; people write 35 000 as readily as 35000.
_COUNT_RE = "^[0-9]{1,3}([ \u00a0][0-9]{3}){0,2}$|^[0-9]{1,9}$"


def _date_rules(columns: list[str]) -> list[tuple[str, str, str]]:
    return [
        (f"{c}_date", bad_date_sql(c), f"{c} is not an ISO 8601 date (YYYY-MM-DD)") for c in columns
    ]


def read_grant_decisions(path: Path) -> pa.Table:
    """decisions.csv: one row per grant decision, typed, with object_codes as a list."""
    path = Path(path)
    file = path.name
    names = check_header(
        file, read_header(path, file), DECISION_COLUMNS, DELIMITER, allow_extra=True
    )
    con = connect()
    try:
        csv = load_csv(
            con, path, file, names, DELIMITER, "decisions", trimmed_select(DECISION_COLUMNS)
        )
        rules = [
            *required_rules(["grant_id", "grantor", "year", "decided_on", "report_due"]),
            (
                "year_format",
                "NOT regexp_full_match(year, '^[0-9]{4}$')",
                "year is not a four-digit year",
            ),
            *money_rules("amount_sek", required=True),
            *_date_rules(["decided_on", "use_by", "report_due"]),
            (
                "use_by_order",
                "try_cast(use_by AS DATE) < try_cast(decided_on AS DATE)",
                "use_by is before decided_on",
            ),
            (
                "report_due_order",
                "try_cast(report_due AS DATE) < try_cast(use_by AS DATE)",
                "report_due is before use_by",
            ),
            (
                "report_due_decided",
                "try_cast(report_due AS DATE) < try_cast(decided_on AS DATE)",
                "report_due is before decided_on",
            ),
        ]
        check_rules(con, csv, rules)
        _check_unique_grant_ids(con, csv.view, file)
        sql = f"""
            SELECT {quote_literal(file)} AS source_file, source_line, grant_id, grantor,
                programme, recipient, CAST(year AS INTEGER) AS year,
                CAST(amount_sek AS DECIMAL(18,2)) AS amount_sek,
                CAST(decided_on AS DATE) AS decided_on, CAST(use_by AS DATE) AS use_by,
                CAST(report_due AS DATE) AS report_due,
                list_filter(
                    list_transform(
                        string_split(coalesce(object_codes, ''), '|'), lambda c: trim(c)),
                    lambda c: c <> '') AS object_codes,
                income_object_code
            FROM {csv.view} ORDER BY source_line
        """
        return con.sql(sql).to_arrow_table().cast(DECISIONS_SCHEMA)
    except duckdb.Error as exc:
        raise conversion_error(file, exc) from None
    finally:
        con.close()


def _check_unique_grant_ids(con: duckdb.DuckDBPyConnection, view: str, file: str) -> None:
    rows = run(
        con,
        f"""
        SELECT grant_id, source_line, first_line FROM (
            SELECT grant_id, source_line,
                min(source_line) OVER (PARTITION BY grant_id) AS first_line
            FROM {view})
        WHERE source_line > first_line ORDER BY source_line LIMIT 1
        """,
    )
    if rows:
        grant_id, line, first_line = rows[0]
        raise SourceFileError(
            file, f"duplicate grant_id {grant_id!r} (first on line {first_line})", line=line
        )


def read_grant_reports(path: Path) -> pa.Table:
    """reports.csv: one row per report-back filed to the grantor, typed."""
    path = Path(path)
    file = path.name
    names = check_header(file, read_header(path, file), REPORT_COLUMNS, DELIMITER, allow_extra=True)
    con = connect()
    try:
        csv = load_csv(con, path, file, names, DELIMITER, "reports", trimmed_select(REPORT_COLUMNS))
        rules = [
            *required_rules(["grant_id", "submitted_on"]),
            *_date_rules(["submitted_on"]),
            *money_rules("amount_used_sek", required=True),
            *money_rules("amount_returned_sek", required=False),
            (
                "participants_count",
                f"NOT regexp_full_match(participants, '{_COUNT_RE}')",
                "participants is not a whole number",
            ),
        ]
        check_rules(con, csv, rules)
        sql = f"""
            SELECT {quote_literal(file)} AS source_file, source_line, grant_id,
                CAST(submitted_on AS DATE) AS submitted_on,
                CAST(amount_used_sek AS DECIMAL(18,2)) AS amount_used_sek,
                CAST(amount_returned_sek AS DECIMAL(18,2)) AS amount_returned_sek,
                CAST(replace(replace(participants, ' ', ''), chr(160), '') AS INTEGER)
                    AS participants,
                reference
            FROM {csv.view} ORDER BY source_line
        """
        return con.sql(sql).to_arrow_table().cast(REPORTS_SCHEMA)
    except duckdb.Error as exc:
        raise conversion_error(file, exc) from None
    finally:
        con.close()
