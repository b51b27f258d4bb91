"""The raw/ drop zone sensor: a file dropped in (or changed in) raw/<source>/ starts a run of
that source's landing asset and everything downstream of it (dbt models, their checks, the
publication), without waiting for the night.

The cursor remembers size and modification time of every file under RAW_DIR, which is cheap
to read every minute even for large ledger files; the loads themselves are idempotent by
content hash (orchestration/landing.py), so a touched-but-unchanged file costs one quick run
and changes nothing. The run key is derived from the changed files, so the same change never
starts two runs, even if the cursor is lost. Until a first version has been published (no
warehouse/published/VERSION.json) a drop starts the whole nightly job instead, since the other
sources' models do not exist yet."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

import dagster as dg

from orchestration.defs import keys
from orchestration.defs.jobs import nightly_job, nightly_selection
from orchestration.defs.ledger.style import months_between_text
from orchestration.defs.partitions import MONTHS
from orchestration.defs.schedules import RETRY_TAGS
from orchestration.landing import fingerprint
from orchestration.readers.payroll import payroll_period_from_name
from orchestration.readers.sie.header import fiscal_months, voucher_months_hint
from orchestration.settings import get_settings
from orchestration.workers import fail_stale_runs

SOURCE_KEYS: dict[str, dg.AssetKey] = {
    "registry": keys.REGISTRY,
    "ledger": keys.LEDGER,
    "payroll": keys.PAYROLL,
    "grants": keys.GRANTS,
    "reports": keys.REPORTS,
    "survey": keys.SURVEY,
}
INTERVAL_ENV = "UPPFOLJNING_SENSOR_INTERVAL"
DEFAULT_INTERVAL_SECONDS = 60
SETTLE_ENV = "UPPFOLJNING_SENSOR_SETTLE_SECONDS"
# A file modified this recently may still be being copied in (SMB, scp): look again next tick.
DEFAULT_SETTLE_SECONDS = 10.0
SIDECAR_SUFFIX = ".meta.json"


def _float_env(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    return float(raw) if raw else default


def is_ignored(relative: str) -> bool:
    """Files no source reads: sidecars, hidden/temporary files (editors, rsync, the survey
    fetcher's atomic writes) and anything outside a source folder (e.g. raw/AS_OF_DATE)."""
    parts = relative.split("/")
    if len(parts) < 2 or parts[0] not in SOURCE_KEYS:
        return True
    name = parts[-1]
    return (name.endswith(SIDECAR_SUFFIX) or name.startswith((".", "~$"))
            or any(p.startswith(".") for p in parts[:-1]))


Stamp = tuple[int, int, int, str]  # size, mtime (ns), ctime (ns), content fingerprint


def scan(raw_dir: Path, previous: Mapping[str, Stamp] | None = None) -> dict[str, Stamp]:
    """Relative path -> (size, mtime, ctime, content fingerprint) for every file a source could
    read. Size and times are only a hint: a file whose size or times moved is fingerprinted
    again (its head and tail, landing.fingerprint), so a file rewritten with the same size and
    mtime is still seen (its ctime moves), and a file merely touched starts no run."""
    found: dict[str, Stamp] = {}
    previous = previous or {}
    if not raw_dir.is_dir():
        return found
    for source in SOURCE_KEYS:
        folder = raw_dir / source
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            relative = path.relative_to(raw_dir).as_posix()
            if is_ignored(relative) or not path.is_file():
                continue
            try:
                st = path.stat()
                before = previous.get(relative)
                if before is not None and before[:3] == (st.st_size, st.st_mtime_ns,
                                                         st.st_ctime_ns):
                    found[relative] = before
                    continue
                found[relative] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns,
                                   fingerprint(path))
            except FileNotFoundError:  # removed between listing and stat
                continue
    return found


def encode_cursor(state: Mapping[str, Stamp]) -> str:
    return json.dumps({k: ":".join(str(v) for v in stamp) for k, stamp in sorted(state.items())},
                      separators=(",", ":"))


def decode_cursor(cursor: str | None) -> dict[str, Stamp] | None:
    if not cursor:
        return None
    state: dict[str, Stamp] = {}
    for rel, value in json.loads(cursor).items():
        parts = value.split(":")
        if len(parts) != 4:  # a cursor from before content fingerprints: look again
            parts = [parts[0], parts[1], "-1", ""]
        state[rel] = (int(parts[0]), int(parts[1]), int(parts[2]), parts[3])
    return state


def downstream_selection(sources: Iterable[str]) -> dg.AssetSelection:
    """The landing assets of the sources and everything downstream, within the nightly job."""
    landing = dg.AssetSelection.assets(*(SOURCE_KEYS[s] for s in sorted(set(sources))))
    return landing.downstream() & nightly_selection


def run_key_for(changed: Mapping[str, Stamp]) -> str:
    sources = sorted({rel.split("/")[0] for rel in changed})
    digest = hashlib.sha256(encode_cursor(changed).encode("utf-8")).hexdigest()[:16]
    return f"raw:{'+'.join(sources)}:{digest}"


@dg.sensor(
    name="raw_files_sensor",
    job=nightly_job,
    minimum_interval_seconds=int(_float_env(INTERVAL_ENV, DEFAULT_INTERVAL_SECONDS)),
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Bevakar raw/: en ny eller ändrad fil i raw/<källa>/ startar en körning av "
    "källans landningstillgång och allt nedströms (dbt, kontroller, publicering).",
)
def raw_files_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    settings = get_settings()
    raw_dir = settings.raw_dir
    previous = decode_cursor(context.cursor)
    current = scan(raw_dir, previous)
    if previous is None:
        # the first tick only learns what is there: those files are the nightly job's business
        return dg.SensorResult(
            skip_reason=f"Första avläsningen av {raw_dir}: {len(current)} filer noterade.",
            cursor=encode_cursor(current))

    settle_ns = int(_float_env(SETTLE_ENV, DEFAULT_SETTLE_SECONDS) * 1e9)
    now_ns = time.time_ns()
    changed: dict[str, Stamp] = {}
    unsettled: list[str] = []
    accepted = dict(current)
    for rel, stamp in current.items():
        before = previous.get(rel)
        if before == stamp:
            continue
        if before is not None and before[0] == stamp[0] and before[3] == stamp[3]:
            continue  # touched or copied again, same content: nothing to load
        if now_ns - stamp[1] < settle_ns:
            # not recorded yet, so the next tick sees it as changed again
            unsettled.append(rel)
            if rel in previous:
                accepted[rel] = previous[rel]
            else:
                del accepted[rel]
            continue
        changed[rel] = stamp
    cursor = encode_cursor(accepted)

    if not changed:
        if unsettled:
            reason = f"Väntar på {len(unsettled)} fil(er) som skrivs: {', '.join(unsettled[:5])}"
        else:
            removed = sorted(set(previous) - set(current))
            reason = ("Inga nya eller ändrade filer i raw/"
                      + (f" ({len(removed)} borttagna; inläst data ligger kvar)." if removed
                         else "."))
        return dg.SensorResult(skip_reason=reason, cursor=cursor)

    # a killed run would hold this one back in the queue: fail it now if its worker is gone
    for message in fail_stale_runs(context.instance):
        context.log.warning(message)
    if context.repository_def is None:
        raise dg.DagsterInvariantViolationError(
            "raw_files_sensor needs its code location's asset graph to resolve the selection")
    sources = sorted({rel.split("/")[0] for rel in changed})
    names = sorted(changed)
    month = None
    if (settings.published_dir / "VERSION.json").exists():
        selection = downstream_selection(sources)
        month = month_of_change(raw_dir, names, settings.as_of_date)
        context.log.info(f"Nya eller ändrade filer: {', '.join(names)}; kör {', '.join(sources)} "
                         "och allt nedströms.")
    else:
        # nothing was ever built and published: a partial run would miss the models of the
        # other sources, so the first run is the whole nightly job
        selection = nightly_selection
        context.log.info(f"Nya eller ändrade filer: {', '.join(names)}; ingen publicerad "
                         "version ännu, så hela nattjobbet körs.")
    selected = selection.resolve(context.repository_def.asset_graph)
    shown = ", ".join(names[:3]) + (f" (+{len(names) - 3})" if len(names) > 3 else "")
    return dg.SensorResult(
        # one run for every source that changed in this tick: dbt then builds once, not per source
        run_requests=[dg.RunRequest(
            run_key=run_key_for(changed),
            # one month of payroll and ledger runs as that month's partition, so it loads
            # that month's files only
            partition_key=month,
            asset_selection=sorted(selected, key=lambda k: k.to_user_string()),
            tags={**RETRY_TAGS, "uppfoljning/trigger": "sensor",
                  "uppfoljning/sources": ",".join(sources), "uppfoljning/files": shown},
        )],
        dynamic_partitions_requests=[MONTHS.build_add_request([month])] if month else [],
        cursor=cursor,
    )


def month_of_change(raw_dir: Path, names: list[str], as_of: date) -> str | None:
    """The one month a change is about, when every changed file is payroll or ledger and they
    agree. A payroll file's month is in its name; a ledger file holds every month of its
    fiscal year, or its period, read from its voucher dates at both ends; alone it is taken as
    the latest of its months up to the as-of date (an export after a month's closing). Any
    other mix runs without a partition key."""
    payroll_months: set[str] = set()
    ledger_months: list[set[str]] = []
    for name in names:
        source, rest = name.split("/", 1)
        if source == "payroll" and (month := payroll_period_from_name(rest)):
            payroll_months.add(month)
        elif source == "ledger" and (held := _ledger_months(raw_dir / name)):
            ledger_months.append(set(held))
        else:
            return None
    if len(payroll_months) > 1:
        return None
    candidates = set.intersection(*ledger_months, *([payroll_months] if payroll_months else []))
    if not candidates:
        return None
    as_of_month = as_of.strftime("%Y-%m")
    closed = [m for m in candidates if m <= as_of_month]
    return max(closed) if closed else min(candidates)


def _ledger_months(path: Path) -> list[str] | None:
    """The months a ledger file holds, from its voucher dates at both ends (a period file:
    its month or quarter; a year to date: January to the month just closed), else its
    fiscal year."""
    year = fiscal_months(path)
    held = voucher_months_hint(path)
    if year is None or held is None:
        return year
    return [m for m in months_between_text(*held) if m in year] or year


@dg.definitions
def sensors() -> dg.Definitions:
    return dg.Definitions(sensors=[raw_files_sensor])
