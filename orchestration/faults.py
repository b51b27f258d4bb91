"""Fault injection for the crash tests: `UPPFOLJNING_FAULT_AT=<point>` makes the process kill
itself with SIGKILL when it reaches that point, as a power cut would: no cleanup, no finally,
no atexit. The kill takes the whole process group when the process leads one (the tests start
the run in a session of its own), so a dbt child dies with it. With
`UPPFOLJNING_FAULT_FILL=<file>` the point instead fills the disk holding <file> (writes it
until the disk refuses) and goes on, so the next write meets a real full disk; with
`UPPFOLJNING_FAULT_HOLD=<file>` it waits there until <file> exists and then goes on (a run
held in the middle while a test makes other runs meet it, for exactly as long as that takes;
after HOLD_LIMIT_SECONDS it goes on regardless, so a test that died leaves no run hanging).
Unset, a point costs one environment lookup. Points: landing.insert, landing.between_sources,
dbt.build, checks.run, publish.table, publish.before_switch, publish.switch."""

from __future__ import annotations

import errno
import os
import signal
import time

FAULT_ENV = "UPPFOLJNING_FAULT_AT"
FILL_ENV = "UPPFOLJNING_FAULT_FILL"
HOLD_ENV = "UPPFOLJNING_FAULT_HOLD"
HOLD_LIMIT_SECONDS = 600


def fault_point(name: str) -> None:
    if os.environ.get(FAULT_ENV) != name:
        return
    if filler := os.environ.get(FILL_ENV):
        fill_disk(filler)
        return
    if release := os.environ.get(HOLD_ENV):
        hold_until(release)
        return
    if os.getpgid(0) == os.getpid():
        os.killpg(os.getpid(), signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)


def hold_until(release: str, limit: float = HOLD_LIMIT_SECONDS) -> None:
    """Wait until the file `release` exists (looked for ten times a second)."""
    deadline = time.monotonic() + limit
    while not os.path.exists(release) and time.monotonic() < deadline:
        time.sleep(0.1)


def fill_disk(path: str) -> int:
    """Write `path` until the file system is full; returns the bytes written."""
    written = 0
    block = b"\0" * (1 << 20)
    with open(path, "ab", buffering=0) as f:
        while True:
            try:
                written += f.write(block)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                if len(block) == 1:
                    return written
                block = block[: len(block) // 16]
