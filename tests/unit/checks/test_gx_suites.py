"""Every GX suite in expectations/ fails on a small crafted table holding its problem and
passes on the same table without it (real GX validations over a real DuckDB file)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from orchestration.settings import EXPECTATIONS_DIR
from orchestration.validation.suites import load_suites, run_suite

SUITES = {s.name: s for s in load_suites(EXPECTATIONS_DIR)}

# suite -> (create table, a clean row, a row with the suite's problem); one column set each
CASES: dict[str, tuple[str, str, str]] = {
    "ledger_vouchers": (
        "create table staging.stg_ledger__vouchers (source_file varchar, voucher_series varchar,"
        " voucher_number varchar, fiscal_year integer, is_balanced boolean,"
        " amount_sum_sek decimal(18,2))",
        "('a.se', 'A', '1', 2022, true, 0)",
        "('a.se', 'B', '1', 2022, false, -12771.00)"),
    "ledger_duplicates": (
        "create table staging.stg_ledger__vouchers (source_file varchar, voucher_series varchar,"
        " voucher_number varchar, fiscal_year integer)",
        "('a.se', 'A', '1', 2022)",
        "('b.se', 'A', '1', 2022)"),  # the same voucher in a second file
    "ledger_lines": (
        "create table marts.fct_ledger_lines (ledger_line_id varchar, object_code varchar,"
        " committee_id varchar, year integer, month integer, line_kind varchar,"
        " amount_sek decimal(18,2))",
        "('a.se:2', '7101', 'SN', 2022, 1, 'cost', 10)",
        "('a.se:3', '7110', 'SN', 2022, 3, 'unknown_object_code', 23400)"),
    "payroll_reconciliation": (
        "create table intermediate.int_reconciliation__payroll_vs_ledger (period varchar,"
        " account varchar, object_code varchar, expected_sek decimal(18,2),"
        " actual_sek decimal(18,2))",
        "('2022-10', '5020', '7101', 100, 100.5)",
        "('2022-11', '5020', '7101', 108500, 100000)"),
    "payroll_privacy": (
        "create table marts.leak (ok varchar)",
        "",
        None),
    "grants": (
        "create table marts.rpt_grant_followup (grant_id varchar, grant_year integer,"
        " report_due date, report_status varchar, use_exceeds_decision boolean,"
        " amount_sek decimal(18,2), amount_used_sek decimal(18,2))",
        "('G-2', 2022, '2023-03-31', 'reported', false, 10, 10)",
        "('G-3', 2022, '2023-03-31', 'missing', false, 10, null)"),
    "grant_ledger": (
        "create table marts.rpt_reconciliation (kind varchar, grant_id varchar, period varchar,"
        " committee varchar, initiative_id varchar, object_code varchar,"
        " difference_sek decimal(18,2))",
        "('internal_compensation', null, '2022-10', 'KFN', 'tu', '7102', -45000)",
        "('grant_booked_vs_decided', 'G-1', '2022', null, 'tu', '7100', -1000000)"),
    "internal_compensation": (
        "create table marts.rpt_reconciliation (kind varchar, grant_id varchar, period varchar,"
        " committee varchar, initiative_id varchar, object_code varchar,"
        " difference_sek decimal(18,2))",
        "('grant_booked_vs_decided', 'G-1', '2022', null, 'tu', '7100', -1000000)",
        "('internal_compensation', null, '2022-10', 'KFN', 'tu', '7102', -45000)"),
    "reporting": (
        "create table marts.rpt_reporting_compliance (body varchar, initiative_id varchar,"
        " report_kind varchar, period varchar, due_on date, status varchar)",
        "('KS', 'tu', 'uppfoljning', '2021-H1', '2021-09-28', 'delivered')",
        "('KS', 'tu', 'uppfoljning', '2022-H1', '2022-09-28', 'missing')"),
    "indicators": (
        "create table marts.rpt_indicator_status (indicator_id varchar, area_id varchar,"
        " year integer, baseline_year integer, baseline double, status varchar)",
        "('nri', '0484', 2020, 2019, 40, 'not_met')",
        "('nri', '0484', 2021, 2019, 40, 'no_outcome')"),
    "registry": (
        "create table marts.dim_initiatives (initiative_id varchar, owner_committee varchar,"
        " object_codes varchar, indicators_with_target integer)",
        "('tu', 'KS', '7101, 7102', 2)",
        "('tss', 'KS', '7301', 0)"),
    "totals": (
        "create table intermediate.int_checks__totals (total_name varchar,"
        " expected_sek decimal(18,2), actual_sek decimal(18,2))",
        "('funding_vs_cost', 100, 100)",
        "('ledger_lines_vs_raw', 100, 99.99)"),
}


def test_every_suite_has_a_case() -> None:
    assert set(SUITES) == set(CASES)


def _database(tmp_path: Path, name: str, with_problem: bool) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect(str(tmp_path / f"{name}.duckdb"))
    for schema in ("landing", "staging", "intermediate", "marts"):
        conn.execute(f"create schema {schema}")
    create, clean, bad = CASES[name]
    conn.execute(create)
    table = create.split()[2]
    if clean:
        conn.execute(f"insert into {table} values {clean}")
    if with_problem:
        if name == "payroll_privacy":  # a personal-data column in the warehouse
            conn.execute("create table landing.payroll_raw (personnummer varchar)")
        else:
            conn.execute(f"insert into {table} values {bad}")
    return conn


@pytest.mark.parametrize("name", sorted(CASES))
def test_suite_passes_on_a_clean_table(tmp_path: Path, name: str) -> None:
    result = run_suite(_database(tmp_path, name, with_problem=False), SUITES[name])
    assert result.success, [(f.expectation, f.examples) for f in result.failures]


@pytest.mark.parametrize("name", sorted(CASES))
def test_suite_fails_on_its_problem_and_names_it(tmp_path: Path, name: str) -> None:
    suite = SUITES[name]
    result = run_suite(_database(tmp_path, name, with_problem=True), suite)
    assert not result.success
    assert result.critical == (suite.severity == "critical")
    examples = [e for f in result.failures for e in f.examples]
    assert examples, "a failure must name the offending rows"
    if name == "payroll_privacy":
        assert {"table_schema": "landing", "table_name": "payroll_raw"}.items() <= \
            examples[0].items()
