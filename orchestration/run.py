"""`make run` (`uppfoljning run`): the sample if raw/ is empty, then the nightly job through
Dagster with every check, then a short summary of what was built, checked and published."""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.diskspace import is_disk_full
from orchestration.settings import PROJECT_ROOT, Settings, get_settings
from orchestration.workers import busy_runs, fail_stale_runs, worker_tags

RUN_LOCK_NAME = ".run.lock"
SOURCES = ("registry", "ledger", "payroll", "grants", "reports", "survey")
CONTRACT_CHECK = "landing/contract:leveransen_foljer_kontraktet"


def raw_has_data(raw_dir: Path) -> bool:
    return any(p.is_file() for s in SOURCES for p in (raw_dir / s).rglob("*")
               if (raw_dir / s).is_dir())


def ensure_dagster_home() -> Path:
    """Runs persist in DAGSTER_HOME (default .dagster_home/) so `dagster dev` shows them."""
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(PROJECT_ROOT / ".dagster_home")))
    os.umask(0o077)  # run history holds file names and messages: the pipeline's user only
    home.mkdir(parents=True, exist_ok=True)
    home.chmod(0o700)
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
    # (severity, message): the delivery against the raw contract, blockers first
    contract_problems: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # the run's warnings, one line each
    errors: list[tuple[str, str]] = field(default_factory=list)  # (step, reason) per failure


def first_line(text: str) -> str:
    """The reason of an error without its stack frames (and without Dagster's wrapper text)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if not line.startswith(("Traceback", "File ", "The above exception", "Stack Trace")):
            return line[:500]
    return lines[0][:500] if lines else ""


def _reason(cls_name: str | None, text: str) -> str:
    """One Swedish-led line: Dagster's own wrapper (module path, class) left out."""
    if cls_name == "DagsterAssetCheckFailedError":
        checks = [line.strip(" -") for line in text.splitlines()[1:] if line.strip()]
        return ("Kritisk kontroll underkänd, stoppar det som bygger på den: "
                + (", ".join(checks)[:400] or "se körningens logg"))
    line = first_line(text)
    head, sep, rest = line.partition(": ")
    if sep and "." in head and " " not in head:  # module.Class: the reason follows
        line = rest
    return line


def console_messages(instance: dg.DagsterInstance, run_id: str
                     ) -> tuple[list[str], list[tuple[str, str]]]:
    """Warnings logged in the run and the reason each failed step gave, without frames."""
    warnings: list[str] = []
    errors: list[tuple[str, str]] = []
    skipped = 0
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None:
            if entry.level >= logging.WARNING and entry.user_message:
                if entry.user_message.startswith("Dependencies for step"):
                    skipped += 1  # the engine's note on each step after a failed one
                else:
                    warnings.append(first_line(entry.user_message))
        elif event.event_type == dg.DagsterEventType.STEP_FAILURE:
            error = event.event_specific_data.error
            # Dagster wraps what the step raised ("Error occurred while executing op…"): the
            # reason is in the cause; a Failure or a check failure is the reason itself
            while error is not None and error.cause is not None and \
                    (error.cls_name or "").startswith("Dagster") and \
                    error.cls_name != "DagsterAssetCheckFailedError":
                error = error.cause
            text = error.message if error is not None else (event.message or "")
            reason = _reason(error.cls_name if error is not None else "", text)
            if is_disk_full(text) and "Disken är full" not in text:
                reason = f"Disken är full. {reason}"
            errors.append((event.step_key or "?", reason))
    if skipped:
        warnings.append(f"{skipped} steg kördes inte, eftersom ett steg de bygger på "
                        "misslyckades.")
    return warnings, errors


def run_nightly(settings: Settings | None = None, tags: dict[str, str] | None = None,
                request: dg.RunRequest | None = None) -> RunReport:
    """The nightly job, or the part of it a run request (the raw/ sensor's) asks for."""
    from orchestration.definitions import defs

    ensure_dagster_home()
    settings = settings or get_settings()
    job = defs().resolve_job_def("nightly")
    if request is not None and request.asset_selection is not None:
        job = job.get_subset(asset_selection=set(request.asset_selection))
    # Dagster's console logger would print step failures with their stack frames: it stays
    # silent, and print_summary shows the reasons (every event is still in the run's log)
    quiet = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
    instance = dg.DagsterInstance.get()
    run_tags = {**(tags or {"trigger": "uppfoljning run"}), **worker_tags()}
    result = job.execute_in_process(instance=instance, raise_on_error=False,
                                    run_config=quiet, tags=run_tags,
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
    # a delivery that breaks the contract skips the build (no error trace): the night failed
    blocked = any(name == CONTRACT_CHECK for name, _, _ in failed)
    report = RunReport(result.success and not blocked, result.run_id, materialized,
                       sorted(passed), sorted(failed), sorted(result.get_failed_step_keys()))
    report.warnings, report.errors = console_messages(instance, result.run_id)
    if settings.duckdb_path.exists():
        with duckdb.connect(str(settings.duckdb_path), read_only=True) as conn:
            from orchestration.publish import mart_tables

            report.mart_rows = {
                t: conn.execute(f"select count(*) from marts.{t}").fetchall()[0][0]
                for t in mart_tables(conn)}
            if "fct_findings" in report.mart_rows:
                report.findings = conn.execute(
                    "select severity, check_name, subject, period, amount_sek, detail from "
                    "marts.fct_findings where is_open order by severity, check_name, subject"
                ).fetchall()
            report.contract_problems = contract_problems(conn)
    return report


def contract_problems(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """The night's contract problems (orchestration/defs/registry/contract.py), if checked."""
    found = conn.execute("select 1 from information_schema.tables where table_schema = "
                         "'landing' and table_name = 'contract_problems'").fetchall()
    if not found:
        return []
    return conn.execute("select severity, message from landing.contract_problems "
                        "order by severity <> 'blocker', source_file, place").fetchall()


def kronor(amount) -> str:
    """1 234 567 kr: groups of three with a (no-break) space, the Swedish way."""
    whole = f"{round(amount):,}".replace(",", "\u00a0").replace("-", "\u2212")
    return f"{whole} kr"


def print_contract(report: RunReport) -> None:
    blockers = [m for sev, m in report.contract_problems if sev == "blocker"]
    if blockers:
        print(f"  Leveransen följer inte kontraktet ({len(blockers)} stoppande fel); marten "
              "byggdes inte och den senast publicerade versionen gäller:")
        for message in blockers:
            print(f"    [stoppar] {message}")
    warnings = [m for sev, m in report.contract_problems if sev != "blocker"]
    if warnings:
        print(f"  Varningar mot kontraktet: {len(warnings)}")
        for message in warnings:
            print(f"    [varning] {message}")


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
    print_contract(report)
    if report.findings:
        print(f"  Öppna avvikelser i marts.fct_findings: {len(report.findings)}")
        for severity, check, subject, period, amount, detail in report.findings:
            money = f", {kronor(amount)}" if amount is not None else ""
            when = f" {period}" if period else ""
            print(f"    [{severity}] {check}: {subject}{when}: {detail}{money}")
    for warning in report.warnings:
        print(f"  Varning: {warning}")
    if report.failed_steps:
        print(f"  Misslyckade steg: {', '.join(report.failed_steps)}")
        for step, reason in report.errors:
            print(f"    {step}: {reason}")
        print("  Var du tittar: uppfoljning status (senaste körningen, karantän), körningens "
              f"logg i Dagster UI (körning {report.run_id}), karantänmappen nedan. Den "
              "publicerade versionen är oförändrad.")
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


def runs_in_progress(instance: dg.DagsterInstance) -> list[dg.DagsterRun]:
    """Runs that may be writing the warehouse now. A run whose worker process is gone (killed,
    power cut) is marked failed first, with the reason printed: it blocks nothing."""
    for message in fail_stale_runs(instance):
        print(message)
    return busy_runs(instance)


def main(force: bool = False, rebuild: bool = False) -> int:
    ensure_dagster_home()
    busy = [] if force else runs_in_progress(dg.DagsterInstance.get())
    if busy:
        # a second writer would fail on DuckDB's lock half-way; say so before starting
        run = busy[0]
        print(f"En körning pågår redan ({run.job_name}, {run.run_id}) i DAGSTER_HOME="
              f"{os.environ['DAGSTER_HOME']}: den skriver lagret, och dess arbetsprocess "
              "lever, så ingen ny körning startas. Vänta tills den är klar (uppfoljning "
              "status), eller köa en körning: dagster job launch -m orchestration.definitions "
              "-j nightly.")
        return 2
    settings = get_settings()
    with run_lock(settings) as holder:
        if holder is not None:
            print(f"En annan uppfoljning run (process {holder}) skriver redan lagret "
                  f"{settings.warehouse_dir}: ingen ny körning startas. Vänta tills den är "
                  "klar (uppfoljning status).")
            return 2
        return _run_locked(settings, rebuild, force)


@contextmanager
def run_lock(settings: Settings) -> Iterator[str | None]:
    """An exclusive lock on warehouse/.run.lock for the whole in-process run: None when taken,
    else the holder's pid. The kernel lets go when the holder dies, SIGKILL included, so the
    lock is never stale; it closes the gap between the guard's look at Dagster's runs and the
    new run being recorded there, when two `uppfoljning run` start at the same moment."""
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    path = settings.warehouse_dir / RUN_LOCK_NAME
    with path.open("a+") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            f.seek(0)
            yield f.read().strip() or "?"
            return
        f.seek(0)
        f.truncate()
        f.write(str(os.getpid()))
        f.flush()
        try:
            yield None
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _run_locked(settings: Settings, rebuild: bool, force: bool) -> int:
    from orchestration.rebuild import prepare_warehouse
    from orchestration.sample.generate import generate

    if not force and runs_in_progress(dg.DagsterInstance.get()):
        print("En körning registrerades i Dagster medan den här startade: ingen ny körning "
              "startas. Vänta tills den är klar (uppfoljning status).")
        return 2
    if not raw_has_data(settings.raw_dir):
        print(f"{settings.raw_dir} har inga källfiler: skriver exempelkommunen (skala S).")
        generate(settings.raw_dir)
        settings = get_settings()  # the sample records its as-of date in raw/
    for line in prepare_warehouse(settings, force_rebuild=rebuild):
        print(line)
    print(f"Läser {settings.raw_dir}, bedömer per {settings.as_of_date}")
    report = run_nightly(settings)
    print_summary(report, settings)
    return 0 if report.success else 1
