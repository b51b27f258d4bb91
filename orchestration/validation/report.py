"""The validation report people read: an offline HTML page (no CDN, no scripts) with every
open finding per check and what each GX suite checks."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import duckdb

from orchestration.followup_report.formatting import day, kr
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


def _names(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Initiative and committee names by id, for the ids a finding's subject carries."""
    names: dict[str, str] = {}
    for table, key, name in (("dim_committees", "committee_id", "committee_name"),
                             ("dim_initiatives", "initiative_id", "initiative_name")):
        if conn.execute("select count(*) from information_schema.tables where table_schema = "
                        "'marts' and table_name = ? and table_catalog = current_database()",
                        [table]).fetchall()[0][0]:
            names.update(dict(conn.execute(f"select {key}, {name} from marts.{table}").fetchall()))
    return names


def _subject(subject: str | None, names: dict[str, str]) -> str:
    """'KFN/trygga_unga/7102' -> 'Kultur- och fritidsnämnden (KFN) / Trygga unga (trygga_unga) /
    7102': every id a person would not recognise gets its name beside it."""
    if not subject:
        return ""
    return " / ".join(f"{names[part]} ({part})" if part in names else part
                      for part in subject.split("/"))


_STYLE = ("body{font-family:'DejaVu Sans',Arial,sans-serif;color:#1a1a1a;margin:2em auto;"
          "max-width:72em;line-height:1.4}table{border-collapse:collapse;width:100%;"
          "margin-bottom:1.5em}caption{text-align:left;font-weight:bold;padding:.3em 0}"
          "td,th{border:1px solid #8a8a8a;padding:.3em;text-align:left;vertical-align:top}"
          "thead th{background:#e9edf2}td.num{text-align:right;white-space:nowrap}"
          ".critical{color:#9b1c1c;font-weight:bold}"
          "@page{size:A4;margin:16mm}@media print{body{margin:0;font-size:10pt}"
          "tr{break-inside:avoid}thead{display:table-header-group}}")


def render(conn: duckdb.DuckDBPyConnection, suites: list[Suite], as_of: date) -> str:
    findings = conn.execute(
        "select check_name, severity, subject, period, detail, amount_sek, first_seen_on "
        "from marts.fct_findings where is_open order by severity, check_name, subject, period"
    ).fetchall()
    names = _names(conn)
    e = html.escape
    parts = [
        "<!doctype html><html lang='sv'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>Valideringsrapport</title><style>{_STYLE}</style></head><body><main>",
        f"<h1>Valideringsrapport</h1><p>Bedömt per {e(as_of.isoformat())}. "
        f"{len(findings)} öppna avvikelser.</p>",
    ]
    by_check: dict[str, list[tuple]] = {}
    for row in findings:
        by_check.setdefault(row[0], []).append(row)
    for check, rows in by_check.items():
        label = CHECK_LABELS.get(check, check)
        parts.append(f"<h2>{e(label)} ({len(rows)})</h2><table><caption>{e(label)}: öppna "
                     f"avvikelser ({e(check)})</caption><thead><tr><th scope='col'>Allvar</th>"
                     "<th scope='col'>Gäller</th><th scope='col'>Period</th>"
                     "<th scope='col'>Vad</th><th scope='col' class='num'>Belopp</th>"
                     "<th scope='col'>Först sedd</th></tr></thead><tbody>")
        for _, severity, subject, period, detail, amount, first_seen in rows:
            parts.append(
                f"<tr><td class='{e(severity)}'>{e(SEVERITY_LABELS.get(severity, severity))}"
                f"</td><th scope='row'>{e(_subject(subject, names))}</th>"
                f"<td>{e(period or '–')}</td><td>{e(detail or '')}</td>"
                f"<td class='num'>{e(kr(amount)) if amount is not None else '–'}</td>"
                f"<td>{e(day(first_seen))}</td></tr>")
        parts.append("</tbody></table>")
    parts.append("<h2>Kontroller</h2><table><caption>Vad varje svit kontrollerar</caption>"
                 "<thead><tr><th scope='col'>Svit</th><th scope='col'>Allvar</th>"
                 "<th scope='col'>Vad</th><th scope='col'>Tabell</th></tr></thead><tbody>")
    for s in suites:
        parts.append(f"<tr><th scope='row'>{e(s.name)}</th>"
                     f"<td>{e(SEVERITY_LABELS.get(s.severity, ''))}"
                     f"</td><td>{e(s.description)}</td><td>{e(s.table)}</td></tr>")
    parts.append("</tbody></table></main></body></html>")
    return "\n".join(parts)


def write_report(conn: duckdb.DuckDBPyConnection, suites: list[Suite], as_of: date,
                 target: Path) -> Path:
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(render(conn, suites, as_of), encoding="utf-8")
    tmp.replace(target)
    return target
