"""One benchmark harness: every stage of the nightly run timed on the sample municipality.

    .venv/bin/python tests/benchmarks/run.py --dataset S|M|L [--runs N] [--keep]

The data set is generated once into tests/benchmarks/data/<scale>/raw (git-ignored) and reused
while the generator's code is unchanged. Each stage runs `--runs` times, every time in a fresh
child process (this script with --worker), so one stage's memory never inflates the next one's
peak; the child samples the resident memory of its own process tree in a thread (so dbt's
subprocess counts). Peers and floors (floor.sql, DuckDB's line and CSV readers, pysie) run on
the same files in the same invocation. Prints a markdown table, appends one JSON object per
stage to results.jsonl and rewrites this data set's section of LATEST.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parents[1]
for _path in (REPO_ROOT, BENCH_DIR):  # the project, and the sibling bench_* modules
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

DATA_DIR = BENCH_DIR / "data"
RESULTS = BENCH_DIR / "results.jsonl"
LATEST = BENCH_DIR / "LATEST.md"
FLOOR_SQL = BENCH_DIR / "floor.sql"
SAMPLE_DIR = REPO_ROOT / "orchestration" / "sample"
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
VENV_BIN = Path(sys.executable).parent
SEED = 484
DEFAULT_RUNS = {"S": 3, "M": 2, "L": 1}
RESULT_MARK = "BENCH-RESULT "
SAMPLE_SECONDS = 0.05
HASH_KEY = "benchmark-payroll-key"  # fixed, so every stage hashes employees the same way
# Targets on the 2-core, 24 GB machine (M): the issue "One benchmark harness".
TARGETS = {"full_nightly_s": 180, "full_nightly_mb": 4096, "incremental_s": 20,
           "dbt_floor_ratio": 2.0, "sie_rows_per_s": 1_000_000}
FLOOR_TABLES = {  # floor table -> (mart relation, columns compared row by row)
    "fct_ledger_lines": ("marts.fct_ledger_lines",
                         "ledger_line_id, year, month, account, committee_id, object_code, "
                         "initiative_id, mandate_project_code, line_kind, amount_sek"),
    "cost_monthly": ("intermediate.int_initiative_costs__monthly",
                     "initiative_id, committee_id, year, month, cost_sek"),
    "funding_by_source": ("marts.rpt_funding_by_source",
                          "initiative_id, year, funding_source, amount_sek, cost_sek"),
    "reconciliation": ("marts.rpt_reconciliation",
                       "kind, period, committee, initiative_id, object_code, account, grant_id, "
                       "expected_sek, actual_sek, difference_sek"),
    "reporting_compliance": ("marts.rpt_reporting_compliance",
                             "body, initiative_id, report_kind, period, due_on, delivered_on, "
                             "status, days_late"),
}


# --------------------------------------------------------------------------- memory sampling


class TreeSampler:
    """Peak resident memory of this process and all its descendants, sampled in a thread.
    Summing RSS over a tree counts shared pages twice; for one Python process with a dbt or
    DuckDB child that errs high, which is the safe side for a memory target."""

    def __init__(self, interval: float = SAMPLE_SECONDS):
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._proc = psutil.Process()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _sample(self) -> None:
        total = 0
        for proc in [self._proc, *self._proc.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
            except psutil.Error:  # a child that ended between listing and reading
                continue
        self.peak = max(self.peak, total)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


# --------------------------------------------------------------------------- data sets


def generator_fingerprint(scale: str) -> str:
    """The sample package's code (generate.py and the modules it writes with), scale and seed:
    a changed generator gives a new fingerprint, so the data set is written again."""
    digest = hashlib.sha256(f"{scale}:{SEED}".encode())
    for path in sorted(SAMPLE_DIR.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class Dataset:
    scale: str
    root: Path
    raw: Path
    held: Path  # the last month held back: the ledger file without it, and which month
    month: str
    ledger_file: str  # name under raw/ledger/ of the file holding the last month
    payroll_file: str
    as_of_date: str
    counts: dict[str, int]
    generated_s: float | None

    @property
    def runs_dir(self) -> Path:
        return self.root / "runs"


def _tree_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def prepare_dataset(scale: str) -> Dataset:
    root = DATA_DIR / scale
    raw = root / "raw"
    marker = root / "dataset.json"
    fingerprint = generator_fingerprint(scale)
    info = json.loads(marker.read_text()) if marker.exists() else {}
    if info.get("fingerprint") != fingerprint:
        print(f"Writing data set {scale} to {raw} (generator fingerprint {fingerprint}) ...",
              flush=True)
        shutil.rmtree(root, ignore_errors=True)
        from orchestration.sample.generate import generate

        start = time.perf_counter()
        manifest = generate(raw, scale=scale, seed=SEED)
        seconds = time.perf_counter() - start
        info = {"fingerprint": fingerprint, "scale": scale, "seed": SEED,
                "counts": manifest["counts"], "generated_s": round(seconds, 1),
                "raw_bytes": _tree_bytes(raw),
                "written_at": datetime.now(UTC).isoformat(timespec="seconds")}
        marker.write_text(json.dumps(info, indent=2) + "\n")
        print(f"  written in {seconds:.0f} s: {info['counts']}, "
              f"{info['raw_bytes'] / 1e9:.2f} GB", flush=True)
        generated: float | None = seconds
    else:
        print(f"Reusing data set {scale} in {raw} (fingerprint {fingerprint}, written in "
              f"{info['generated_s']} s)", flush=True)
        generated = None
    month, ledger_file, payroll_file = _last_month(raw)
    held = root / "held"
    held_marker = held / "held.json"
    held_info = json.loads(held_marker.read_text()) if held_marker.exists() else {}
    if held_info.get("fingerprint") != fingerprint:
        shutil.rmtree(held, ignore_errors=True)
        (held / "ledger").mkdir(parents=True)
        start = time.perf_counter()
        kept, dropped = hold_back_month(raw / "ledger" / ledger_file,
                                        held / "ledger" / ledger_file, month)
        held_marker.write_text(json.dumps({"fingerprint": fingerprint, "month": month,
                                           "vouchers_kept": kept, "vouchers_dropped": dropped})
                               + "\n")
        print(f"  held back {month}: {ledger_file} without its {dropped:,} vouchers "
              f"({time.perf_counter() - start:.0f} s)", flush=True)
    as_of = (raw / "AS_OF_DATE").read_text(encoding="utf-8").strip()
    return Dataset(scale, root, raw, held, month, ledger_file, payroll_file, as_of,
                   info["counts"], generated)


def _last_month(raw: Path) -> tuple[str, str, str]:
    """The newest payroll month, its file, and the SIE file of that year."""
    payroll = sorted(p.name for p in (raw / "payroll").glob("lon_*.csv"))
    last = payroll[-1]
    month = last.removeprefix("lon_").removesuffix(".csv")
    year = month[:4]
    ledgers = [p.name for p in (raw / "ledger").iterdir() if f"_{year}." in p.name]
    if len(ledgers) != 1:
        raise RuntimeError(f"expected one ledger file for {year} in {raw / 'ledger'}: {ledgers}")
    return month, ledgers[0], last


def hold_back_month(source: Path, target: Path, month: str) -> tuple[int, int]:
    """Copy an SIE file without the vouchers dated in `month` (YYYY-MM): the export as it
    stood a month earlier. Works on bytes, so the CP437 text passes through untouched; the
    balances (#UB, #RES) stay as they were, which no part of the pipeline reconciles."""
    prefix = month.replace("-", "").encode()
    kept = dropped = 0
    skipping = False
    with source.open("rb") as src, target.open("wb") as out:
        buffer: list[bytes] = []
        for line in src:
            if skipping:
                if line.strip() == b"}":
                    skipping = False
                continue
            if line.startswith(b"#VER"):
                fields = line.split(None, 4)
                if len(fields) > 3 and fields[3].startswith(prefix):
                    skipping = True
                    dropped += 1
                    continue
                kept += 1
            buffer.append(line)
            if len(buffer) >= 65_536:  # write in batches: a line at a time is slow
                out.write(b"".join(buffer))
                buffer.clear()
        out.write(b"".join(buffer))
    return kept, dropped


def link_tree(source: Path, target: Path, skip: set[str] | None = None) -> None:
    """A copy of raw/ made of hard links (same disk, no gigabytes copied); the pipeline only
    reads raw/, so sharing the files is safe."""
    skip = skip or set()
    for path in source.rglob("*"):
        rel = path.relative_to(source)
        if str(rel) in skip or not path.is_file():
            continue
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, dest)
        except OSError:
            shutil.copy2(path, dest)


# --------------------------------------------------------------------------- worker stages
# Each stage: setup(ctx) does the untimed part (imports, fresh folders) and returns the timed
# work, which returns what it measured (rows and details). Runs in a child process.

Work = Callable[[], dict[str, Any]]


def _warehouse(ctx: dict[str, Any]) -> Any:
    from orchestration.defs.resources import Warehouse

    return Warehouse(raw_dir=ctx["raw_dir"], warehouse_dir=ctx["warehouse_dir"],
                     as_of_date=ctx["as_of_date"])


def _asset_work(asset_names: list[str], ctx: dict[str, Any]) -> Work:
    import dagster as dg

    from orchestration import landing
    from orchestration.defs.grants.assets import grants
    from orchestration.defs.ledger import assets as ledger_module
    from orchestration.defs.ledger.assets import ledger
    from orchestration.defs.payroll import assets as payroll_module
    from orchestration.defs.payroll.assets import payroll
    from orchestration.defs.registry.assets import registry
    from orchestration.defs.reports.assets import reports
    from orchestration.defs.survey.assets import survey

    assets = {"registry": registry, "ledger": ledger, "payroll": payroll, "grants": grants,
              "reports": reports, "survey": survey}
    warehouse = _warehouse(ctx)
    # where an ingestion's time goes: the same functions, wrapped with a clock
    spent = _clock_calls([(landing.Delivery, "sha256", "hash_s"),
                          (landing, "_replace", "load_s"),
                          (ledger_module, "read_sie", "read_s"),
                          (payroll_module, "read_payroll", "read_s")])

    def work() -> dict[str, Any]:
        # the assets' own code, invoked directly: the same reads, loads and metadata queries
        meta = {}
        for name in asset_names:
            result = assets[name](dg.build_asset_context(), warehouse=warehouse)
            meta[name] = {k: getattr(v, "value", v) for k, v in result.metadata.items()
                          if k in ("files_loaded", "files_quarantined", "rows_loaded",
                                   "transactions", "quarantined")}
        return {"assets": meta, "breakdown": {k: round(v, 2) for k, v in spent.items()}}

    return work


def _clock_calls(targets: list[tuple[Any, str, str]]) -> dict[str, float]:
    """Replace each owner.attribute with a wrapper adding its run time to a total per label.
    Module functions are looked up at call time, so the assets call the wrappers."""
    spent: dict[str, float] = {}

    def wrap(original: Callable[..., Any], label: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - start

        return timed

    for owner, name, label in targets:
        setattr(owner, name, wrap(getattr(owner, name), label))
    return spent


def _landing_rows(db: Path) -> dict[str, int]:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as conn:
        tables = {r[0] for r in conn.execute(
            "select table_name from information_schema.tables where table_schema = 'landing'"
        ).fetchall()}
        ledger = (conn.execute("select count(*) from landing.ledger_transactions "
                               "where counts_in_ledger").fetchall()[0][0]
                  if "ledger_transactions" in tables else 0)
        payroll = (conn.execute("select coalesce(sum(source_rows), 0) "
                                "from landing.payroll_monthly").fetchall()[0][0]
                   if "payroll_monthly" in tables else 0)
        loaded = conn.execute("select coalesce(sum(row_count), 0) from landing.files "
                              "where status = 'loaded'").fetchall()[0][0]
    return {"ledger": int(ledger), "payroll": int(payroll), "landing": int(loaded)}


def stage_other_sources(ctx: dict[str, Any]) -> Work:
    work = _asset_work(["registry", "grants", "reports", "survey"], ctx)

    def timed() -> dict[str, Any]:
        out = work()
        out["rows"] = sum(m.get("rows_loaded", 0) for m in out["assets"].values())
        return out

    return timed


def stage_sie_ingestion(ctx: dict[str, Any]) -> Work:
    work = _asset_work(["ledger"], ctx)

    def timed() -> dict[str, Any]:
        out = work()
        out["rows"] = int(out["assets"]["ledger"].get("transactions", 0))
        return out

    return timed


def stage_payroll_ingestion(ctx: dict[str, Any]) -> Work:
    work = _asset_work(["payroll"], ctx)
    db = Path(ctx["warehouse_dir"]) / "governance.duckdb"

    def timed() -> dict[str, Any]:
        out = work()
        # the input CSV rows, counted once the clock has stopped
        out["after"] = lambda: {"rows": _landing_rows(db)["payroll"]}
        return out

    return timed


def stage_dbt_build(ctx: dict[str, Any]) -> Work:
    target = Path(ctx["target_path"])
    logs = Path(ctx["log_path"])
    env = {**os.environ, "UPPFOLJNING_DUCKDB_PATH": ctx["db_path"],
           "UPPFOLJNING_AS_OF_DATE": ctx["as_of_date"]}
    command = [str(VENV_BIN / "dbt"), "build", "--project-dir", str(DBT_PROJECT_DIR),
               "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(target),
               "--log-path", str(logs)]
    output = Path(ctx["log_path"]) / "dbt-build.out"

    def work() -> dict[str, Any]:
        with output.open("w") as out:
            code = subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT,
                                  cwd=DBT_PROJECT_DIR).returncode
        return {"rows": ctx["input_rows"], "exit_code": code}

    return work


def stage_floor(ctx: dict[str, Any]) -> Work:
    import duckdb

    script = FLOOR_SQL.read_text(encoding="utf-8")

    def work() -> dict[str, Any]:
        with duckdb.connect(ctx["db_path"]) as conn:
            conn.execute(f"set variable as_of_date = date '{ctx['as_of_date']}'")
            conn.execute(script).fetchall()  # nothing half-fetched (DuckDB 2)
        return {"rows": ctx["input_rows"]}

    return work


def stage_checks(ctx: dict[str, Any]) -> Work:
    import duckdb

    from orchestration.settings import EXPECTATIONS_DIR
    from orchestration.validation.suites import load_suites, run_suite

    def work() -> dict[str, Any]:
        suites = load_suites(EXPECTATIONS_DIR)
        rows, failed = 0, []
        with duckdb.connect(ctx["db_path"], read_only=True) as conn:
            for suite in suites:
                result = run_suite(conn, suite)
                rows += result.rows
                if not result.success:
                    failed.append(suite.name)
        return {"rows": rows, "suites": len(suites), "suites_failed": failed}

    return work


def stage_publish(ctx: dict[str, Any]) -> Work:
    from datetime import date

    from orchestration import publish as publish_module
    from orchestration.publish import publish
    from orchestration.settings import Settings

    settings = Settings(Path(ctx["raw_dir"]), Path(ctx["warehouse_dir"]),
                        date.fromisoformat(ctx["as_of_date"]))
    # the follow-up reports (HTML, voucher pages, PDFs) apart from the data export
    spent = _clock_calls([(publish_module, "_write_followup_reports", "reports_s")])

    def work() -> dict[str, Any]:
        result = publish(settings, run_id="benchmark")
        return {"rows": sum(result.tables.values()), "tables": len(result.tables),
                "breakdown": {k: round(v, 2) for k, v in spent.items()}}

    return work


def _nightly_work(ctx: dict[str, Any]) -> Work:
    """The whole job as `uppfoljning run` starts it: importing Dagster and the definitions is
    part of the time, since every nightly process pays it."""

    def work() -> dict[str, Any]:
        from orchestration.run import run_nightly

        return _run_fields(run_nightly(tags={"trigger": "benchmark"}))

    return work


def _run_fields(report: Any) -> dict[str, Any]:
    """What the parent keeps of a run (an orchestration.run.RunReport)."""
    return {"success": report.success, "run_id": report.run_id,
            "materialized": len(report.materialized),
            "checks_passed": len(report.checks_passed),
            "checks_failed": [c[0] for c in report.checks_failed],
            "failed_steps": report.failed_steps}


def _nightly_counting_input(ctx: dict[str, Any]) -> Work:
    """A nightly run whose rows are the data set's input rows."""
    work = _nightly_work(ctx)

    def timed() -> dict[str, Any]:
        out = work()
        out["rows"] = ctx["input_rows"]
        return out

    return timed


def stage_full_nightly(ctx: dict[str, Any]) -> Work:
    return _nightly_counting_input(ctx)


def stage_incremental_base(ctx: dict[str, Any]) -> Work:
    return _nightly_work(ctx)


def stage_incremental_month(ctx: dict[str, Any]) -> Work:
    """The run the raw/ sensor starts when the month's files arrive: its tick is evaluated
    from the cursor taken before they came, and the requested run (that month's partition and
    what is downstream) executes. Both are timed, with importing Dagster and loading the
    definitions (not the interpreter's start and exit)."""

    def work() -> dict[str, Any]:
        import dagster as dg

        from orchestration.definitions import defs
        from orchestration.run import run_nightly

        code_location = defs()
        instance = dg.DagsterInstance.get()
        tick = code_location.resolve_sensor_def("raw_files_sensor").evaluate_tick(
            dg.build_sensor_context(cursor=ctx["cursor"], definitions=code_location,
                                    instance=instance, instance_ref=instance.get_ref()))
        [request] = tick.run_requests
        for added in tick.dynamic_partitions_requests:
            instance.add_dynamic_partitions(added.partitions_def_name,
                                            list(added.partition_keys))
        report = run_nightly(tags={"trigger": "benchmark"}, request=request)
        return {**_run_fields(report), "partition": request.partition_key,
                "rows": ctx["input_rows"]}

    return work


def stage_sie_parse(ctx: dict[str, Any]) -> Work:
    from orchestration.defs.ledger.assets import DEFAULT_DIMENSIONS
    from orchestration.readers.sie import read_sie

    files = [Path(p) for p in ctx["files"]]
    out_dir = Path(ctx["scratch"])

    def work() -> dict[str, Any]:
        rows = 0
        for i, path in enumerate(files):
            summary = read_sie(path, out_dir / f"sie-{i}", DEFAULT_DIMENSIONS)
            rows += summary.transactions
        return {"rows": rows}

    return work


def stage_sie_io_floor(ctx: dict[str, Any]) -> Work:
    """The same bytes through DuckDB's CSV reader as plain lines. DuckDB cannot decode CP437
    (stack notes), so the floor includes transcoding to UTF-8 in 16 MB chunks; the scan alone
    is reported beside it."""
    import codecs

    import duckdb

    files = [Path(p) for p in ctx["files"]]
    scratch = Path(ctx["scratch"])

    def work() -> dict[str, Any]:
        rows, scan_s = 0, 0.0
        for i, path in enumerate(files):
            utf8 = scratch / f"lines-{i}.txt"
            decoder = codecs.getincrementaldecoder("cp437")()
            with path.open("rb") as src, utf8.open("wb") as dst:
                while chunk := src.read(16 * 1024 * 1024):
                    dst.write(decoder.decode(chunk).encode("utf-8"))
            start = time.perf_counter()
            with duckdb.connect() as conn:
                rows += conn.execute(
                    f"select count(*) filter (where starts_with(ltrim(line), '#TRANS')), "
                    f"sum(strlen(line)) from read_csv('{utf8}', columns = {{'line': 'VARCHAR'}}, "
                    f"header = false, delim = '\\x01', quote = '', escape = '', "
                    f"auto_detect = false)").fetchall()[0][0]
            scan_s += time.perf_counter() - start
            utf8.unlink()
        return {"rows": rows, "scan_only_s": round(scan_s, 3)}

    return work


def stage_sie_pysie(ctx: dict[str, Any]) -> Work:
    import pandas as pd
    from pysie_accounting.pysie import PySIE

    files = [Path(p) for p in ctx["files"]]

    def work() -> dict[str, Any]:
        found = 0
        for path in files:
            sie = PySIE()
            sie.sie_encoding = "cp437"  # its default is UTF-8 (stack notes)
            # open() merges balances with an SRU translation table it never loads itself
            sie.dftrans = pd.DataFrame({"SRU": pd.Series(dtype="int64"),
                                        "Ink2": pd.Series(dtype="object")})
            sie.open(str(path))
            found += sum(len(v[3]) for v in sie.verifikat.values())
        # its speed is judged on the rows in the files; what it returned is shown beside
        return {"rows": ctx["rows"], "rows_returned": found}

    return work


STAGES: dict[str, Callable[[dict[str, Any]], Work]] = {
    "other_sources": stage_other_sources,
    "sie_ingestion": stage_sie_ingestion,
    "payroll_ingestion": stage_payroll_ingestion,
    "dbt_build": stage_dbt_build,
    "floor": stage_floor,
    "checks": stage_checks,
    "publish": stage_publish,
    "full_nightly": stage_full_nightly,
    "incremental_base": stage_incremental_base,
    "incremental_month": stage_incremental_month,
    "sie_parse": stage_sie_parse,
    "sie_io_floor": stage_sie_io_floor,
    "sie_pysie": stage_sie_pysie,
}


def worker(stage: str, ctx: dict[str, Any]) -> None:
    work = STAGES[stage](ctx)
    with TreeSampler() as sampler:
        start = time.perf_counter()
        out = work()
        seconds = time.perf_counter() - start
    after = out.pop("after", None)
    if after is not None:
        out.update(after())
    print(RESULT_MARK + json.dumps({"seconds": seconds, "peak_bytes": sampler.peak, **out},
                                   default=str), flush=True)


# --------------------------------------------------------------------------- the parent


@dataclass
class Sample:
    seconds: float
    peak_bytes: int | None
    rows: int
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class StageResult:
    stage: str
    samples: list[Sample]
    floor_ratio: float | None = None
    note: str = ""

    @property
    def seconds(self) -> list[float]:
        return [s.seconds for s in self.samples]

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)

    @property
    def rows(self) -> int:
        return self.samples[-1].rows

    @property
    def peak_mb(self) -> float | None:
        peaks = [s.peak_bytes for s in self.samples if s.peak_bytes is not None]
        return max(peaks) / 1024**2 if peaks else None

    @property
    def rows_per_s(self) -> float | None:
        return self.rows / self.median_s if self.rows and self.median_s > 0 else None


class StageFailed(RuntimeError):
    pass


class Bench:
    def __init__(self, data: Dataset, runs: int, keep: bool):
        self.data = data
        self.runs = runs
        self.keep = keep
        self.results: dict[str, StageResult] = {}
        self.details: list[str] = []  # where the time goes, for the report
        self.work = data.runs_dir
        # the rows a whole run reads: every ledger row and every payroll row generated
        self.input_rows = sum(data.counts.values())
        self.warehouse = self.work / "ingest-1"
        self.floor_equal = True
        self.load_start = _load_average()
        self._month_rows: int | None = None
        shutil.rmtree(self.work, ignore_errors=True)
        self.logs = self.work / "logs"
        self.logs.mkdir(parents=True)
        self.base_env = {**os.environ, "PAYROLL_HASH_KEY": HASH_KEY,
                         "GX_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
                         "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                         "RAW_DIR": str(data.raw), "AS_OF_DATE": data.as_of_date}

    # -- running one worker
    def launch(self, stage: str, ctx: dict[str, Any], env: dict[str, str] | None = None,
               label: str | None = None) -> Sample:
        label = label or stage
        log = self.logs / f"{label}.log"
        command = [sys.executable, str(Path(__file__).resolve()), "--worker", stage,
                   "--context", json.dumps(ctx)]
        with log.open("a") as err:
            proc = subprocess.run(command, stdout=subprocess.PIPE, stderr=err, text=True,
                                  env={**self.base_env, **(env or {})}, cwd=REPO_ROOT)
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(RESULT_MARK)]
        if proc.returncode != 0 or not lines:
            tail = "".join(log.read_text(errors="replace").splitlines(True)[-25:])
            raise StageFailed(f"{label} failed (exit {proc.returncode}); log {log}:\n{tail}")
        out = json.loads(lines[-1][len(RESULT_MARK):])
        seconds, peak, rows = out.pop("seconds"), out.pop("peak_bytes"), out.pop("rows", 0)
        print(f"  {label}: {seconds:.2f} s, {peak / 1024**2:,.0f} MB, {rows:,} rows", flush=True)
        return Sample(seconds, peak, int(rows), out)

    def record(self, result: StageResult) -> StageResult:
        self.results[result.stage] = result
        return result

    def ctx(self, **kw: Any) -> dict[str, Any]:
        return {"raw_dir": str(self.data.raw), "as_of_date": self.data.as_of_date, **kw}

    # -- the stages
    def ingestion(self) -> None:
        """other sources, then SIE, then payroll, each into a fresh warehouse per run (in the
        nightly's order: the registry names the ledger's dimensions). The last run's
        warehouse is what dbt, the floor, the checks and publication then read."""
        samples: dict[str, list[Sample]] = {"other_sources": [], "sie_ingestion": [],
                                            "payroll_ingestion": []}
        warehouse = self.work
        for run in range(1, self.runs + 1):
            warehouse = self.work / f"ingest-{run}"
            shutil.rmtree(warehouse, ignore_errors=True)
            ctx = self.ctx(warehouse_dir=str(warehouse))
            env = {"WAREHOUSE_DIR": str(warehouse)}
            for stage in samples:
                samples[stage].append(self.launch(stage, ctx, env, f"{stage}-{run}"))
            if run > 1:  # keep only the newest ingested warehouse on disk
                shutil.rmtree(self.work / f"ingest-{run - 1}", ignore_errors=True)
        for stage, got in samples.items():
            self.record(StageResult(stage, got))
            parts = got[-1].extra.get("breakdown") or {}
            if stage != "other_sources" and parts:
                rest = got[-1].seconds - sum(parts.values())
                self.details.append(
                    f"{stage} (last run) {got[-1].seconds:.1f} s: reading "
                    f"{parts.get('read_s', 0):.1f} s, loading into DuckDB "
                    f"{parts.get('load_s', 0):.1f} s, hashing files {parts.get('hash_s', 0):.1f}"
                    f" s, the rest (metadata queries, connect) {rest:.1f} s")
        self.warehouse = warehouse

    def transformation(self) -> None:
        warehouse = self.warehouse
        db = warehouse / "governance.duckdb"
        rows = _landing_rows(db)
        self.input_rows = rows["ledger"] + rows["payroll"]
        target, dbt_logs = self.work / "dbt-target", self.work / "dbt-logs"
        dbt_logs.mkdir(exist_ok=True)
        # parse once off the clock with the build's own settings and profile, so that every
        # timed build parses partially: the steady state of a nightly run
        subprocess.run([str(VENV_BIN / "dbt"), "parse", "--quiet", "--project-dir",
                        str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
                        "--target-path", str(target), "--log-path", str(dbt_logs)],
                       env={**self.base_env, "UPPFOLJNING_DUCKDB_PATH": str(db),
                            "UPPFOLJNING_AS_OF_DATE": self.data.as_of_date},
                       cwd=DBT_PROJECT_DIR, check=True, stdout=subprocess.DEVNULL)
        ctx = self.ctx(warehouse_dir=str(warehouse), db_path=str(db),
                       target_path=str(target), log_path=str(dbt_logs),
                       input_rows=self.input_rows)
        dbt_samples, model_s, test_s, timings = [], [], [], []
        floor_samples = []
        for run in range(1, self.runs + 1):
            sample = self.launch("dbt_build", ctx, label=f"dbt_build-{run}")
            if sample.extra.get("exit_code"):
                sample.extra["note"] = "dbt build exited non-zero (a test failed)"
            dbt_samples.append(sample)
            models, tests, per_node = dbt_breakdown(target / "run_results.json")
            model_s.append(models)
            test_s.append(tests)
            timings.append(per_node)
            floor_samples.append(self.launch("floor", ctx, label=f"floor-{run}"))
        floor = self.record(StageResult("floor", floor_samples))
        build = self.record(StageResult("dbt_build", dbt_samples))
        build.floor_ratio = build.median_s / floor.median_s
        models = self.record(StageResult(
            "dbt_models", [Sample(s, None, self.input_rows) for s in model_s],
            note="wall time while a model ran (from run_results.json)"))
        models.floor_ratio = models.median_s / floor.median_s
        self.record(StageResult("dbt_tests", [Sample(s, None, 0) for s in test_s],
                                note="wall time while a test ran (from run_results.json)"))
        top = sorted(timings[-1].items(), key=lambda kv: -kv[1])[:8]
        self.details.append("dbt nodes, slowest (s): " + ", ".join(
            f"{name} {secs:.2f}" for name, secs in top))
        overhead = build.median_s - statistics.median(model_s) - statistics.median(test_s)
        self.details.append(f"dbt build {build.median_s:.1f} s = models "
                            f"{statistics.median(model_s):.1f} s + tests "
                            f"{statistics.median(test_s):.1f} s + start-up, parse and "
                            f"scheduling {overhead:.1f} s")
        self.verify_floor(db)

    def verify_floor(self, db: Path) -> None:
        import duckdb

        lines, equal = [], True
        with duckdb.connect(str(db), read_only=True) as conn:
            for table, (mart, columns) in FLOOR_TABLES.items():
                diff = conn.execute(
                    f"select count(*) from ((select {columns} from floor.{table} except all "
                    f"select {columns} from {mart}) union all (select {columns} from {mart} "
                    f"except all select {columns} from floor.{table}))").fetchall()[0][0]
                count = conn.execute(f"select count(*) from {mart}").fetchall()[0][0]
                total = _total(conn, mart)
                equal &= diff == 0
                lines.append(f"{table}: {count:,} rows, total {total}, "
                             f"{'equal' if diff == 0 else f'{diff} rows DIFFER'}")
        verdict = ("floor.sql's outputs equal the mart's row for row" if equal
                   else "floor.sql's outputs DIFFER from the mart's")
        print(f"  {verdict}: " + "; ".join(lines), flush=True)
        self.details.append(f"{verdict} ({'; '.join(lines)})")
        self.floor_equal = equal

    def checks_and_publish(self) -> None:
        warehouse = self.warehouse
        db = warehouse / "governance.duckdb"
        ctx = self.ctx(warehouse_dir=str(warehouse), db_path=str(db))
        env = {"WAREHOUSE_DIR": str(warehouse)}
        for stage in ("checks", "publish"):
            self.record(StageResult(stage, [self.launch(stage, ctx, env, f"{stage}-{run}")
                                            for run in range(1, self.runs + 1)]))

    def dagster_home(self, home: Path) -> None:
        """A fresh instance, set up off the clock as `make prepare` does: a nightly run finds
        its storage created and migrated."""
        home.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
        subprocess.run([str(VENV_BIN / "dagster"), "instance", "migrate"], check=True,
                       env={**self.base_env, "DAGSTER_HOME": str(home)},
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def after_run(self, sample: Sample, stage: str, home: Path, warehouse: Path) -> None:
        """Where a Dagster run's time went: its steps (event log) and dbt's own timings
        (run_results.json in the warehouse's dbt target)."""
        sample.extra["steps"] = step_seconds(home, sample.extra["run_id"])
        results = warehouse / ".dbt_target" / "run_results.json"
        if results.exists():
            models, tests, _ = dbt_breakdown(results)
            elapsed = json.loads(results.read_text()).get("elapsed_time")
            sample.extra["dbt"] = {"elapsed_s": round(float(elapsed or 0), 2),
                                   "models_s": round(models, 2), "tests_s": round(tests, 2)}
        _warn_unsuccessful(stage, sample)

    def nightly(self) -> None:
        samples = []
        for run in range(1, self.runs + 1):
            folder = self.work / f"nightly-{run}"
            home, warehouse = folder / "dagster_home", folder / "warehouse"
            self.dagster_home(home)
            env = {"WAREHOUSE_DIR": str(warehouse), "DAGSTER_HOME": str(home)}
            sample = self.launch("full_nightly", self.ctx(input_rows=self.input_rows), env,
                                 f"full_nightly-{run}")
            self.after_run(sample, "full_nightly", home, warehouse)
            samples.append(sample)
            if not self.keep or run < self.runs:  # --keep: the last run's warehouse stays
                shutil.rmtree(folder, ignore_errors=True)
        self.record(StageResult("full_nightly", samples))
        self.details.append(f"full_nightly (last run) {samples[-1].seconds:.1f} s: "
                            + _steps_text(samples[-1]))

    def incremental(self) -> None:
        """A full run on the data set without its last month, then the month arrives (its
        payroll file, and the year's SIE file exported again with it) and the raw/ sensor's
        run for it is measured."""
        from orchestration.defs.sensors import encode_cursor, scan

        data = self.data
        samples = []
        for run in range(1, self.runs + 1):
            folder = self.work / f"incremental-{run}"
            raw, home, warehouse = folder / "raw", folder / "dagster_home", folder / "warehouse"
            ledger_rel = f"ledger/{data.ledger_file}"
            payroll_rel = f"payroll/{data.payroll_file}"
            link_tree(data.raw, raw, skip={ledger_rel, payroll_rel})
            os.link(data.held / "ledger" / data.ledger_file, raw / ledger_rel)
            self.dagster_home(home)
            env = {"RAW_DIR": str(raw), "WAREHOUSE_DIR": str(warehouse),
                   "DAGSTER_HOME": str(home)}
            ctx = self.ctx(raw_dir=str(raw))
            base = self.launch("incremental_base", ctx, env, f"incremental_base-{run}")
            _warn_unsuccessful("incremental_base", base)
            ctx["cursor"] = encode_cursor(scan(raw))  # what the sensor knew before the month
            (raw / ledger_rel).unlink()
            os.link(data.raw / ledger_rel, raw / ledger_rel)
            os.link(data.raw / payroll_rel, raw / payroll_rel)
            new_rows = self.month_rows()
            sample = self.launch("incremental_month", {**ctx, "input_rows": new_rows}, env,
                                 f"incremental_month-{run}")
            self.after_run(sample, "incremental_month", home, warehouse)
            sample.extra["base_run_s"] = round(base.seconds, 2)
            samples.append(sample)
            if not self.keep or run < self.runs:
                shutil.rmtree(folder, ignore_errors=True)
        self.record(StageResult(
            "incremental_month", samples,
            note=f"{data.month}: its payroll file and {data.ledger_file} again, run as the "
                 "raw/ sensor asks (that month's partition and what is downstream)"))
        self.details.append(f"incremental_month (last run) {samples[-1].seconds:.1f} s: "
                            + _steps_text(samples[-1]))

    def month_rows(self) -> int:
        """Rows the incremental run reads: the re-exported year's ledger rows and the new
        payroll month's rows (counted once, from the full data set)."""
        if self._month_rows is None:
            self._month_rows = _count_lines(self.data.raw / "payroll" / self.data.payroll_file,
                                            b"") - 1 + _count_lines(
                self.data.raw / "ledger" / self.data.ledger_file, b"#TRANS", strip=True)
        return self._month_rows

    def sie_peers(self) -> None:
        files = sorted(str(p) for p in (self.data.raw / "ledger").iterdir() if p.is_file())
        per_file = _bench_sie_per_file(files, self.runs)
        if per_file is not None:
            self.sie_from_bench(per_file)
        else:
            self.sie_own(files)
        floor = self.results["sie_io_floor"]
        for stage in ("sie_parse", "sie_pysie"):
            if stage in self.results and self.results[stage].floor_ratio is None:
                self.results[stage].floor_ratio = self.results[stage].median_s / floor.median_s

    def sie_from_bench(self, per_file: dict[str, dict[str, list[dict[str, Any]]]]) -> None:
        """bench_sie.run per file, summed; pysie runs only on the files small enough for it,
        so its ratio is taken against the floor on those same files."""
        floor = per_file["duckdb_lines"]
        rows = {f: int(r[0]["rows"]) for f, r in per_file["read_sie"].items()}
        for method, stage in (("read_sie", "sie_parse"), ("duckdb_lines", "sie_io_floor"),
                              ("pysie", "sie_pysie")):
            got = per_file.get(method)
            if not got:
                continue
            mine = sorted(got)
            note = f"bench_sie.run ({method}) on {len(mine)} of {len(rows)} files"
            if method == "pysie":
                returned = sum(int(got[f][0]["rows"]) for f in mine)
                note += (f"; returned {returned:,} of their {sum(rows[f] for f in mine):,} "
                         "rows (it needs #VER series and number quoted)")
            result = self.record(_summed(stage, [got[f] for f in mine], note,
                                         rows=sum(rows.get(f, 0) for f in mine)))
            if method != "duckdb_lines":
                floor_s = sum(statistics.median(r["seconds"] for r in floor[f]) for f in mine)
                result.floor_ratio = result.median_s / floor_s
        transcode = sum(statistics.median(r.get("transcode_seconds", 0) for r in runs)
                        for runs in floor.values())
        cpu = sum(statistics.median(r.get("cpu_seconds", 0) for r in runs)
                  for runs in per_file["read_sie"].values())
        parse = self.results["sie_parse"]
        self.details.append(
            f"SIE: read_sie {parse.median_s:.1f} s wall, {cpu:.1f} CPU s; its I/O floor "
            f"{self.results['sie_io_floor'].median_s:.1f} s, of which CP437 -> UTF-8 "
            f"transcoding {transcode:.1f} s")

    def sie_own(self, files: list[str]) -> None:
        """Without bench_sie: the same three measurements by this script's own workers."""
        scratch = self.work / "sie-scratch"
        for stage in ("sie_parse", "sie_io_floor"):
            got = []
            for run in range(1, self.runs + 1):
                shutil.rmtree(scratch, ignore_errors=True)
                scratch.mkdir(parents=True)
                got.append(self.launch(stage, self.ctx(files=files, scratch=str(scratch)),
                                       label=f"{stage}-{run}"))
            self.record(StageResult(stage, got))
        shutil.rmtree(scratch, ignore_errors=True)
        rows = self.results["sie_parse"].rows
        pysie_runs = 1 if self.data.scale != "S" else self.runs  # pure Python: minutes at M
        got = [self.launch("sie_pysie", self.ctx(files=files, rows=rows),
                           label=f"sie_pysie-{run}") for run in range(1, pysie_runs + 1)]
        returned = got[-1].extra.get("rows_returned") or 0
        self.record(StageResult("sie_pysie", got, note=f"returned {returned:,} of the "
                                f"{rows:,} rows (it needs #VER series and number quoted)"))
        floor = self.results["sie_io_floor"]
        scan = [s.extra["scan_only_s"] for s in floor.samples if "scan_only_s" in s.extra]
        self.details.append(f"SIE I/O floor {floor.median_s:.1f} s, of which the DuckDB line "
                            f"scan {statistics.median(scan):.1f} s and CP437 transcoding the rest")

    def payroll_peers(self) -> None:
        import bench_payroll

        files = sorted((self.data.raw / "payroll").glob("lon_*.csv"))
        per_method: dict[str, list[list[dict[str, Any]]]] = {}
        runs = 1 if self.data.scale != "S" else self.runs  # 41 files x 2 children per run
        for path in files:
            got = bench_payroll.run(path, runs)
            for method in {r["method"] for r in got}:
                per_method.setdefault(method, []).append([r for r in got
                                                          if r["method"] == method])
        names = {"read_payroll": "payroll_parse", "duckdb_read_csv": "payroll_floor"}
        for method, per_file in per_method.items():
            stage = names.get(method, f"payroll_{method}")
            self.record(_summed(stage, per_file, note=f"bench_payroll.run over {len(files)} "
                                f"files, {runs} run(s) each"))
        parse, floor = self.results.get("payroll_parse"), self.results.get("payroll_floor")
        if parse and floor:
            parse.floor_ratio = parse.median_s / floor.median_s
        for stage in ("payroll_parse", "payroll_floor"):
            if stage in self.results:
                r = self.results[stage]
                print(f"  {stage}: {r.median_s:.2f} s, {r.rows:,} rows", flush=True)

    def cleanup(self) -> None:
        if self.keep:
            return
        for path in self.work.iterdir():
            if path.name != "logs":
                shutil.rmtree(path, ignore_errors=True)


def _summed(stage: str, per_file: list[list[dict[str, Any]]], note: str,
            rows: int | None = None) -> StageResult:
    """Per-file child measurements as one stage: per-file medians (and minima, maxima) summed
    over the files, the largest peak."""
    med = sum(statistics.median(r["seconds"] for r in runs) for runs in per_file)
    low = sum(min(r["seconds"] for r in runs) for runs in per_file)
    high = sum(max(r["seconds"] for r in runs) for runs in per_file)
    if rows is None:
        rows = sum(int(runs[0].get("rows") or 0) for runs in per_file)
    peak = max(r.get("peak_rss_bytes") or 0 for runs in per_file for r in runs)
    samples = [Sample(med, peak, rows)]
    if len(per_file[0]) > 1:  # keep min and max visible as samples around the median
        samples = [Sample(low, peak, rows), Sample(med, peak, rows), Sample(high, peak, rows)]
    return StageResult(stage, samples, note=note)


def _bench_sie_per_file(files: list[str], runs: int
                        ) -> dict[str, dict[str, list[dict[str, Any]]]] | None:
    """bench_sie.run(path, runs) (another helper's script) per file, as {method: {file:
    runs}}; None when it is missing or does not report the reader and the floor."""
    try:
        import bench_sie
    except ImportError:
        return None
    if not callable(getattr(bench_sie, "run", None)):
        return None
    out: dict[str, dict[str, list[dict[str, Any]]]] = {}
    try:
        for path in files:
            for result in bench_sie.run(Path(path), runs):
                out.setdefault(result["method"], {}).setdefault(path, []).append(result)
                _ = float(result["seconds"]) + int(result["rows"])  # fail early on a new shape
    except (KeyError, TypeError, ValueError) as exc:
        print(f"  bench_sie.run gave results this runner does not understand ({exc!r}); "
              "measuring the SIE peers itself", flush=True)
        return None
    if not {"read_sie", "duckdb_lines"} <= set(out):
        return None
    return out


def _count_lines(path: Path, prefix: bytes, strip: bool = False) -> int:
    count = 0
    with path.open("rb") as f:
        for line in f:
            if (line.lstrip() if strip else line).startswith(prefix):
                count += 1
    return count


def _total(conn: Any, relation: str) -> str:
    columns = [r[0] for r in conn.execute(f"describe {relation}").fetchall()]
    money = next((c for c in ("amount_sek", "cost_sek", "difference_sek") if c in columns), None)
    if money is None:
        return "-"
    return str(conn.execute(f"select sum({money}) from {relation}").fetchall()[0][0]) + " SEK"


def dbt_breakdown(run_results: Path) -> tuple[float, float, dict[str, float]]:
    """Wall time during which at least one model (one test) was executing, and each node's
    execution time, from dbt's run_results.json."""
    doc = json.loads(run_results.read_text())
    spans: dict[str, list[tuple[float, float]]] = {"model": [], "test": []}
    per_node: dict[str, float] = {}
    for result in doc["results"]:
        kind, _, rest = result["unique_id"].partition(".")
        name = rest.split(".")[1] if "." in rest else rest
        per_node[name] = float(result.get("execution_time") or 0)
        for timing in result.get("timing", []):
            if timing.get("name") == "execute" and kind in spans:
                start = datetime.fromisoformat(timing["started_at"].replace("Z", "+00:00"))
                end = datetime.fromisoformat(timing["completed_at"].replace("Z", "+00:00"))
                spans[kind].append((start.timestamp(), end.timestamp()))
    return _union(spans["model"]), _union(spans["test"]), per_node


def _union(spans: list[tuple[float, float]]) -> float:
    total, end = 0.0, float("-inf")
    for start, stop in sorted(spans):
        if stop <= end:
            continue
        total += stop - max(start, end)
        end = stop
    return total


def step_seconds(dagster_home: Path, run_id: str) -> dict[str, float]:
    """Each Dagster step's duration, from the run's event log."""
    env = {**os.environ, "DAGSTER_HOME": str(dagster_home)}
    code = ("import json, sys, dagster as dg\n"
            "inst = dg.DagsterInstance.get()\n"
            "stats = inst.get_run_step_stats(sys.argv[1])\n"
            "steps = {s.step_key: round((s.end_time or 0) - (s.start_time or 0), 2)"
            " for s in stats}\n"
            "run = inst.get_run_stats(sys.argv[1])\n"
            "steps['(whole run)'] = round((run.end_time or 0) - (run.start_time or 0), 2)\n"
            "print(json.dumps(steps))\n")
    proc = subprocess.run([sys.executable, "-c", code, run_id], env=env, capture_output=True,
                          text=True, cwd=REPO_ROOT)
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {}


def _steps_text(sample: Sample) -> str:
    """The Dagster run's own duration, what the process spent around it (start-up, imports,
    loading the definitions, the summary queries), dbt's share and the slowest steps."""
    steps = dict(sample.extra.get("steps", {}))
    run = steps.pop("(whole run)", None)
    slowest = sorted(steps.items(), key=lambda kv: -kv[1])[:8]
    head = "" if run is None else f"run {run:.1f} s + around it {sample.seconds - run:.1f} s; "
    dbt = sample.extra.get("dbt")
    if dbt:
        head += (f"dbt's own elapsed {dbt['elapsed_s']:.1f} s (models {dbt['models_s']:.1f} s, "
                 f"tests {dbt['tests_s']:.1f} s); ")
    return head + "steps " + (", ".join(f"{k} {v:.1f}" for k, v in slowest) or "-")


def _warn_unsuccessful(stage: str, sample: Sample) -> None:
    if not sample.extra.get("success", True) or sample.extra.get("failed_steps"):
        print(f"  WARNING {stage}: run not successful, failed steps "
              f"{sample.extra.get('failed_steps')}", flush=True)


# --------------------------------------------------------------------------- reporting

ORDER = ("other_sources", "sie_ingestion", "payroll_ingestion", "dbt_build", "dbt_models",
         "dbt_tests", "floor", "checks", "publish", "full_nightly", "incremental_month",
         "sie_parse", "sie_io_floor", "sie_pysie", "payroll_parse", "payroll_floor")


def commit_id() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True,
                              text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + ("-dirty" if git("status", "--porcelain") else "")


def machine() -> dict[str, Any]:
    return {"cores": os.cpu_count(),
            "memory_gb": round(psutil.virtual_memory().total / 1024**3, 1),
            "platform": platform.platform(), "python": platform.python_version()}


def _load_average() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def _fmt(value: float | None, pattern: str) -> str:
    return "–" if value is None else format(value, pattern)


def table(results: list[StageResult]) -> str:
    lines = ["| stage | rows | median s | min–max s | rows/s | peak MB | ratio to floor |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(
            f"| {r.stage} | {r.rows:,} | {r.median_s:.2f} | {min(r.seconds):.2f}–"
            f"{max(r.seconds):.2f} | {_fmt(r.rows_per_s, ',.0f')} | {_fmt(r.peak_mb, ',.0f')} "
            f"| {_fmt(r.floor_ratio, '.1f')} |")
    return "\n".join(lines)


def targets(results: dict[str, StageResult], scale: str) -> list[str]:
    """The issue's targets, which are set for M (and, for L, finishing in memory)."""
    out: list[str] = []
    if scale == "L":
        peak = max((r.peak_mb or 0) for r in results.values())
        total = psutil.virtual_memory().total / 1024**2
        return [f"- met: L finishes without running out of memory (largest peak {peak:,.0f} MB "
                f"of {total:,.0f} MB)"]
    if scale != "M":
        return out

    def line(ok: bool, text: str) -> None:
        out.append(f"- {'met' if ok else 'MISSED'}: {text}")

    if (r := results.get("full_nightly")) is not None:
        line(r.median_s < TARGETS["full_nightly_s"] and (r.peak_mb or 0) < TARGETS[
            "full_nightly_mb"], f"full nightly < 3 min and < 4 GB ({r.median_s:.0f} s, "
             f"{r.peak_mb:,.0f} MB)")
    if (r := results.get("incremental_month")) is not None:
        line(r.median_s < TARGETS["incremental_s"], f"incremental month < 20 s "
             f"({r.median_s:.1f} s)")
    if (r := results.get("dbt_build")) is not None and r.floor_ratio is not None:
        line(r.floor_ratio <= TARGETS["dbt_floor_ratio"],
             f"transformation within 2x of the floor (dbt build {r.median_s:.1f} s / floor "
             f"{results['floor'].median_s:.1f} s = {r.floor_ratio:.1f}x)")
    if (r := results.get("sie_parse")) is not None and r.rows_per_s:
        line(r.rows_per_s >= TARGETS["sie_rows_per_s"],
             f"SIE parsing >= 1 M rows/s ({r.rows_per_s / 1e6:.2f} M rows/s)")
    return out


def report(bench: Bench, wall_s: float, record: bool = True) -> None:
    data = bench.data
    results = [bench.results[s] for s in ORDER if s in bench.results]
    commit, now, host = commit_id(), datetime.now(UTC).isoformat(timespec="seconds"), machine()
    md = table(results)
    goals = targets(bench.results, data.scale)
    counts = ", ".join(f"{k} {v:,}" for k, v in data.counts.items())
    head = (f"Data set {data.scale}: {counts} (generated rows); commit {commit}, {now}, "
            f"{host['cores']} cores, {host['memory_gb']} GB, {host['platform']}; "
            f"medians of {bench.runs} run(s); benchmark wall time {wall_s / 60:.1f} min; "
            f"load average {bench.load_start} at the start, {_load_average()} at the end "
            "(other work on the machine shows here).")
    notes = [f"- {r.stage}: {r.note}" for r in results if r.note]
    body = "\n".join([head, "", md, "", *goals, *[f"- {d}" for d in bench.details], *notes])
    print("\n" + body + "\n", flush=True)
    if not record:
        return
    with RESULTS.open("a", encoding="utf-8") as f:
        for r in results:
            f.write(json.dumps({
                "commit": commit, "date": now, "machine": host, "dataset": data.scale,
                "stage": r.stage, "rows": r.rows, "runs": len(r.samples),
                "median_s": round(r.median_s, 3), "min_s": round(min(r.seconds), 3),
                "max_s": round(max(r.seconds), 3),
                "rows_per_s": round(r.rows_per_s) if r.rows_per_s else None,
                "peak_mb": round(r.peak_mb) if r.peak_mb is not None else None,
                "floor_ratio": round(r.floor_ratio, 2) if r.floor_ratio is not None else None,
                "note": r.note or None,
                "extra": _jsonable([s.extra for s in r.samples]),
            }, ensure_ascii=False) + "\n")
    write_latest(data.scale, body)
    if data.scale == "M":
        write_readme_table(body)
    print(f"Appended {len(results)} rows to {RESULTS.relative_to(REPO_ROOT)}; "
          f"wrote {LATEST.relative_to(REPO_ROOT)}", flush=True)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def write_latest(scale: str, body: str) -> None:
    """LATEST.md keeps one section per data set; this run replaces its own."""
    sections: dict[str, str] = {}
    if LATEST.exists():
        text = LATEST.read_text(encoding="utf-8")
        for part in text.split("<!-- dataset:")[1:]:
            name, _, rest = part.partition(" -->\n")
            sections[name] = rest.split("<!-- /dataset -->")[0].strip()
    sections[scale] = body
    out = ["# Latest benchmark results", "",
           "Written by `tests/benchmarks/run.py` (`make bench DATASET=S|M|L`); every run is also "
           "appended to `results.jsonl`.", ""]
    for name in sorted(sections, key=lambda s: "SML".find(s)):
        out += [f"<!-- dataset:{name} -->", f"## {name}", "", sections[name].removeprefix(
            f"## {name}\n\n"), "<!-- /dataset -->", ""]
    LATEST.write_text("\n".join(out), encoding="utf-8")


def write_readme_table(body: str) -> None:
    """The README shows the latest Eskilstuna-scale (M) table between its bench markers."""
    readme = REPO_ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start not in text or end not in text:
        return
    table = "\n".join(line for line in body.splitlines() if line.startswith("|"))
    before, rest = text.split(start, 1)
    after = rest.split(end, 1)[1]
    readme.write_text(f"{before}{start}\n{table}\n{end}{after}", encoding="utf-8")


# --------------------------------------------------------------------------- main


@contextmanager
def _timer(label: str) -> Iterator[None]:
    start = time.perf_counter()
    print(f"{label} ...", flush=True)
    yield
    print(f"{label}: done in {time.perf_counter() - start:.0f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=("S", "M", "L"), default="S")
    parser.add_argument("--runs", type=int, help="runs per stage (default 3 for S, 2 M, 1 L)")
    parser.add_argument("--prepare-only", action="store_true", help="only write the data set")
    parser.add_argument("--keep", action="store_true", help="keep the warehouses afterwards")
    parser.add_argument("--only", help="comma-separated sections (ingestion, transformation, "
                        "checks, nightly, incremental, sie, payroll); printed, not recorded")
    parser.add_argument("--worker", choices=sorted(STAGES), help=argparse.SUPPRESS)
    parser.add_argument("--context", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, json.loads(args.context))
        return 0

    start = time.perf_counter()
    data = prepare_dataset(args.dataset)
    if args.prepare_only:
        return 0
    bench = Bench(data, args.runs or DEFAULT_RUNS[args.dataset], args.keep)
    sections: list[tuple[str, str, Callable[[], None]]] = [
        ("ingestion", "Ingestion", bench.ingestion),
        ("transformation", "Transformation (dbt build and floor.sql)", bench.transformation),
    ]
    if args.dataset != "L":  # L is for ingestion and transformation only
        sections += [
            ("checks", "Checks and publication", bench.checks_and_publish),
            ("nightly", "Full nightly run through Dagster", bench.nightly),
            ("incremental", "Incremental run after one new month", bench.incremental),
            ("sie", "SIE parsing against its floor and pysie", bench.sie_peers),
            ("payroll", "Payroll parsing against DuckDB's read_csv", bench.payroll_peers),
        ]
    if args.only:  # a partial run (for working on one stage) is printed, not recorded
        wanted = set(args.only.split(","))
        if wanted & {"transformation", "checks"}:
            wanted.add("ingestion")
        sections = [s for s in sections if s[0] in wanted]
    failed = []
    try:
        for _key, label, section in sections:
            if label.startswith(("Transformation", "Checks")) and "Ingestion" in failed:
                continue  # nothing ingested to build on
            try:
                with _timer(label):
                    section()
            except StageFailed as exc:  # report the rest; one broken stage is a finding too
                print(f"FAILED: {exc}", file=sys.stderr, flush=True)
                failed.append(label.split(" (")[0])
                bench.details.append(f"FAILED {label}: {str(exc).splitlines()[0]}")
    finally:
        bench.cleanup()
    if bench.results:
        report(bench, time.perf_counter() - start, record=not args.only)
    return 1 if failed or not bench.floor_equal else 0


if __name__ == "__main__":
    sys.exit(main())
