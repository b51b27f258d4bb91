"""`uppfoljning status`: how things stand, for the person on call. The last run of the nightly
job (from the Dagster instance in DAGSTER_HOME), the published version, the open findings in
the published copy and the files in quarantine.

It never opens the working DuckDB file (warehouse/governance.duckdb), which a run may be
writing: findings come from the published copy, quarantine from the .reason.txt files."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from orchestration.landing import REASON_SUFFIX
from orchestration.settings import PROJECT_ROOT, Settings, get_settings

JOB_NAME = "nightly"
TIMEZONE = ZoneInfo("Europe/Stockholm")
FINDING_COLUMNS = ("severity", "check_name", "subject", "period", "detail", "amount_sek")
TRIGGER_SV = {"schedule": "utlöst av schemat", "sensor": "utlöst av raw/-sensorn",
              "manual": "startad manuellt"}
STATUS_SV = {"SUCCESS": "lyckades", "FAILURE": "MISSLYCKADES", "CANCELED": "avbruten",
             "STARTED": "pågår", "STARTING": "startar", "QUEUED": "i kö",
             "NOT_STARTED": "ej startad", "CANCELING": "avbryts"}


def dagster_home() -> Path:
    """DAGSTER_HOME, else the Makefile's default (.dagster_home/ in the checkout)."""
    return Path(os.environ.get("DAGSTER_HOME") or PROJECT_ROOT / ".dagster_home")


def _local(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).astimezone(TIMEZONE).isoformat(
        timespec="seconds")


def last_run(home: Path) -> dict[str, Any] | None:
    """The newest run of the nightly job (a full night or a sensor's partial run)."""
    if not (home / "dagster.yaml").exists() and not (home / "history").exists():
        return None  # no instance here yet; do not create one as a side effect
    import dagster as dg  # only here: loading Dagster takes a second

    with dg.DagsterInstance.from_config(str(home)) as instance:
        records = instance.get_run_records(filters=dg.RunsFilter(job_name=JOB_NAME), limit=1)
        if not records:
            return None
        record = records[0]
        run = record.dagster_run
        tags = run.tags
        trigger = ("schedule" if "dagster/schedule_name" in tags
                   else "sensor" if "dagster/sensor_name" in tags else "manual")
        return {
            "run_id": run.run_id,
            "status": run.status.value,
            "trigger": trigger,
            "partial": bool(run.asset_selection),
            "start_time": _local(record.start_time),
            "end_time": _local(record.end_time),
        }


def published_version(settings: Settings) -> dict[str, Any] | None:
    path = settings.published_dir / "VERSION.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def open_findings(settings: Settings) -> list[dict[str, Any]] | None:
    """Open rows of marts.fct_findings in the published copy; None if it records none."""
    path = settings.published_duckdb_path
    if not path.is_file():
        return None
    # read-only: BI readers and this command never block a publication (it replaces the file)
    with duckdb.connect(str(path), read_only=True) as conn:
        exists = conn.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'marts' and table_name = 'fct_findings'").fetchall()[0][0]
        if not exists:
            return None
        rows = conn.execute(
            f"select {', '.join(FINDING_COLUMNS)} from marts.fct_findings where is_open "
            "order by severity, check_name, subject, period").fetchall()
    return [{c: _json_value(v) for c, v in zip(FINDING_COLUMNS, row, strict=True)}
            for row in rows]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(4 * 1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def quarantined_files(settings: Settings) -> list[dict[str, Any]]:
    """warehouse/quarantine/<source>/<file>.reason.txt, with whether raw/ still holds the same
    file (a changed file is tried again by the next run, so it may no longer be quarantined)."""
    root = settings.quarantine_dir
    if not root.is_dir():
        return []
    found = []
    for reason_file in sorted(root.glob(f"*/*{REASON_SUFFIX}")):
        source = reason_file.parent.name
        name = reason_file.name[: -len(REASON_SUFFIX)].replace("__", "/")
        raw_file = settings.raw_dir / source / name
        copy = reason_file.parent / Path(name).name
        if not raw_file.is_file():
            in_raw = "borttagen" if name != source else "okänt"  # the registry travels whole
        elif copy.is_file() and _sha256(copy) != _sha256(raw_file):
            in_raw = "ändrad"  # a corrected file; the next run tries it again
        else:
            in_raw = "samma"
        found.append({
            "source": source, "file": name,
            "reason": reason_file.read_text(encoding="utf-8").strip(),
            "quarantined_at": _local(reason_file.stat().st_mtime),
            "in_raw": in_raw,
        })
    return found


def status_report(settings: Settings, home: Path | None = None) -> dict[str, Any]:
    home = home or dagster_home()
    findings = open_findings(settings)
    return {
        "dagster_home": str(home),
        "last_run": last_run(home),
        "published": published_version(settings),
        "published_database": str(settings.published_duckdb_path),
        "findings_recorded": findings is not None,
        "open_findings": findings or [],
        "quarantined": quarantined_files(settings),
    }


def _money(amount: str | None) -> str:
    if amount is None:
        return ""
    value = Decimal(amount)
    # Swedish: space between thousands, decimal comma
    return " " + f"{value:,.2f}".replace(",", " ").replace(".", ",") + " kr"


def format_report(report: dict[str, Any]) -> str:
    lines = ["Uppföljning – status", ""]
    run = report["last_run"]
    if run is None:
        lines.append(f"Senaste nattkörning: ingen körning registrerad i {report['dagster_home']}")
    else:
        kind = "delkörning" if run["partial"] else "hela jobbet"
        lines += [
            f"Senaste körning av {JOB_NAME}: {STATUS_SV.get(run['status'], run['status'])} "
            f"({kind}, {TRIGGER_SV.get(run['trigger'], run['trigger'])})",
            f"  körning: {run['run_id']}",
            f"  start:   {run['start_time'] or '-'}",
            f"  slut:    {run['end_time'] or '-'}",
        ]
    lines.append("")
    published = report["published"]
    if published is None:
        lines.append("Publicerad version: ingen publicering ännu")
    else:
        lines.append(f"Publicerad version: {published.get('version')} "
                     f"(data per {published.get('as_of_date')})")
        lines.append(f"  fil för BI: {report['published_database']}")
        for table, rows in (published.get("tables") or {}).items():
            lines.append(f"  {table:32} {rows:>10,} rader".replace(",", " "))
    lines.append("")
    findings = report["open_findings"]
    if not report["findings_recorded"]:
        lines.append("Öppna avvikelser: inga registrerade (ingen marts.fct_findings publicerad)")
    else:
        lines.append(f"Öppna avvikelser: {len(findings)}")
        for f in findings:
            where = " ".join(str(x) for x in (f["subject"], f["period"]) if x)
            detail = f" – {f['detail']}" if f["detail"] else ""
            lines.append(f"  [{f['severity']}] {f['check_name']}: {where}"
                         f"{_money(f['amount_sek'])}{detail}")
    lines.append("")
    quarantined = report["quarantined"]
    lines.append(f"Filer i karantän: {len(quarantined) or 'inga'}")
    notes = {"ändrad": " (ändrad i raw/ sedan dess; prövas igen vid nästa körning)",
             "borttagen": " (finns inte längre i raw/)"}
    for q in quarantined:
        note = notes.get(q["in_raw"], "")
        lines.append(f"  {q['source']}/{q['file']} ({q['quarantined_at']}){note}")
        lines.append(f"    {q['reason']}")
    return "\n".join(lines)


def status_main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="uppfoljning status",
        description="Senaste nattkörningen, publicerad version, öppna avvikelser och karantän.")
    parser.add_argument("--json", action="store_true", help="maskinläsbar utdata (JSON)")
    args = parser.parse_args(argv)
    report = status_report(get_settings())
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(format_report(report))
    return 0
