"""How stale each source may be, judged against the as-of date (not the wall clock), so the
sample of 2023 and a real municipality are judged the same way.

ledger, payroll  monthly: the newest month must be at most 45 days behind
grants           updated since the last report-back fell due (30 days' grace)
reports          a delivery since the last report fell due (30 days' grace)
survey           yearly: an outcome for a year at most two years back (publication lag)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import duckdb

MONTHLY_GRACE = timedelta(days=45)
DUE_GRACE = timedelta(days=30)


@dataclass
class Freshness:
    source: str
    newest: date | None
    required: date | None  # the newest must be on or after this; None when nothing is due
    rule: str

    @property
    def fresh(self) -> bool:
        return self.required is None or (self.newest is not None and self.newest >= self.required)


def _scalar(conn: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    try:
        return conn.execute(sql, params or []).fetchall()[0][0]
    except duckdb.CatalogException:  # the source has never loaded
        return None


def check(conn: duckdb.DuckDBPyConnection, source: str, as_of: date) -> Freshness:
    if source == "ledger":
        newest = _scalar(conn, "select max(voucher_date) from landing.ledger_vouchers "
                               "where voucher_date <= ?", [as_of])
        return Freshness(source, newest, as_of - MONTHLY_GRACE, "senaste verifikation "
                         "högst 45 dagar gammal")
    if source == "payroll":
        newest = _scalar(conn, "select max(last_day(cast(period || '-01' as date))) "
                               "from landing.payroll_monthly")
        return Freshness(source, newest, as_of - MONTHLY_GRACE, "senaste lönemånad "
                         "högst 45 dagar gammal")
    if source == "grants":
        due = _scalar(conn, "select max(report_due) from landing.grant_decisions "
                            "where report_due <= ?", [as_of])
        newest = _scalar(conn, "select greatest(coalesce((select max(submitted_on) from "
                               "landing.grant_reports), date '1900-01-01'), (select "
                               "max(decided_on) from landing.grant_decisions))")
        return Freshness(source, newest, due - DUE_GRACE if due else None,
                         "uppdaterad sedan senaste återrapportering förföll")
    if source == "reports":
        due = _scalar(conn, "select max(due_on) from landing.registry_report_calendar "
                            "where due_on <= ?", [as_of])
        newest = _scalar(conn, "select max(delivered_on) from landing.reports_delivered")
        return Freshness(source, newest, due - DUE_GRACE if due else None,
                         "leverans sedan senaste rapport förföll")
    if source == "survey":
        year = _scalar(conn, "select max(y) from (select try_cast(left(period, 4) as integer) "
                             "as y from landing.survey_scb where value is not null union all "
                             "select period from landing.survey_kolada where value is not null)")
        return Freshness(source, date(year, 12, 31) if year else None,
                         date(as_of.year - 2, 12, 31), "utfall för ett år högst två år bakåt")
    raise ValueError(f"no freshness rule for {source}")
