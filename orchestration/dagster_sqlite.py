"""One SQLAlchemy engine per SQLite file for Dagster's own storage, instead of one per use.

Why: Dagster's SQLite event log, run and schedule storages (the ones `dagster.yaml` gets by
default) call `create_engine` for every connection they open, and a nightly opens one for
every event it writes: about 740 on the sample. A new engine sets up its dialect again on its
first connection, on the run's own thread; sharing them saved 6–8 CPU-s per sample nightly
(A/B, closing note of 1 Dec 2026).

The storages ask for `NullPool`, so an engine holds no connection: every use still opens and
closes its own sqlite3 connection, with the same timeout, locks and transactions. Sharing
the engine of a URL only skips building it again. Naming a storage class of our own in
`dagster.yaml` is not the way: it needs an absolute path and switches Dagster to its older
combined storage (stack notes).

`install()` is idempotent. The code location calls it when it is loaded, so it holds in every
process that runs our assets: `uppfoljning run`, and the run workers the daemon or the UI
launch."""

from __future__ import annotations

import importlib
import threading
from collections import OrderedDict
from typing import Any

import sqlalchemy

STORAGE_MODULES = (
    "dagster._core.storage.event_log.sqlite.sqlite_event_log",
    "dagster._core.storage.runs.sqlite.sqlite_run_storage",
    "dagster._core.storage.schedules.sqlite.sqlite_schedule_storage",
)
KEEP = 64  # engines kept: the event log has a file per run, and tests make many runs

_engines: OrderedDict[tuple, sqlalchemy.engine.Engine] = OrderedDict()
_lock = threading.Lock()


def _key(url: Any, kwargs: dict[str, Any]) -> tuple | None:
    """A cache key for the call, or None where the call is not one we can share."""
    if set(kwargs) - {"poolclass", "connect_args"}:
        return None
    if kwargs.get("poolclass") is not sqlalchemy.pool.NullPool:
        return None  # a pooled engine keeps connections: it is not ours to share
    connect_args = kwargs.get("connect_args") or {}
    try:
        return (str(url), tuple(sorted(connect_args.items())))
    except TypeError:
        return None


def shared_create_engine(url: Any, **kwargs: Any) -> sqlalchemy.engine.Engine:
    """`sqlalchemy.create_engine`, but the same NullPool engine for the same URL and timeout."""
    key = _key(url, kwargs)
    if key is None:
        return sqlalchemy.create_engine(url, **kwargs)
    with _lock:
        engine = _engines.get(key)
        if engine is not None:
            _engines.move_to_end(key)
            return engine
        engine = sqlalchemy.create_engine(url, **kwargs)
        _engines[key] = engine
        while len(_engines) > KEEP:
            _engines.popitem(last=False)
        return engine


def install() -> None:
    """Points Dagster's SQLite storages at `shared_create_engine`."""
    for name in STORAGE_MODULES:
        module = importlib.import_module(name)
        if getattr(module, "create_engine", None) is not None:
            module.create_engine = shared_create_engine  # type: ignore[attr-defined]
