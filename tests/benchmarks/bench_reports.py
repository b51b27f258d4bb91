"""Benchmark: building every follow-up report from a published copy, fresh (a script, not a
test).

    python tests/benchmarks/bench_reports.py [--published warehouse/published/governance.duckdb]
        [--engines chromium,weasyprint,none] [--runs 3]

Each run writes every report, its voucher pages, the index and (unless the engine is `none`)
a PDF beside each report into an empty folder, with no previous publication to reuse PDFs
from: what the first publication of a new mart version costs when every report changed. Wall
time, and CPU time of this process and of the processes it reaped (the PDF workers), are
printed per engine as median with min–max. The CPU column counts every process the build
started, Chromium's included, where the script may make its own cgroup (root, cgroup v1
cpuacct or v2); elsewhere it counts this process and the processes it reaped, which misses
most of Chromium's (the header says which).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from orchestration.followup_report import charts  # noqa: E402
from orchestration.followup_report.build import write_followup_reports  # noqa: E402
from orchestration.followup_report.pdf import chromium_executable  # noqa: E402

CGROUPS = (  # a cgroup root and the file that shows a cgroup of it counts CPU: v1, then v2
    (Path("/sys/fs/cgroup/cpuacct"), "cpuacct.usage"),
    (Path("/sys/fs/cgroup"), "cgroup.controllers"),
)


def _rusage_cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _own_cgroup() -> Path | None:
    """A cgroup holding this process (and so everything it starts), or None."""
    for root, marker in CGROUPS:
        if not (root / marker).exists():
            continue
        group = root / f"uppfoljning-bench-{os.getpid()}"
        try:
            group.mkdir()
            (group / "cgroup.procs").write_text(str(os.getpid()))
            return group
        except OSError:
            with contextlib.suppress(OSError):
                group.rmdir()
    return None


def _group_cpu(group: Path) -> float:
    if (group / "cpuacct.usage").exists():
        return int((group / "cpuacct.usage").read_text()) / 1e9
    stat = dict(line.split() for line in (group / "cpu.stat").read_text().splitlines())
    return int(stat["usage_usec"]) / 1e6


@contextlib.contextmanager
def cpu_clock() -> Iterator[tuple[Callable[[], float], str]]:
    """A CPU-seconds clock and what it counts: every process the build starts where a cgroup
    of our own can be made, else this process and the children it reaped."""
    group = _own_cgroup()
    if group is None:
        yield _rusage_cpu, "this process and reaped children"
        return
    try:
        yield (lambda: _group_cpu(group)), "every process (cgroup)"
    finally:
        with contextlib.suppress(OSError):
            (group.parent / "cgroup.procs").write_text(str(os.getpid()))
            group.rmdir()


def build_once(published: Path, engine: str, cpu_seconds: Callable[[], float]
               ) -> tuple[float, float, int, int]:
    charts._DRAWN.clear()  # a fresh process draws every chart
    if engine != "none":
        os.environ["UPPFOLJNING_PDF_ENGINE"] = engine
    with duckdb.connect(str(published), read_only=True) as conn, \
            tempfile.TemporaryDirectory(prefix="bench-reports-") as out:
        as_of = date.fromisoformat(str(conn.execute(
            "select as_of_date from publication").fetchall()[0][0]))
        cpu, wall = cpu_seconds(), time.perf_counter()
        built = write_followup_reports(conn, Path(out), as_of, pdf=engine != "none")
        return (time.perf_counter() - wall, cpu_seconds() - cpu, len(built.reports),
                built.pdfs_drawn)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--published", type=Path,
                        default=ROOT / "warehouse" / "published" / "governance.duckdb")
    parser.add_argument("--engines", default="none,chromium,weasyprint")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with cpu_clock() as (cpu_seconds, counted):
        print(f"{args.published} · load {os.getloadavg()[0]:.1f} · {os.cpu_count()} cores · "
              f"CPU of {counted} · Chromium: {chromium_executable()}")
        print(f"{'engine':<11} {'reports':>7} {'pdfs':>5} {'wall s':>16} {'cpu s':>16}")
        for engine in args.engines.split(","):
            runs = [build_once(args.published, engine, cpu_seconds) for _ in range(args.runs)]
            walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
            print(f"{engine:<11} {runs[0][2]:>7} {runs[0][3]:>5} "
                  f"{statistics.median(walls):>6.2f} ({min(walls):.2f}–{max(walls):.2f}) "
                  f"{statistics.median(cpus):>6.2f} ({min(cpus):.2f}–{max(cpus):.2f})")


if __name__ == "__main__":
    main()
