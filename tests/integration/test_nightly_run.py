"""One real nightly run of the sample through Dagster (dbt, DuckDB, GX) and what it must show:
the documents' figures out of the mart, the audit's findings as rows, every planted problem
found and nothing else, totals that tie to the raw files, and a publication BI can read."""

from __future__ import annotations

import csv
import json
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from helpers import ledger_rows, payroll_people, registry

from orchestration.validation.privacy import PERSONNUMMER_RE

pytestmark = pytest.mark.integration
MSEK = Decimal(1_000_000)


def test_definitions_load_with_sources_models_and_checks() -> None:
    from orchestration.definitions import defs

    d = defs()
    keys = {k.to_user_string() for k in d.resolve_all_asset_keys()}
    assert {"landing/ledger", "landing/payroll", "landing/grants", "landing/reports",
            "landing/registry", "landing/survey", "marts/fct_ledger_lines",
            "published/mart"} <= keys
    checks = {k.name for k in d.resolve_asset_graph().asset_check_keys}
    assert {"ledger_vouchers", "totals", "reporting", "no_personal_data"} <= checks
    assert any(name.startswith("not_null_") for name in checks)  # dbt tests as checks
    assert d.resolve_job_def("nightly") is not None


def test_nightly_materialises_every_asset_and_publishes(nightly) -> None:
    assert nightly.success, nightly.failed_steps
    assert "published/mart" in nightly.materialized
    assert {f"landing/{s}" for s in ("ledger", "payroll", "grants", "reports", "registry",
                                     "survey")} <= set(nightly.materialized)
    assert "raw/survey_fetch" not in nightly.materialized  # off by default
    assert nightly.mart_rows["fct_ledger_lines"] > 0


def _one(conn: duckdb.DuckDBPyConnection, sql: str, params: list | None = None):
    return conn.execute(sql, params or []).fetchall()[0][0]


def test_mandate_money_used_per_year(mart: duckdb.DuckDBPyConnection) -> None:
    used = dict(mart.execute(
        "select year, sum(amount_sek) from marts.rpt_funding_by_source f "
        "join marts.dim_initiatives i using (initiative_id) "
        "where i.mandate_project = '9120' and funding_source = 'mandate' group by year"
    ).fetchall())
    assert (used[2020], used[2021], used[2022]) == (Decimal("4500000.00"), 0,
                                                    Decimal("12600000.00"))
    lovstod_2020 = _one(mart, "select amount_sek from marts.rpt_funding_by_source where "
                              "initiative_id = 'lovstod' and year = 2020 and "
                              "funding_source = 'mandate'")
    assert lovstod_2020 == used[2020]  # 2020: all on Lovstöd
    pool = mart.execute("select year, allocation_sek, mandate_available_sek from "
                        "marts.rpt_mandate_projects where mandate_project_code = '9120' "
                        "order by year").fetchall()
    assert [p[1] for p in pool] == [10 * MSEK] * 4
    assert pool[3][2] == Decimal("22900000.00")  # 40 - 4.5 - 0 - 12.6 carried into 2023


def test_the_utsatta_omraden_grant_pays_trygga_unga_first(
        mart: duckdb.DuckDBPyConnection) -> None:
    grant = dict(mart.execute(
        "select year, amount_sek from marts.rpt_funding_by_source where "
        "initiative_id = 'trygga_unga' and funding_source = 'state_grant'").fetchall())
    assert grant == {2021: Decimal("6300000.00"), 2022: Decimal("11300000.00"),
                     2023: Decimal("6300000.00")}


def test_trygga_unga_outcome_jan_aug_2022_per_committee(
        mart: duckdb.DuckDBPyConnection) -> None:
    outcome = dict(mart.execute(
        "select committee, sum(outcome_sek) from marts.rpt_budget_vs_outcome where "
        "initiative_id = 'trygga_unga' and year = 2022 and month <= 8 group by committee"
    ).fetchall())
    assert outcome == {"KFN": Decimal("5600000.00"), "SN": Decimal("5000000.00")}


def test_lovstod_2022_cost_and_participants(mart: duckdb.DuckDBPyConnection) -> None:
    cost, participants = mart.execute(
        "select cost_sek, participants from marts.rpt_cost_results where "
        "initiative_id = 'lovstod' and year = 2022").fetchall()[0]
    assert cost == Decimal("5700000.00")
    assert participants == 35200


def test_nri_trygghet_targets_outcome_and_missing_years(
        mart: duckdb.DuckDBPyConnection) -> None:
    rows = {r[0]: r[1:] for r in mart.execute(
        "select year, target, outcome, status from marts.rpt_indicator_status "
        "where indicator_id = 'nri_trygghet'").fetchall()}
    assert rows[2020] == (45.0, 38.0, "not_met")
    assert rows[2021] == (47.0, None, "no_outcome")
    assert rows[2022] == (49.0, None, "no_outcome")


def test_trygga_unga_reports_to_ks_missing_in_2022(mart: duckdb.DuckDBPyConnection) -> None:
    missing = mart.execute(
        "select period from marts.rpt_reporting_compliance where body = 'KS' and "
        "initiative_id = 'trygga_unga' and status = 'missing' order by period").fetchall()
    assert [m[0] for m in missing] == ["2021-H2", "2022-H1"]
    delivered_in_2022 = _one(mart, "select count(*) from marts.rpt_reporting_compliance where "
                                   "body = 'KS' and initiative_id = 'trygga_unga' and "
                                   "year(delivered_on) = 2022")
    assert delivered_in_2022 == 0


def _expected_findings(raw: Path) -> set[tuple[str, str, str | None]]:
    """The manifest's planted problems as (check, subject, period) of marts.fct_findings."""
    manifest = json.loads((raw / "sample_manifest.json").read_text("utf-8"))
    expected = set()
    for p in manifest["planted_problems"]:
        kind = p["kind"]
        if kind == "missing_report":
            expected.add(("reporting_delivered",
                          f"{p['body']}/{p['initiative']}/{p['report_kind']}", p["period"]))
        elif kind == "indicator_no_outcome":
            expected.add(("indicators_complete", p["indicator"], str(p["year"])))
        elif kind == "initiative_without_target":
            expected.add(("registry_complete", p["initiative"], None))
        elif kind == "unknown_object_code":
            expected.add(("ledger_object_codes", p["object_code"], p["period"]))
        elif kind == "payroll_vs_ledger":
            expected.add(("payroll_vs_ledger", f"{p['object_code']}/{p['account']}",
                          p["period"]))
        elif kind == "internal_compensation":
            expected.add(("internal_compensation",
                          f"{p['committee']}/{p['initiative']}/{p['object_code']}", p["period"]))
        elif kind == "grant_report_missing":
            expected.add(("grant_report_back", p["grant_id"], p["grant_id"][-4:]))
        else:
            raise AssertionError(f"unmapped planted problem {kind}")
    return expected


def test_every_planted_problem_is_found_and_nothing_else(
        mart: duckdb.DuckDBPyConnection, sample_raw: Path) -> None:
    expected = _expected_findings(sample_raw)
    found = set(mart.execute(
        "select check_name, subject, period from marts.fct_findings where is_open").fetchall())
    true_positives = expected & found
    precision = len(true_positives) / len(found)
    recall = len(true_positives) / len(expected)
    assert (precision, recall) == (1.0, 1.0), (found - expected, expected - found)


def test_reconciliation_rows_are_exactly_the_planted_ones(
        mart: duckdb.DuckDBPyConnection, sample_raw: Path) -> None:
    manifest = json.loads((sample_raw / "sample_manifest.json").read_text("utf-8"))
    planted = {(p["kind"], p["period"], p["object_code"])
               for p in manifest["planted_problems"]
               if p["kind"] in ("payroll_vs_ledger", "internal_compensation",
                                "unknown_object_code")}
    rows = set(mart.execute(
        "select kind, period, object_code from marts.rpt_reconciliation").fetchall())
    assert rows == planted
    differences = dict(mart.execute(
        "select kind, difference_sek from marts.rpt_reconciliation "
        "where kind in ('payroll_vs_ledger', 'internal_compensation')").fetchall())
    assert differences == {"payroll_vs_ledger": Decimal("-8500.00"),
                           "internal_compensation": Decimal("-45000.00")}


def test_failed_checks_are_the_planted_warnings_only(nightly) -> None:
    failed = {name.split(":")[1]: severity for name, severity, _ in nightly.checks_failed}
    assert failed == {name: "WARN" for name in (
        "ledger_lines", "payroll_reconciliation", "internal_compensation", "grants",
        "reporting", "indicators", "registry")}


def test_nothing_lost_between_raw_ledger_and_mart(mart: duckdb.DuckDBPyConnection,
                                                   sample_raw: Path) -> None:
    reg = registry(sample_raw)
    codes = {c for i in reg["initiatives"] for c in i["object_codes"]}
    with (sample_raw / "grants" / "decisions.csv").open(encoding="utf-8") as f:
        codes |= {d["income_object_code"] for d in csv.DictReader(f)}
    projects = {p["code"] for p in reg["mandate_projects"]}
    raw_total = sum(amount for _, _, _, objects, amount in ledger_rows(sample_raw)
                    if objects.get(22) in codes or objects.get(6) in projects)
    assert _one(mart, "select sum(amount_sek) from marts.fct_ledger_lines") == raw_total
    cost = _one(mart, "select sum(amount_sek) from marts.fct_ledger_lines "
                      "where line_kind = 'cost'")
    for table, column in (("rpt_funding_by_source", "amount_sek"),
                          ("rpt_budget_vs_outcome", "outcome_sek"),
                          ("rpt_cost_results", "cost_sek")):
        assert _one(mart, f"select sum({column}) from marts.{table}") == cost, table


def test_published_copy_and_exports(nightly, pipeline_env: dict) -> None:
    published = pipeline_env["warehouse"] / "published"
    with duckdb.connect(str(published / "governance.duckdb"), read_only=True) as conn:
        tables = {r[0]: r[1] for r in conn.execute(
            "select table_name, estimated_size from duckdb_tables() "
            "where schema_name = 'marts'").fetchall()}
        assert set(tables) == set(nightly.mart_rows)
        suppressed = _one(conn, "select count(*) from marts.fct_payroll_monthly "
                                "where head_count is null and amount_sek is null")
        small = _one(conn, "select count(*) from marts.fct_payroll_monthly "
                           "where head_count < 3")
    assert small == 0 and suppressed > 0  # cells about fewer than 3 people are blanked
    csv_bytes = (published / "csv" / "rpt_funding_by_source.csv").read_bytes()
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    header, first = csv_bytes.decode("utf-8-sig").splitlines()[:2]
    assert header == "initiative_id;year;funding_source;amount_sek;cost_sek"
    assert "," in first.split(";")[3] and "." not in first.split(";")[3]
    for table in nightly.mart_rows:
        rows = duckdb.sql(f"select count(*) from "
                          f"'{published / 'parquet' / (table + '.parquet')}'").fetchall()[0][0]
        assert rows == nightly.mart_rows[table], table  # suppression blanks cells, not rows
    report = (published / "valideringsrapport.html").read_text("utf-8")
    assert "Rapporter som saknas" in report and "http" not in report  # offline


def test_no_personal_data_in_the_warehouse_or_any_export(nightly, pipeline_env: dict,
                                                         sample_raw: Path) -> None:
    numbers, names = payroll_people(sample_raw)
    short = {n[2:].replace("-", "") for n in numbers} | {n[2:] for n in numbers}
    needles = sorted(numbers | names | short | {n.replace("-", "") for n in numbers})
    warehouse = pipeline_env["warehouse"]
    for db in (warehouse / "governance.duckdb", warehouse / "published" / "governance.duckdb"):
        with duckdb.connect(str(db), read_only=True) as conn:
            columns = conn.execute(
                "select table_catalog, table_schema, table_name, column_name from "
                "information_schema.columns where data_type = 'VARCHAR' and "
                "table_schema not in ('information_schema', 'pg_catalog')").fetchall()
            assert columns
            for _, schema, table, column in columns:
                hits = _one(conn, f'select count(*) from {schema}."{table}" where '
                                  f'"{column}" in (select unnest(?::varchar[])) or '
                                  f'(regexp_matches("{column}", ?) and "{column}" not like '
                                  f"'%.se:%' and length(\"{column}\") < 40)",
                            [needles, PERSONNUMMER_RE])
                assert hits == 0, (db.name, schema, table, column)
    for export in (warehouse / "published").rglob("*"):
        if export.suffix in (".csv", ".html", ".json"):
            text = export.read_text("utf-8-sig")
            assert not any(n in text for n in numbers | names), export
        elif export.suffix == ".parquet":
            text = duckdb.sql(f"select * from '{export}'").fetchall().__repr__()
            assert not any(n in text for n in numbers | names), export


def test_a_second_run_changes_nothing(nightly, pipeline_env: dict) -> None:
    from orchestration.run import run_nightly

    def snapshot() -> dict[str, list]:
        with duckdb.connect(str(pipeline_env["warehouse"] / "governance.duckdb"),
                            read_only=True) as conn:
            out = {}
            for (table,) in conn.execute(
                    "select table_schema || '.' || table_name from information_schema.tables "
                    "where table_schema in ('marts', 'landing') and table_name <> 'files' "
                    "and table_type = 'BASE TABLE'").fetchall():
                # a run after midnight sees the same findings on a new day
                columns = "* exclude (last_seen_on)" if table == "marts.fct_findings" else "*"
                out[table] = sorted(map(repr, conn.execute(
                    f"select {columns} from {table}").fetchall()))
            return out

    before = snapshot()
    again = run_nightly()
    assert again.success
    assert snapshot() == before


def _dbt(pipeline_env: dict, target: Path, *args: str):
    import os
    import subprocess
    import sys

    from orchestration.settings import DBT_PROJECT_DIR

    env = {**os.environ,
           "UPPFOLJNING_DUCKDB_PATH": str(pipeline_env["warehouse"] / "governance.duckdb")}
    # the session run's parse state (same project, profile and warehouse path): dbt then
    # parses only what changed since, as it does from one night to the next, instead of
    # the whole project (about 6 s of CPU per command); a state that does not fit is ignored
    state = pipeline_env["warehouse"] / ".dbt_target" / "partial_parse.msgpack"
    if state.exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(state, target / state.name)
    return subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), *args, "--project-dir",
         str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path",
         str(target), "--quiet"], env=env, capture_output=True, text=True, timeout=300)


def test_dbt_docs_generate_works(nightly, pipeline_env: dict, tmp_path: Path) -> None:
    done = _dbt(pipeline_env, tmp_path, "docs", "generate")
    assert done.returncode == 0, done.stdout + done.stderr
    catalog = json.loads((tmp_path / "catalog.json").read_text("utf-8"))
    assert "model.uppfoljning.rpt_funding_by_source" in catalog["nodes"]
    assert (tmp_path / "index.html").exists()


def test_dbt_unit_tests_pass(nightly, pipeline_env: dict, tmp_path: Path) -> None:
    """The nightly build leaves the unit tests out (they test logic, not the night's data);
    here they run on the models the nightly built."""
    done = _dbt(pipeline_env, tmp_path, "test", "--select", "test_type:unit")
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((tmp_path / "run_results.json").read_text("utf-8"))["results"]
    assert len(results) >= 6 and all(r["unique_id"].startswith("unit_test.") for r in results)
    assert {r["status"] for r in results} == {"pass"}
