"""Great Expectations 1.x suites kept as JSON in expectations/, run on the pandas backend over
only the columns a suite names (the SQL backend does not work with DuckDB; stack notes).

A suite's `meta` says what it checks:
    table      the DuckDB relation (schema.table)
    asset      the Dagster asset key it is attached to, as a list
    severity   critical (blocks what is downstream) or warning
    columns    the columns to load; `subject` the columns that name an offending row
    where      an optional SQL filter
"""

from __future__ import annotations

import importlib
import json
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Any

import duckdb

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")  # before GX is ever imported


def import_gx_in_background() -> None:
    """Start importing GX (about 2.5 s of CPU) on a side thread. Called when the dbt build
    starts: that step mostly waits on dbt's process, and the first suite finds GX loaded.
    (Started with the source assets instead, it slowed the SIE parse by more than it saved.)"""
    threading.Thread(target=importlib.import_module, args=("great_expectations",),
                     name="import-great-expectations", daemon=True).start()


@dataclass(frozen=True)
class Suite:
    name: str
    path: Path
    table: str
    asset: list[str]
    severity: str
    columns: list[str]
    subject: list[str]
    where: str | None
    description: str
    document: dict[str, Any]


@dataclass
class Failure:
    expectation: str
    column: str | None
    severity: str
    unexpected_count: int
    examples: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class SuiteResult:
    suite: Suite
    success: bool
    evaluated: int
    rows: int
    failures: list[Failure]

    @property
    def critical(self) -> bool:
        return any(f.severity == "critical" for f in self.failures)


def load_suites(folder: Path) -> list[Suite]:
    suites = []
    for path in sorted(folder.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        meta = doc.get("meta", {})
        suites.append(Suite(
            name=doc["name"], path=path, table=meta["table"], asset=list(meta["asset"]),
            severity=meta.get("severity", "warning"), columns=list(meta["columns"]),
            subject=list(meta.get("subject", [])), where=meta.get("where"),
            description=meta.get("description", ""), document=doc,
        ))
    return suites


def run_suite(conn: duckdb.DuckDBPyConnection, suite: Suite, max_examples: int = 20) -> SuiteResult:
    """Validate the checked columns first; only a failing suite loads the subject columns
    too, to name the offending rows (text columns of millions of rows are the slow part)."""
    result, frame = _validate(conn, suite, with_subject=False)
    if not result.success and suite.subject:
        result, frame = _validate(conn, suite, with_subject=True)
    failures = []
    for r in result.results:
        if r.success:
            continue
        config = r.expectation_config
        severity = str(getattr(config, "severity", "") or suite.severity).lower()
        severity = "critical" if "critical" in severity else "warning"
        indexes = r.result.get("unexpected_index_list") or []
        examples = [_subject(frame, i, suite.subject) for i in indexes[:max_examples]]
        failures.append(Failure(
            expectation=config.type, column=config.kwargs.get("column"), severity=severity,
            unexpected_count=int(r.result.get("unexpected_count") or len(indexes) or 1),
            examples=examples,
        ))
    return SuiteResult(suite, bool(result.success), len(result.results), len(frame), failures)


def _validate(conn: duckdb.DuckDBPyConnection, suite: Suite, with_subject: bool) -> tuple:
    # imported here: GX takes about 3 s to import, and loading the Dagster definitions (every
    # run, every sensor tick) needs only the suites' JSON
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # columns may be SQL expressions ("... as difference_sek"); subjects are plain names
    columns = list(dict.fromkeys(suite.columns + (suite.subject if with_subject else [])))
    sql = f"select {', '.join(columns)} from {suite.table}"
    if suite.where:
        sql += f" where {suite.where}"
    frame = conn.execute(sql).df()

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)  # no bars in logs
    expectation_suite = context.suites.add(gx.ExpectationSuite(
        name=suite.name, expectations=suite.document["expectations"]))
    batch = (context.data_sources.add_pandas("warehouse")
             .add_dataframe_asset(suite.name)
             .add_batch_definition_whole_dataframe("all")
             .get_batch(batch_parameters={"dataframe": frame}))
    result_format = ({"result_format": "COMPLETE", "unexpected_index_column_names": suite.subject}
                     if with_subject else {"result_format": "SUMMARY"})
    return batch.validate(expectation_suite, result_format=result_format), frame


def _subject(frame: Any, index: Any, subject: list[str]) -> dict[str, Any]:
    """The identifying columns of one offending row, whatever form GX returned it in."""
    if isinstance(index, dict):
        return {k: _plain(v) for k, v in index.items()}
    row = frame.loc[index]
    return {c: _plain(row[c]) for c in subject} if subject else {"row": int(index)}


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, datetime):  # pandas turns DATE into midnight timestamps
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if value != value:  # NaN
        return None
    return value if isinstance(value, int | float | bool) else str(value)
