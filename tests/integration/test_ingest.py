"""Loading raw files the way every source does (orchestration/landing.py with the real readers
on real files): a re-delivery changes nothing, a corrected file replaces its predecessor, and
a bad file is quarantined with its reason while the rest loads and nothing loaded is lost."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from orchestration import landing
from orchestration.defs.ledger.assets import TABLES as LEDGER_TABLES
from orchestration.defs.ledger.assets import _reader as ledger_reader
from orchestration.defs.registry.assets import TABLES as REGISTRY_TABLES
from orchestration.defs.registry.assets import registry_delivery, registry_reader
from orchestration.readers.payroll import read_payroll

DIMENSIONS = {"responsibility": 1, "project": 6, "activity": 21, "object": 22}
KEY = b"test-key"


def _payroll_read(item: landing.Delivery) -> landing.Loaded:
    from orchestration.readers.payroll import payroll_period_from_name

    return landing.Loaded(payroll_period_from_name(item.name) or item.name,
                          {"payroll_monthly": read_payroll(item.paths[0], KEY)})


@pytest.fixture()
def warehouse(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    conn = landing.connect(tmp_path / "governance.duckdb")
    yield conn
    conn.close()


def _ingest_payroll(conn, folder: Path, quarantine: Path) -> list[landing.Outcome]:
    return landing.ingest(conn, "payroll", landing.deliveries(folder, [".csv"]), _payroll_read,
                          ["payroll_monthly"], quarantine)


def _payroll_totals(conn) -> dict[str, str]:
    return {p: str(a) for p, a in conn.execute(
        "select period, sum(amount) from landing.payroll_monthly group by period").fetchall()}


def test_payroll_redelivery_correction_and_quarantine(tmp_path: Path, sample_raw: Path,
                                                      warehouse) -> None:
    folder, quarantine = tmp_path / "payroll", tmp_path / "quarantine"
    folder.mkdir()
    for month in ("2022-05", "2022-06"):
        shutil.copy(sample_raw / "payroll" / f"lon_{month}.csv", folder)
    first = _ingest_payroll(warehouse, folder, quarantine)
    assert [o.status for o in first] == ["loaded", "loaded"]
    loaded = _payroll_totals(warehouse)

    # delivered again, once under the same name and once under another: nothing changes
    shutil.copy(folder / "lon_2022-05.csv", folder / "lon_2022-05 (kopia).csv")
    again = _ingest_payroll(warehouse, folder, quarantine)
    assert {o.status for o in again} == {"unchanged"}
    assert _payroll_totals(warehouse) == loaded
    (folder / "lon_2022-05 (kopia).csv").unlink()

    # a corrected May beside the first one: two files for one month is a named error, and
    # the loaded May stays; once the first May leaves raw/, the correction takes its place
    text = (folder / "lon_2022-05.csv").read_text("utf-8-sig").splitlines()
    corrected = "\n".join(text[:-1]) + "\n"  # the last row was wrong and is withdrawn
    (folder / "lon_2022-05_rattad.csv").write_text(corrected, encoding="utf-8")
    [rival] = [o for o in _ingest_payroll(warehouse, folder, quarantine) if o.status != "unchanged"]
    assert rival.status == "quarantined" and "lon_2022-05.csv" in rival.reason
    assert "samma period" in rival.reason
    assert _payroll_totals(warehouse) == loaded
    (folder / "lon_2022-05.csv").unlink()
    outcome = {o.name: o.status for o in _ingest_payroll(warehouse, folder, quarantine)
               if o.status != "unchanged"}
    assert outcome == {"lon_2022-05.csv": "removed", "lon_2022-05_rattad.csv": "loaded"}
    totals = _payroll_totals(warehouse)
    assert totals["2022-06"] == loaded["2022-06"] and totals["2022-05"] != loaded["2022-05"]
    assert warehouse.execute("select count(distinct source_file) from landing.payroll_monthly "
                             "where period = '2022-05'").fetchall()[0][0] == 1

    # a broken July is set aside with its reason; May and June stay as they were
    (folder / "lon_2022-07.csv").write_text(
        (sample_raw / "payroll" / "lon_2022-07.csv").read_text("utf-8-sig").replace(";", ","),
        encoding="utf-8")
    bad = [o for o in _ingest_payroll(warehouse, folder, quarantine) if o.status != "unchanged"]
    assert [o.status for o in bad] == ["quarantined"]
    assert "lon_2022-07.csv" in bad[0].reason
    assert (quarantine / "payroll" / "lon_2022-07.csv").exists()
    assert "lon_2022-07.csv" in (quarantine / "payroll" / "lon_2022-07.csv.reason.txt").read_text()
    assert _payroll_totals(warehouse) == totals

    # July delivered again, correct: it loads and leaves the quarantine; the log keeps both
    shutil.copy(sample_raw / "payroll" / "lon_2022-07.csv", folder)
    fixed = [o for o in _ingest_payroll(warehouse, folder, quarantine) if o.status != "unchanged"]
    assert [(o.name, o.status) for o in fixed] == [("lon_2022-07.csv", "loaded")]
    assert list((quarantine / "payroll").iterdir()) == []
    assert sorted(s for (s,) in warehouse.execute(
        "select status from landing.files where file_name = 'lon_2022-07.csv'").fetchall()) \
        == ["loaded", "quarantined"]


def test_a_broken_correction_keeps_the_last_good_month(tmp_path: Path, sample_raw: Path,
                                                       warehouse) -> None:
    folder, quarantine = tmp_path / "payroll", tmp_path / "quarantine"
    folder.mkdir()
    shutil.copy(sample_raw / "payroll" / "lon_2022-05.csv", folder)
    _ingest_payroll(warehouse, folder, quarantine)
    before = _payroll_totals(warehouse)
    path = folder / "lon_2022-05.csv"
    path.write_text(path.read_text("utf-8-sig").replace("5020;", "5O20;", 1).replace(
        ";165,00;", ";tolv;", 1), encoding="utf-8")
    outcome = _ingest_payroll(warehouse, folder, quarantine)
    assert [o.status for o in outcome] == ["quarantined"]
    assert _payroll_totals(warehouse) == before


def _ledger_ingest(conn, folder: Path, tmp_path: Path) -> list[landing.Outcome]:
    work = tmp_path / "sie-work"
    work.mkdir(exist_ok=True)
    return landing.ingest(conn, "ledger", landing.deliveries(folder, [".se"]),
                          ledger_reader(work, DIMENSIONS), LEDGER_TABLES,
                          tmp_path / "q")


def _ledger_state(conn) -> tuple:
    return conn.execute("select count(*), sum(amount), count(distinct source_file) "
                        "from landing.ledger_transactions where counts_in_ledger").fetchall()[0]


def test_ledger_redelivery_and_correction(tmp_path: Path, sample_raw: Path, warehouse) -> None:
    folder = tmp_path / "ledger"
    folder.mkdir()
    shutil.copy(sample_raw / "ledger" / "eskilstuna_2023.se", folder)
    assert [o.status for o in _ledger_ingest(warehouse, folder, tmp_path)] == ["loaded"]
    state = _ledger_state(warehouse)

    shutil.copy(folder / "eskilstuna_2023.se", folder / "eskilstuna_2023_igen.se")
    assert {o.status for o in _ledger_ingest(warehouse, folder, tmp_path)} == {"unchanged"}
    assert _ledger_state(warehouse) == state
    (folder / "eskilstuna_2023_igen.se").unlink()

    # a corrected export of the same company and fiscal year, written over the first,
    # replaces it (the correction adds a balanced voucher and keeps #UB/#RES true)
    raw = (folder / "eskilstuna_2023.se").read_bytes()
    extra = (b'#VER M 9999 20230531 "R\x84ttelse" 20230531\r\n{\r\n'
             b'   #TRANS 4010 {1 "3020" 22 "7102"} 100.00\r\n'
             b'   #TRANS 4020 {} -100.00\r\n}\r\n')
    (folder / "eskilstuna_2023.se").write_bytes(raw + extra)
    outcome = [o for o in _ledger_ingest(warehouse, folder, tmp_path) if o.status == "loaded"]
    assert [o.name for o in outcome] == ["eskilstuna_2023.se"], outcome
    rows, total, files = _ledger_state(warehouse)
    assert (rows, total, files) == (state[0] + 2, state[1], 1)


def test_a_period_file_never_replaces_its_fiscal_year(tmp_path: Path, sample_raw: Path,
                                                      warehouse) -> None:
    folder = tmp_path / "ledger"
    folder.mkdir()
    shutil.copy(sample_raw / "ledger" / "eskilstuna_2023.se", folder)
    _ledger_ingest(warehouse, folder, tmp_path)
    state = _ledger_state(warehouse)

    # an export of June alone: the same company and fiscal year, so it would replace the year
    raw = (folder / "eskilstuna_2023.se").read_bytes()
    june = raw[:raw.index(b"#VER ")] + (b'#VER A 1 20230510 "Maj" 20230510\r\n{\r\n'
                                         b'   #TRANS 4010 {} 100.00\r\n'
                                         b'   #TRANS 1930 {} -100.00\r\n}\r\n')
    (folder / "eskilstuna_2023-06.se").write_bytes(june)
    [outcome] = [o for o in _ledger_ingest(warehouse, folder, tmp_path)
                 if o.name == "eskilstuna_2023-06.se"]
    assert outcome.status == "quarantined"
    assert "eskilstuna_2023.se" in outcome.reason and "ligger inom" in outcome.reason
    assert _ledger_state(warehouse) == state  # the year's vouchers are all still there


def test_a_broken_registry_keeps_the_last_good_one(tmp_path: Path, sample_raw: Path,
                                                   warehouse) -> None:
    folder = tmp_path / "registry"
    shutil.copytree(sample_raw / "registry", folder)

    def run() -> list[landing.Outcome]:
        return landing.ingest(warehouse, "registry", registry_delivery(folder),
                              registry_reader(folder, []), REGISTRY_TABLES, tmp_path / "q")

    assert [o.status for o in run()] == ["loaded"]
    initiatives = warehouse.execute(
        "select initiative_id from landing.registry_initiatives order by 1").fetchall()
    text = (folder / "programme.yaml").read_text("utf-8")
    (folder / "programme.yaml").write_text(text.replace("- '7102'", "- '7101'", 1), "utf-8")
    outcome = run()
    assert outcome[0].status == "quarantined"
    assert "7101" in outcome[0].reason and "programme.yaml" in outcome[0].reason
    assert warehouse.execute("select initiative_id from landing.registry_initiatives "
                             "order by 1").fetchall() == initiatives


def test_employee_dimension_never_reaches_the_warehouse(tmp_path: Path, warehouse) -> None:
    folder = tmp_path / "ledger"
    folder.mkdir()
    (folder / "lon.se").write_bytes("\r\n".join([
        "#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4", "#ORGNR 212000-0000",
        "#RAR 0 20230101 20231231", '#DIM 7 "Anställd"', '#OBJEKT 7 "4711" "Anna Andersson"',
        '#OBJEKT 1 "7" "Ansvar sju"', '#KONTO 5020 "Lön"', '#KONTO 2820 "Skuld"',
        '#VER L 1 20230125 "Lön januari"', "{",
        '   #TRANS 5020 {1 "7" 7 "4711" 22 "7101"} 41500.00',
        '   #TRANS 2820 {"7" "4711"} -41500.00', "}", ""]).encode("cp437"))
    assert [o.status for o in _ledger_ingest(warehouse, folder, tmp_path)] == ["loaded"]
    lists = warehouse.execute("select object_list, responsibility_code, object_code from "
                              "landing.ledger_transactions order by source_line").fetchall()
    assert lists == [('1 "7" 22 "7101"', "7", "7101"), ("", None, None)]
    objects = warehouse.execute("select dimension_no, object_code, name from "
                                "landing.ledger_objects order by 1").fetchall()
    assert objects == [(1, "7", "Ansvar sju"), (7, None, None)]


def test_period_files_read_together_land_as_read_one_at_a_time(
        tmp_path: Path, sample_raw: Path, warehouse) -> None:
    """A batch of small files is read two at a time and inserted with one statement per
    table: the outcomes, each file's rows and the landing tables are those of files read one
    by one, and a bad file delivered twice under two names is quarantined once."""
    from sie_split import SieYear

    folder = tmp_path / "ledger"
    folder.mkdir()
    periods = SieYear(sample_raw / "ledger" / "eskilstuna_2023.se").periods(
        folder, "eskilstuna_2023")
    assert len(periods) > 2
    broken = b"#FLAGGA 0\r\n#RAR 0 20230101 20231231\r\n#VER A 1 20230105\r\n{\r\n"
    for name in ("trasig.se", "trasig_kopia.se"):
        (folder / name).write_bytes(broken)
    together_read = ledger_reader(tmp_path / "together", DIMENSIONS)
    assert together_read.concurrent(landing.deliveries(folder, [".se"])[0])

    def one_by_one(item: landing.Delivery) -> landing.Loaded:  # no `concurrent`
        return alone_read(item)

    alone_read = ledger_reader(tmp_path / "alone", DIMENSIONS)
    runs = {}
    for label, read in (("together", together_read), ("alone", one_by_one)):
        with landing.connect(tmp_path / f"{label}.duckdb") as conn:
            outcomes = landing.ingest(conn, "ledger", landing.deliveries(folder, [".se"]), read,
                                      LEDGER_TABLES, tmp_path / f"q-{label}")
            for o in outcomes:  # each file's row count is what it left in the tables
                if o.status == "loaded":
                    assert o.rows == sum(conn.execute(
                        f"select count(*) from landing.{t} where source_file = ?",
                        [o.name]).fetchall()[0][0] for t in LEDGER_TABLES), o.name
            tables = {t: conn.execute(f"select * from landing.{t} order by all").fetchall()
                      for t in LEDGER_TABLES}
            lined = [t for t in LEDGER_TABLES if conn.execute(
                "select count(*) from information_schema.columns where table_schema = "
                "'landing' and table_name = ? and column_name = 'source_line'", [t]
            ).fetchall()[0][0]]
            assert "ledger_transactions" in lined
            for t in lined:  # a batch lands in file and line order, the same every time
                stored = conn.execute(f"select source_file, source_line from landing.{t} "
                                      "order by rowid").fetchall()
                assert stored == sorted(stored), t
            files = conn.execute("select file_name, status, row_count, reason, covers_from, "
                                 "covers_to from landing.files order by all").fetchall()
        runs[label] = ([(o.name, o.status, o.rows, o.reason) for o in outcomes], tables, files)
    assert runs["together"] == runs["alone"]
    statuses = {name: (status, reason) for name, status, _, reason in runs["together"][0]}
    assert statuses["trasig.se"][0] == "quarantined"
    assert statuses["trasig_kopia.se"] == ("unchanged", "quarantined")
    assert sum(s == "loaded" for s, _ in statuses.values()) == len(periods)
