"""The validation report people read: an offline HTML page (no CDN, no scripts) with every
open finding per check and what each GX suite checks."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import duckdb

from orchestration.validation.suites import Suite

CHECK_LABELS = {
    "ledger_object_codes": "Okända objektkoder i huvudboken",
    "ledger_voucher_balance": "Verifikationer som inte balanserar",
    "ledger_dates": "Verifikationer utanför räkenskapsåret",
    "ledger_duplicate_vouchers": "Verifikationer levererade två gånger",
    "payroll_vs_ledger": "Lön och huvudbok stämmer inte",
    "internal_compensation": "Internersättning från KLK stämmer inte",
    "grant_income_booked": "Bokförd bidragsintäkt avviker från beslut",
    "grant_reported_vs_spent": "Återrapporterat avviker från förbrukat",
    "grant_report_back": "Återrapportering av statsbidrag saknas",
    "grant_use_within_decision": "Återrapporterad användning över beslutet",
    "reporting_delivered": "Rapporter som saknas eller kom för sent",
    "indicators_complete": "Indikatorer utan utfall eller målvärde",
    "registry_complete": "Satsningar utan ansvar, koder eller mål",
    "totals_tie": "Summor som inte stämmer",
    "contract": "Leveransen mot kontraktet (styrmodell och SIE-filer)",
    "ledger_object_code_unknown": "Objektkoder som varken filen eller styrmodellen känner",
    "payroll_object_code_unknown": "Lönerader på objektkoder som styrmodellen inte känner",
    "grant_report_without_decision": "Återrapporteringar utan bidragsbeslut",
    "report_unknown_body": "Rapporter från organ som styrmodellen inte känner",
    "report_unknown_initiative": "Rapporter om satsningar som styrmodellen inte känner",
    "sie_undeclared_object": "Objekt som används men inte deklareras i SIE-filen",
    "sie_undeclared_account": "Konton som används men inte deklareras i SIE-filen",
}
SEVERITY_LABELS = {"critical": "kritisk", "warning": "varning"}


def render(conn: duckdb.DuckDBPyConnection, suites: list[Suite], as_of: date) -> str:
    findings = conn.execute(
        "select check_name, severity, subject, period, detail, amount_sek, first_seen_on "
        "from marts.fct_findings where is_open order by severity, check_name, subject, period"
    ).fetchall()
    e = html.escape
    parts = [
        "<!doctype html><html lang='sv'><head><meta charset='utf-8'>",
        "<title>Valideringsrapport</title><style>",
        "body{font-family:sans-serif;margin:2em;max-width:70em}"
        "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3em;"
        "text-align:left}th{background:#eee}.critical{color:#a00;font-weight:bold}",
        "</style></head><body>",
        f"<h1>Valideringsrapport</h1><p>Bedömt per {e(as_of.isoformat())}. "
        f"{len(findings)} öppna avvikelser.</p>",
    ]
    by_check: dict[str, list[tuple]] = {}
    for row in findings:
        by_check.setdefault(row[0], []).append(row)
    for check, rows in by_check.items():
        parts.append(f"<h2>{e(CHECK_LABELS.get(check, check))} ({len(rows)})</h2><table>"
                     "<tr><th>Allvar</th><th>Gäller</th><th>Period</th><th>Vad</th>"
                     "<th>Belopp (kr)</th><th>Först sedd</th></tr>")
        for _, severity, subject, period, detail, amount, first_seen in rows:
            parts.append(
                f"<tr><td class='{e(severity)}'>{e(SEVERITY_LABELS.get(severity, severity))}"
                f"</td><td>{e(subject or '')}</td><td>{e(period or '')}</td>"
                f"<td>{e(detail or '')}</td><td>{e(str(amount) if amount is not None else '')}"
                f"</td><td>{e(str(first_seen))}</td></tr>")
        parts.append("</table>")
    parts.append("<h2>Kontroller</h2><table><tr><th>Svit</th><th>Allvar</th><th>Vad</th>"
                 "<th>Tabell</th></tr>")
    for s in suites:
        parts.append(f"<tr><td>{e(s.name)}</td><td>{e(SEVERITY_LABELS.get(s.severity, ''))}"
                     f"</td><td>{e(s.description)}</td><td>{e(s.table)}</td></tr>")
    parts.append("</table></body></html>")
    return "\n".join(parts)


def write_report(conn: duckdb.DuckDBPyConnection, suites: list[Suite], as_of: date,
                 target: Path) -> Path:
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(render(conn, suites, as_of), encoding="utf-8")
    tmp.replace(target)
    return target
