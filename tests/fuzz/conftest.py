"""Fuzzing every reader (hypothesis): a fixed number of cases per reader with a fixed seed in
`make test`, many more with `make fuzz` (FUZZ_SCALE). Each case has a time bound and the
process a memory bound; the count of cases run per reader is printed at the end."""

from __future__ import annotations

import os
import resource
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from orchestration.readers.errors import SourceFileError

SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
# generous, for a shared machine under load; a real hang never returns at all
CASE_SECONDS = float(os.environ.get("FUZZ_CASE_SECONDS", "90"))
MAX_RSS_BYTES = 2 * 1024**3
CASES: Counter[str] = Counter()
REJECTED: Counter[str] = Counter()  # of those, the cases that raised SourceFileError
SLOWEST: dict[str, float] = {}  # seconds of the slowest case per reader
REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
SHARED_SIE = next((p / "shared" / "fixtures" / "sie" for p in (REPO.parent, REPO.parent.parent)
                   if (p / "shared" / "fixtures" / "sie").is_dir()), None)


def fuzz_settings(examples: int) -> settings:
    """Fixed seed (derandomize), no example database, no deadline (the time bound is ours)."""
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        derandomize=os.environ.get("FUZZ_RANDOM") != "1",  # make fuzz may explore new seeds
        database=None,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                               HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
    )


class Hang(Exception):
    """A case ran past its time bound."""


@contextmanager
def time_bound(seconds: float = CASE_SECONDS) -> Iterator[None]:
    def alarm(signum: int, frame: Any) -> None:
        raise Hang(f"a case ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize()


def parses_or_names_the_problem(reader: str, call: Callable[[], Any], file: str) -> Any:
    """The property every reader must hold: a result, or SourceFileError naming the file (and a
    line or key where there is one); nothing else, within the time bound and the memory bound.
    Returns the result, or the error."""
    CASES[reader] += 1
    start = time.perf_counter()
    try:
        with time_bound():
            result = call()
    except SourceFileError as err:
        assert err.file, f"{reader}: SourceFileError without a file: {err}"
        assert file in str(err), f"{reader}: the message does not name {file}: {err}"
        assert err.reason.strip(), f"{reader}: SourceFileError without a reason"
        result = err
        REJECTED[reader] += 1
    seconds = time.perf_counter() - start
    SLOWEST[reader] = max(SLOWEST.get(reader, 0.0), seconds)
    assert seconds < CASE_SECONDS
    assert _rss_bytes() < MAX_RSS_BYTES, f"{reader}: resident memory {_rss_bytes()} bytes"
    return result


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if CASES:
        terminalreporter.write_sep("-", "fuzz cases per reader")
        for reader, n in sorted(CASES.items()):
            terminalreporter.write_line(
                f"{reader:<24} {n:>6}   ({n - REJECTED[reader]} read, {REJECTED[reader]} "
                f"rejected; slowest case {SLOWEST.get(reader, 0):.1f} s)")
        terminalreporter.write_line(f"{'in all':<24} {sum(CASES.values()):>6}")


@pytest.fixture()
def scratch(tmp_path: Path) -> Path:
    return tmp_path
