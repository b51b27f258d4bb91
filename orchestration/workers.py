"""Which process does a run, and is it still there?

A run killed with SIGKILL (or by a power cut) never tells Dagster: it stays STARTED, and with
one run at a time it would hold every later run back until run monitoring's six-hour limit.
So every run records its worker: host, process id and the process's start time (a pid is
reused after its process is gone; the start time tells the new process from the old one).

- `uppfoljning run` executes in its own process and tags the run with these when it starts.
- A run launched by the daemon executes in a run worker process that reports its pid in the
  event "Started process for run (pid: N)"; `record_daemon_worker` turns that into the same
  tags. Without the tags the pid from that event is used, and a process that started after
  the run did is taken for a reused pid.

`fail_stale_runs` marks a run whose worker is gone as failed, with the reason
STALE_REASON; the failure event then reaches the failure sensors and alerts like any other.
A run whose worker is alive, or runs on another host, is never touched."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

HOST_TAG = "uppfoljning/worker_host"
PID_TAG = "uppfoljning/worker_pid"
STARTED_TAG = "uppfoljning/worker_started"  # "<boot id>:<start time in clock ticks>"
STALE_TAG = "uppfoljning/stale_worker"
STALE_REASON = "arbetsprocessen finns inte längre"
IN_PROGRESS = (dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED,
               dg.DagsterRunStatus.CANCELING)
# a run's start is recorded a moment after its worker process began; a process that began
# this long after the run cannot be the run's worker
START_SLACK_SECONDS = 2.0


@dataclass(frozen=True)
class Worker:
    host: str
    pid: int
    started: str | None  # None when only the pid is known


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return "?"


def process_start_ticks(pid: int) -> int | None:
    """Start time of a process in clock ticks since boot (Linux /proc), None if it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # the command name is in parentheses and may hold spaces: split after the last ")"
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[19])


def process_start_epoch(pid: int) -> float | None:
    ticks = process_start_ticks(pid)
    if ticks is None:
        return None
    boot = next(float(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                if line.startswith("btime "))
    return boot + ticks / os.sysconf("SC_CLK_TCK")


def started_stamp(pid: int) -> str | None:
    ticks = process_start_ticks(pid)
    return None if ticks is None else f"{_boot_id()}:{ticks}"


def worker_tags(pid: int | None = None) -> dict[str, str]:
    """The tags naming this process (or pid) as a run's worker."""
    pid = pid or os.getpid()
    tags = {HOST_TAG: socket.gethostname(), PID_TAG: str(pid)}
    if stamp := started_stamp(pid):
        tags[STARTED_TAG] = stamp
    return tags


def _pid_from_events(instance: dg.DagsterInstance, run_id: str) -> int | None:
    for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        message = entry.dagster_event.message if entry.dagster_event else ""
        if message and message.startswith("Started process for run (pid: "):
            return int(message.split("pid: ")[1].split(")")[0])
    return None


def worker_of(instance: dg.DagsterInstance, run: dg.DagsterRun) -> Worker | None:
    tags = run.tags
    if PID_TAG in tags:
        return Worker(tags.get(HOST_TAG, ""), int(tags[PID_TAG]), tags.get(STARTED_TAG))
    pid = _pid_from_events(instance, run.run_id)
    return Worker(socket.gethostname(), pid, None) if pid else None


def is_alive(worker: Worker, run_started_at: float | None = None) -> bool:
    """True unless the worker is known to be gone. Another host's process cannot be looked at
    from here, so it counts as alive: a run is never doubled on a guess."""
    if worker.host and worker.host != socket.gethostname():
        return True
    if worker.started is not None:
        return started_stamp(worker.pid) == worker.started
    began = process_start_epoch(worker.pid)
    if began is None:
        return False
    return run_started_at is None or began <= run_started_at + START_SLACK_SECONDS


def record_daemon_worker(instance: dg.DagsterInstance, run: dg.DagsterRun) -> bool:
    """Tag a daemon-launched run with its worker (while that worker lives, so the start time
    read is its own). True when tags were added."""
    if PID_TAG in run.tags:
        return False
    pid = _pid_from_events(instance, run.run_id)
    if pid is None:
        return False
    record = instance.get_run_record_by_id(run.run_id)
    if not is_alive(Worker(socket.gethostname(), pid, None),
                    record.start_time if record else None):
        return False
    instance.add_run_tags(run.run_id, worker_tags(pid))
    return True


def stale_message(run: dg.DagsterRun, worker: Worker) -> str:
    return (f"Körning {run.run_id} ({run.job_name}) markeras som misslyckad: {STALE_REASON} "
            f"(process {worker.pid} på {worker.host or 'denna dator'}). Den dödades troligen "
            "(strömavbrott, omstart, SIGKILL) utan att hinna meddela Dagster. Lagret är "
            "oskadat: varje inläsning och publicering är en transaktion eller ett atomärt byte.")


def fail_stale_runs(instance: dg.DagsterInstance) -> list[str]:
    """Mark every in-progress run whose worker is gone as failed; returns their messages.
    Runs without a known worker (still STARTING, say) are left to run monitoring."""
    messages = []
    for record in instance.get_run_records(filters=dg.RunsFilter(statuses=list(IN_PROGRESS))):
        run = record.dagster_run
        worker = worker_of(instance, run)
        if worker is None or is_alive(worker, record.start_time):
            continue
        message = stale_message(run, worker)
        instance.add_run_tags(run.run_id, {STALE_TAG: "true"})
        # a RUN_FAILURE event with this message: the failure sensors and Teams alert on it
        instance.report_run_failed(instance.get_run_by_id(run.run_id) or run, message)
        messages.append(message)
    return messages


def busy_runs(instance: dg.DagsterInstance) -> list[dg.DagsterRun]:
    """Runs that may be writing the warehouse now, after the stale ones were failed."""
    return list(instance.get_runs(filters=dg.RunsFilter(statuses=list(IN_PROGRESS)), limit=5))
