"""Both sample municipalities end to end through Dagster (dbt, DuckDB, GX): Eskilstuna (the
session's nightly) and Lillåsa, an invented municipality of another shape (no activity
dimension, dimensions 2/8/30, period files, payroll columns in another order with extra ones).
Each profile's answers are computed from its raw files by tests/answers.py, a reading
independent of the pipeline, and compared with the mart to the öre."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import answers
import duckdb
import invariants
import pytest
from isolated_run import run_nightly_on

pytestmark = pytest.mark.integration

@pytest.fixture(scope="module")
def lillasa_run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One real nightly run over Lillåsa in folders of its own; the environment is restored."""
    from orchestration.sample.profiles import generate_profile

    raw = tmp_path_factory.mktemp("lillasa_raw")
    generate_profile("lillasa", raw)  # monthly period files, no activity dimension
    work = tmp_path_factory.mktemp("lillasa_run")
    return {"raw": raw, "warehouse": work / "warehouse", "report": run_nightly_on(raw, work)}


@pytest.fixture(scope="module", params=["eskilstuna", "lillasa"])
def profile(request: pytest.FixtureRequest) -> Iterator[dict]:
    """The profile's raw folder, its run report, the mart and its answers from raw."""
    if request.param == "eskilstuna":
        report = request.getfixturevalue("nightly")
        env = request.getfixturevalue("pipeline_env")
        run = {"raw": env["raw"], "warehouse": env["warehouse"], "report": report}
    else:
        run = request.getfixturevalue("lillasa_run")
    conn = duckdb.connect(str(run["warehouse"] / "governance.duckdb"), read_only=True)
    yield {**run, "name": request.param, "mart": conn, "answers": answers.compute(run["raw"])}
    conn.close()


def _rows(conn: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return conn.execute(sql).fetchall()


def test_the_nightly_publishes(profile: dict) -> None:
    report = profile["report"]
    assert report.success, report.failed_steps
    assert "published/mart" in report.materialized
    assert {severity for _, severity, _ in report.checks_failed} <= {"WARN"}


def test_the_invariants_for_any_municipality_hold(profile: dict) -> None:
    """The same invariants the property tests check on random shapes (tests/invariants.py)."""
    conn, a = profile["mart"], profile["answers"]
    invariants.programme_lines_equal_the_mart(conn, a)
    invariants.dimensions_reach_the_mart(conn, a)  # neither declares one: null throughout
    invariants.ledger_staging_has_every_dimension(conn)
    invariants.funding_sums_to_cost(conn, a)
    invariants.no_source_pays_more_than_it_has(conn, answers.decisions(profile["raw"]), a)
    invariants.planted_found_and_nothing_else(conn, answers.expected_findings(profile["raw"]))


def test_funding_by_source_is_the_contracts_rule(profile: dict) -> None:
    found = {(i, y, s): a for i, y, s, a in _rows(
        profile["mart"], "select initiative_id, year, funding_source, amount_sek "
                         "from marts.rpt_funding_by_source")}
    assert found == profile["answers"].funding


def test_cost_per_initiative_committee_and_year(profile: dict) -> None:
    found = {(i, c, y): a for i, c, y, a in _rows(
        profile["mart"], "select initiative_id, committee, year, sum(outcome_sek) "
                         "from marts.rpt_budget_vs_outcome group by all "
                         "having sum(outcome_sek) <> 0")}
    assert found == {k: v for k, v in profile["answers"].cost_by_committee.items() if v}


def test_grant_shares_and_mandate_pools(profile: dict) -> None:
    a = profile["answers"]
    shares = {(g, i): s for g, i, s in _rows(
        profile["mart"], "select grant_id, initiative_id, share_sek "
                         "from intermediate.int_grants__initiative_shares")}
    assert shares == a.grant_shares
    pools = {(p, y): v for p, y, v in _rows(
        profile["mart"], "select mandate_project_code, year, mandate_available_sek "
                         "from marts.rpt_mandate_projects")}
    assert {k: pools[k] for k in a.mandate_available} == a.mandate_available


def test_payroll_read_by_column_name(profile: dict) -> None:
    """The payroll mart's money per month, account and object code is the raw files' (Lillåsa's
    columns are in another order, with extra ones the reader must ignore)."""
    expected: dict[tuple[str, str, str | None], Decimal] = defaultdict(Decimal)
    for r in answers.payroll_rows(profile["raw"]):
        expected[(r["period"], r["konto"], r["objekt"] or None)] += answers.swedish(r["belopp"])
    found = {(p, a, o): s for p, a, o, s in _rows(
        profile["mart"], "select period, account, object_code, sum(amount_sek) "
                         "from staging.stg_payroll__monthly group by all")}
    assert found == dict(expected)


def test_lillasa_calendar_indicator_direction_and_shared_grant(lillasa_run: dict) -> None:
    with duckdb.connect(str(lillasa_run["warehouse"] / "governance.duckdb"),
                        read_only=True) as conn:
        kinds = dict(_rows(conn, "select c.frequency, count(*) from "
                                 "staging.stg_registry__report_calendar c group by all"))
        late = _rows(conn, "select status, days_late from marts.rpt_reporting_compliance "
                           "where body = 'SON' and period = '2023-H2'")
        skadegorelse = _rows(conn, "select year, target, outcome, status from "
                                   "marts.rpt_indicator_status where indicator_id = "
                                   "'skadegorelse' and year = 2023")
        spent = _rows(conn, "select amount_spent_sek from marts.rpt_grant_followup "
                            "where grant_id = 'LST-BRO-2023'")
    assert {"quarterly", "half_yearly", "yearly"} <= set(kinds)
    assert late == [("late", 20)]
    assert skadegorelse == [(2023, 13.0, 12.4, "met")]  # lower is better
    assert spent == [(Decimal("900000.00"),)]  # the three initiatives' shares together


def test_lillasa_writes_period_files_by_default(tmp_path: Path) -> None:
    from orchestration.sample.profiles import generate_profile

    manifest = generate_profile("lillasa", tmp_path)
    files = sorted(p.name for p in (tmp_path / "ledger").iterdir())
    assert files[0] == "lillasa_2023-01.se" and files[-1] == "lillasa_2024-05.se"
    assert len(files) == manifest["counts"]["ledger_files"] == 17
    assert "activity" not in answers.registry(tmp_path)["ledger"]["dimensions"]
