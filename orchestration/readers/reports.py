"""Reader for delivered.csv: the log of follow-up reports delivered to political bodies."""

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
    quote_literal,
    read_header,
    required_rules,
    trimmed_select,
)

DELIMITER = ","
DELIVERED_COLUMNS = ["delivered_on", "body", "initiative", "report_kind", "period", "reference"]

# The reporting calendar's period forms: 2022, 2022-H1, 2022-T2, 2022-Q3, 2022-05.
PERIOD_RE = r"^[0-9]{4}(-(H[12]|T[1-3]|Q[1-4]|0[1-9]|1[0-2]))?$"

DELIVERED_SCHEMA = pa.schema(
    [
        ("source_file", pa.string()),
        ("source_line", pa.int64()),
        ("delivered_on", pa.date32()),
        ("body", pa.string()),
        ("initiative", pa.string()),
        ("report_kind", pa.string()),
        ("period", pa.string()),
        ("period_start", pa.date32()),
        ("period_end", pa.date32()),
        ("reference", pa.string()),
    ]
)

# Months a period spans and the month it starts in, from its suffix; the registry's calendar
# uses the same arithmetic.
_PERIOD_BOUNDS = """
    WITH parts AS (
        SELECT *, CAST(left(period, 4) AS INTEGER) AS y, substr(period, 6, 1) AS kind,
            CASE WHEN length(period) = 4 THEN 0 ELSE CAST(substr(period, 7) AS INTEGER) END AS n
        FROM delivered_periods
    ), spans AS (
        SELECT *,
            CASE WHEN length(period) = 4 THEN 12 WHEN kind = 'H' THEN 6 WHEN kind = 'T' THEN 4
                 WHEN kind = 'Q' THEN 3 ELSE 1 END AS months,
            CASE WHEN length(period) = 4 THEN 1 WHEN kind = 'H' THEN 6 * n - 5
                 WHEN kind = 'T' THEN 4 * n - 3 WHEN kind = 'Q' THEN 3 * n - 2
                 ELSE CAST(substr(period, 6) AS INTEGER) END AS first_month
        FROM parts
    )
"""


def read_delivered_reports(path: Path) -> pa.Table:
    """delivered.csv, typed; period normalised to upper case with its first and last day."""
    path = Path(path)
    file = path.name
    names = check_header(
        file, read_header(path, file), DELIVERED_COLUMNS, DELIMITER, allow_extra=True
    )
    con = connect()
    try:
        # Periods are typed by people: accept 2022-h1 and store 2022-H1.
        others = [c for c in DELIVERED_COLUMNS if c != "period"]
        select = trimmed_select(others) + ", upper(nullif(trim(period), '')) AS period"
        csv = load_csv(con, path, file, names, DELIMITER, "delivered", select)
        rules = [
            *required_rules(["delivered_on", "body", "initiative", "report_kind", "period"]),
            (
                "delivered_on_date",
                bad_date_sql("delivered_on"),
                "delivered_on is not an ISO 8601 date (YYYY-MM-DD)",
            ),
            (
                "period_format",
                f"NOT regexp_full_match(period, '{PERIOD_RE}')",
                "period is not one of the calendar's forms: 2022, 2022-H1, 2022-T2, 2022-Q3, "
                "2022-05",
            ),
        ]
        check_rules(con, csv, rules)
        con.execute(f"CREATE TEMP VIEW delivered_periods AS SELECT * FROM {csv.view}").fetchall()
        sql = f"""
            {_PERIOD_BOUNDS}
            SELECT {quote_literal(file)} AS source_file, source_line,
                CAST(delivered_on AS DATE) AS delivered_on, body, initiative, report_kind,
                period, make_date(y, first_month, 1) AS period_start,
                CAST(make_date(y, first_month, 1) + to_months(months) - INTERVAL 1 DAY AS DATE)
                    AS period_end,
                reference
            FROM spans ORDER BY source_line
        """
        return con.sql(sql).to_arrow_table().cast(DELIVERED_SCHEMA)
    except duckdb.Error as exc:
        raise conversion_error(file, exc) from None
    finally:
        con.close()
