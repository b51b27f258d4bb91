"""Shared HTTP plumbing for the statistics clients: timeouts, retries with exponential
backoff, HTTP 429 / Retry-After, a client-side call limiter and the raw-file-plus-sidecar
writer.

Nothing here knows about SCB or Kolada; the clients in this package build URLs and decide
what to store. Sleeping and the clock are injectable so tests never wait for real.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import tempfile
import time
from collections import deque
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

SIDECAR_SUFFIX = ".meta.json"
USER_AGENT = "uppfoljning/0.1 (municipal programme follow-up; python-requests)"

# Statuses that say "try again later" rather than "your request is wrong".
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

SleepFn = Callable[[float], None]
ClockFn = Callable[[], float]


class FetchError(Exception):
    """A live fetch that did not produce a stored response."""


class HttpStatusError(FetchError):
    """The server answered with a status that retrying cannot fix (4xx other than 408/429)."""

    def __init__(self, url: str, status: int, body_excerpt: str, hint: str = ""):
        self.url = url
        self.status = status
        self.body_excerpt = body_excerpt
        message = f"HTTP {status} from {url}"
        if hint:
            message += f" ({hint})"
        if body_excerpt:
            message += f": {body_excerpt}"
        super().__init__(message)


class RetriesExhaustedError(FetchError):
    """Every attempt failed with something retryable (timeouts, 5xx, 429)."""

    def __init__(self, url: str, attempts: int, last_reason: str):
        self.url = url
        self.attempts = attempts
        self.last_reason = last_reason
        super().__init__(f"gave up on {url} after {attempts} attempts; last failure: {last_reason}")


class RateLimiter:
    """At most `max_calls` calls in any sliding window of `window_seconds`.

    The server enforces its quota per IP anyway; spacing calls on our side avoids burning
    retries on 429 answers we could have predicted.
    """

    def __init__(
        self,
        max_calls: int,
        window_seconds: float,
        *,
        clock: ClockFn = time.monotonic,
        sleep: SleepFn = time.sleep,
    ):
        if max_calls < 1 or window_seconds <= 0:
            raise ValueError("a rate limit needs max_calls >= 1 and window_seconds > 0")
        self.max_calls = max_calls
        self.window_seconds = float(window_seconds)
        self._clock = clock
        self._sleep = sleep
        self._calls: deque[float] = deque()

    def _forget_expired(self, now: float) -> None:
        while self._calls and self._calls[0] + self.window_seconds <= now:
            self._calls.popleft()

    def record(self, at: float | None = None) -> None:
        """Count a call that was made without `acquire` (e.g. the one that read the limits)."""
        self._calls.append(self._clock() if at is None else at)

    def acquire(self) -> float:
        """Wait until a call is allowed, count it, and return how long we waited."""
        waited = 0.0
        now = self._clock()
        self._forget_expired(now)
        while len(self._calls) >= self.max_calls:
            delay = self._calls[0] + self.window_seconds - now
            if delay > 0:
                self._sleep(delay)
                waited += delay
            # The oldest call's window has now passed; dropping it explicitly (rather than
            # trusting the clock) keeps a coarse or frozen clock from looping forever.
            self._calls.popleft()
            now = self._clock()
            self._forget_expired(now)
        self._calls.append(now)
        return waited


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    reference = now or datetime.now(UTC)
    return max(0.0, (when - reference).total_seconds())


class HttpClient:
    """GET with a timeout, bounded retries and exponential backoff.

    `max_retries` counts retries after the first attempt, so a request is tried at most
    `max_retries + 1` times. 2xx returns the response; 408/429/5xx, timeouts and broken
    connections are retried; any other status raises `HttpStatusError` at once.
    """

    def __init__(
        self,
        *,
        timeout: float = 30.0,
        max_retries: int = 4,
        session: requests.Session | None = None,
        sleep: SleepFn = time.sleep,
        backoff_base: float = 1.0,
        backoff_max: float = 60.0,
        max_retry_after: float = 300.0,
        limiter: RateLimiter | None = None,
        status_hints: Mapping[int, str] | None = None,
    ):
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        self.timeout = timeout
        self.max_retries = max_retries
        self.session = session or requests.Session()
        self.sleep = sleep
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_retry_after = max_retry_after
        self.limiter = limiter
        self.status_hints = dict(status_hints or {})
        self.session.headers.setdefault("User-Agent", USER_AGENT)

    def _backoff(self, attempt: int) -> float:
        return min(self.backoff_max, self.backoff_base * (2**attempt))

    def get(self, url: str, *, accept: str = "application/json") -> requests.Response:
        last_reason = "no attempt made"
        attempts = self.max_retries + 1
        for attempt in range(attempts):
            if self.limiter is not None:
                self.limiter.acquire()
            retry_after: float | None = None
            try:
                response = self.session.get(url, timeout=self.timeout, headers={"Accept": accept})
            except requests.Timeout:
                last_reason = f"no answer within the {self.timeout:g} s timeout"
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                last_reason = f"connection failed: {exc.__class__.__name__}"
            else:
                status = response.status_code
                if 200 <= status < 300:
                    return response
                excerpt = _excerpt(response)
                if status not in RETRYABLE_STATUSES:
                    raise HttpStatusError(url, status, excerpt, self.status_hints.get(status, ""))
                last_reason = f"HTTP {status}"
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                if retry_after is not None and retry_after > self.max_retry_after:
                    raise RetriesExhaustedError(
                        url,
                        attempt + 1,
                        f"HTTP {status} asking to wait {retry_after:g} s, more than the "
                        f"{self.max_retry_after:g} s this client is willing to wait",
                    )
            if attempt + 1 < attempts:
                self.sleep(retry_after if retry_after is not None else self._backoff(attempt))
        raise RetriesExhaustedError(url, attempts, last_reason)


def _excerpt(response: requests.Response, limit: int = 300) -> str:
    try:
        text = response.text
    except (UnicodeDecodeError, LookupError):
        return ""
    text = " ".join(text.split())
    return text[:limit] + ("…" if len(text) > limit else "")


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def is_sidecar(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIX)


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def short_digest(value: Any, length: int = 8) -> str:
    """Stable short name part for a request, so different selections never share a file."""
    canonical = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:length]


def _atomic_write(path: Path, data: bytes) -> None:
    # Write beside the target and rename, so a sensor never sees half a file.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def store_response(path: Path, response: requests.Response, meta: Mapping[str, Any]) -> Path:
    """Store the body exactly as received, plus `<file>.meta.json` describing the request."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = response.content
    # The URL as it went on the wire (urllib3 percent-encodes brackets), before any redirect.
    first = response.history[0] if response.history else response
    sidecar = {
        "request_url": first.request.url or response.url,
        "fetched_at": utc_now_iso(),
        "status": response.status_code,
        "content_type": response.headers.get("Content-Type"),
        "bytes": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
        **meta,
    }
    text = json.dumps(sidecar, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    # Sidecar first: whoever sees the data file can already read where it came from.
    _atomic_write(sidecar_path(path), text.encode("utf-8"))
    _atomic_write(path, body)
    return path
