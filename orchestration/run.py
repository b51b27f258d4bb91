"""`make run` (`uppfoljning run`): the sample if raw/ is empty, then the nightly job through
Dagster with every check, then a short summary of what was built, checked and published."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.settings import PROJECT_ROOT, Settings, get_settings

SOURCES = ("registry", "ledger", "payroll", "grants", "reports", "survey")


def raw_has_data(raw_dir: Path) -> bool:
    return any(p.is_file() for s in SOURCES for p in (raw_dir / s).rglob("*")
               if (raw_dir / s).is_dir())


def ensure_dagster_home() -> Path:
    """Runs persist in DAGSTER_HOME (default .dagster_home/) so `dagster dev` shows them."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster_home")))
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    return home


@dataclass
class RunReport:
    success: bool
    run_id: str
    materialized: list[str]
    checks_passed: list[str]
    checks_failed: list[tuple[str, str, str]]  # (check, severity, what)
    failed_steps: list[str]
    mart_rows: dict[str, int] = field(default_factory=dict)
    findings: list[tuple] = field(default_factory=list)


def run_nightly(settings: Settings | None = None, tags: dict[str, str] | None = None,
                request: dg.RunRequest | None = None) -> RunReport:
    """The nightly job, or the part of it a run request (the raw/ sensor's) asks for."""
    from orchestration.definitions import defs

    ensure_dagster_home()
    settings = settings or get_settings()
    job = defs().resolve_job_def("nightly")
    if request is not None and request.asset_selection is not None:
        job = job.get_subset(asset_selection=set(request.asset_selection))
    # the console shows warnings and errors; every event is still in the run's log in Dagster
    quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
    result = job.execute_in_process(instance=dg.DagsterInstance.get(), raise_on_error=False,
                                    run_config=quiet, tags=tags or {"trigger": "uppfoljning run"},
                                    partition_key=request.partition_key if request else None)
    materialized = sorted(e.asset_key.to_user_string()
                          for e in result.get_asset_materialization_events())
    passed, failed = [], []
    for ev in result.get_asset_check_evaluations():
        name = f"{ev.asset_key.to_user_string()}:{ev.check_name}"
        if ev.passed:
            passed.append(name)
        else:
            what = "; ".join(f"{k}: {getattr(v, 'value', v)}" for k, v in ev.metadata.items()
                             if k not in ("rows_checked", "expectations"))
            failed.append((name, ev.severity.value, what[:400]))
    report = RunReport(result.success, result.run_id, materialized, sorted(passed),
                       sorted(failed), sorted(result.get_failed_step_keys()))
    if settings.duckdb_path.exists():
        with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
            from orchestration.publish import mart_tables

            report.mart_rows = {
                t: conn.execute(f"select count(*) from marts.{t}").fetchall()[0][0]
                for t in mart_tables(conn)}
            if "fct_findings" in report.mart_rows:
                report.findings = conn.execute(
                    "select severity, check_name, subject, period, amount_sek from "
                    "marts.fct_findings where is_open order by severity, check_name, subject"
                ).fetchall()
    return report


def print_summary(report: RunReport, settings: Settings) -> None:
    status = "lyckades" if report.success else "MISSLYCKADES"
    print(f"\nNattkörningen {status} (körning {report.run_id})")
    print(f"  Materialiserade tillgångar: {len(report.materialized)}")
    print("  Rader per marttabell:")
    for table, rows in report.mart_rows.items():
        print(f"    {table:32} {rows:>10,}")
    print(f"  Kontroller: {len(report.checks_passed)} godkända, "
          f"{len(report.checks_failed)} underkända")
    for name, severity, what in report.checks_failed:
        print(f"    [{severity}] {name}: {what}")
    if report.findings:
        print(f"  Öppna avvikelser i marts.fct_findings: {len(report.findings)}")
        for severity, check, subject, period, amount in report.findings:
            money = f" {amount} kr" if amount is not None else ""
            print(f"    [{severity}] {check}: {subject} {period or ''}{money}")
    if report.failed_steps:
        print(f"  Misslyckade steg: {', '.join(report.failed_steps)}")
    print("  Var allt finns:")
    print(f"    Arbetsdatabas (skrivs av pipelinen): {settings.duckdb_path}")
    print(f"    För BI (skrivskyddad kopia):         {settings.published_duckdb_path}")
    print(f"    Parquet-export:                      {settings.published_dir / 'parquet'}")
    print(f"    CSV-export (Excel, semikolon):       {settings.published_dir / 'csv'}")
    print(f"    Uppföljningsrapporter (HTML, PDF):   "
          f"{settings.published_dir / 'rapporter' / 'index.html'}")
    print(f"    Karantän:                            {settings.quarantine_dir}")
    print(f"    Dagster-körningar (DAGSTER_HOME):    {os.environ.get('DAGSTER_HOME')}")
    print("    Dagster UI: make dev, sedan http://127.0.0.1:3000")


# runs that may be writing the warehouse now; queued runs wait for this one in the daemon
IN_PROGRESS = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED,
               dg.DagsterRunStatus.CANCELING]


def runs_in_progress(instance: dg.DagsterInstance) -> list[dg.DagsterRun]:
    return list(instance.get_runs(filters=dg.RunsFilter(statuses=IN_PROGRESS), limit=5))


def main(force: bool = False) -> int:
    from orchestration.sample.generate import generate

    ensure_dagster_home()
    busy = [] if force else runs_in_progress(dg.DagsterInstance.get())
    if busy:
        # a second writer would fail on DuckDB's lock half-way; say so before starting
        run = busy[0]
        print(f"En körning pågår redan ({run.job_name}, {run.run_id}) i DAGSTER_HOME="
              f"{os.environ['DAGSTER_HOME']}: den skriver lagret, så ingen ny körning startas. "
              "Vänta tills den är klar (uppfoljning status), eller köa en körning: "
              "dagster job launch -m orchestration.definitions -j nightly. Har körningen "
              "avbrutits utan att Dagster märkt det: uppfoljning run --force.")
        return 2
    settings = get_settings()
    if not raw_has_data(settings.raw_dir):
        print(f"{settings.raw_dir} har inga källfiler: skriver exempelkommunen (skala S).")
        generate(settings.raw_dir)
        settings = get_settings()  # the sample records its as-of date in raw/
    print(f"Läser {settings.raw_dir}, bedömer per {settings.as_of_date}")
    report = run_nightly(settings)
    print_summary(report, settings)
    return 0 if report.success else 1
