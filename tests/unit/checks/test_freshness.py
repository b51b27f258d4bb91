"""Freshness rules against the as-of date, on a real DuckDB file with landing tables."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.validation.freshness import check


@pytest.fixture()
def conn(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    c = duckdb.connect(str(tmp_path / "w.duckdb"))
    c.execute("create schema landing")
    c.execute("create table landing.ledger_vouchers as select date '2023-05-28' as voucher_date")
    c.execute("create table landing.payroll_monthly as select '2023-05' as period")
    c.execute("create table landing.grant_decisions as select date '2022-03-10' as decided_on, "
              "date '2023-03-31' as report_due")
    c.execute("create table landing.grant_reports as select date '2023-03-28' as submitted_on")
    c.execute("create table landing.registry_report_calendar as "
              "select date '2023-05-01' as due_on")
    c.execute("create table landing.reports_delivered as select date '2023-04-17' as delivered_on")
    c.execute("create table landing.survey_scb as select '2020' as period, 38.0 as value "
              "union all select '2021', null")
    c.execute("create table landing.survey_kolada as select 2022 as period, 80.5 as value")
    return c


@pytest.mark.parametrize("source", ["ledger", "payroll", "grants", "reports", "survey"])
def test_fresh_on_the_sample_date(conn, source: str) -> None:
    assert check(conn, source, date(2023, 6, 15)).fresh


@pytest.mark.parametrize("source", ["ledger", "payroll", "grants", "reports", "survey"])
def test_stale_a_year_later(conn, source: str) -> None:
    # a year on, more report-backs and reports have fallen due and nothing came in
    conn.execute("insert into landing.grant_decisions values ('2023-03-08', '2024-03-31')")
    conn.execute("insert into landing.registry_report_calendar values ('2024-04-29')")
    result = check(conn, source, date(2025, 6, 15))
    assert not result.fresh, result


@pytest.mark.parametrize("source", ["grants", "reports"])
def test_nothing_due_means_nothing_stale(conn, source: str) -> None:
    assert check(conn, source, date(2021, 1, 1)).fresh


def test_a_source_never_loaded_is_stale(tmp_path: Path) -> None:
    empty = duckdb.connect(str(tmp_path / "e.duckdb"))
    assert not check(empty, "payroll", date(2023, 6, 15)).fresh
