"""A new municipality delivers only what the contract requires (the registry and the ledger):
the sources it leaves out (payroll, grants, reports, survey, or SCB within survey) must not stop
the nightly inside dbt. Every source asset creates its landing tables empty with their real
schema, the marts build with zero rows there, and the controller never sees a DuckDB error."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from isolated_run import run_nightly_on

pytestmark = pytest.mark.integration

DBT_ERRORS = ("Catalog Error", "Binder Error", "Traceback")


def _minimal_raw(sample_raw: Path, target: Path, keep_survey: str | None) -> Path:
    """The sample's registry and ledger; of survey/ only the `keep_survey` subfolder."""
    for source in ("registry", "ledger"):
        shutil.copytree(sample_raw / source, target / source)
    if keep_survey is not None:
        shutil.copytree(sample_raw / "survey" / keep_survey, target / "survey" / keep_survey)
        (target / "survey" / "scb").mkdir()  # an empty folder, as a new municipality has it
    return target


@pytest.mark.parametrize("keep_survey", [None, "kolada"], ids=["only-required", "kolada-only"])
def test_a_municipality_without_optional_sources_publishes(
        sample_raw: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str],
        keep_survey: str | None) -> None:
    raw = _minimal_raw(sample_raw, tmp_path / "raw", keep_survey)
    report = run_nightly_on(raw, tmp_path / "run")
    out, err = capfd.readouterr()
    console = out + err
    for error in DBT_ERRORS:
        assert error not in console, console[-4000:]
    assert report.success, report.failed_steps
    assert "published/mart" in report.materialized

    with duckdb.connect(str(tmp_path / "run" / "warehouse" / "governance.duckdb"),
                        read_only=True) as conn:
        # the absent sources are there, empty, with the columns their readers write
        assert conn.execute("select count(*) from landing.payroll_monthly").fetchall() == [(0,)]
        assert conn.execute("select count(*) from landing.survey_scb").fetchall() == [(0,)]
        scb_columns = {r[0] for r in conn.execute(
            "select column_name from information_schema.columns where table_schema = "
            "'landing' and table_name = 'survey_scb'").fetchall()}
        assert {"source_file", "table_id", "value"} <= scb_columns, scb_columns
        kolada = conn.execute("select count(*) from landing.survey_kolada").fetchall()[0][0]
        assert (kolada > 0) == (keep_survey == "kolada")
        # what is missing is said once per source, not as a difference per payroll line
        missing = {r[0] for r in conn.execute(
            "select subject from marts.fct_findings where check_name = "
            "'source_without_files'").fetchall()}
        expected = {"payroll", "grants", "reports"} | ({"survey"} if keep_survey is None
                                                       else set())
        assert missing == expected
        assert conn.execute("select count(*) from marts.fct_findings where check_name = "
                            "'payroll_vs_ledger'").fetchall() == [(0,)]
        # the ledger still reaches the marts
        assert conn.execute("select count(*) from marts.fct_ledger_lines"
                            ).fetchall()[0][0] > 0
