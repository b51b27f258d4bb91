"""The ledger as municipalities deliver it (docs/raw-contract.md, ledger/): whole years, the
year to date or one file per period, arriving in any order, in one batch or over many nights,
give the same ledger; a year is checked against its own balances; another organisation's
ledger is set aside; and what raw/ holds decides what is loaded.

The variants are cut from the sample's yearly files by tests/sie_split.py (independent of the
sample generator and of the reader), and loaded through landing.ingest with the real reader."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pytest
from sie_split import SieYear

from orchestration import landing
from orchestration.defs.ledger.assets import TABLES
from orchestration.defs.ledger.assets import _reader as ledger_reader
from orchestration.defs.ledger.completeness import check_fiscal_year
from orchestration.defs.ledger.style import LedgerRules

pytestmark = pytest.mark.integration
DIMENSIONS = {"responsibility": 1, "project": 6, "activity": 21, "object": 22}
ORG = "212000-0340"  # the sample's organisation number


@pytest.fixture(scope="module")
def years(sample_raw: Path) -> dict[int, SieYear]:
    return {y: SieYear(sample_raw / "ledger" / f"eskilstuna_{y}.se") for y in (2022, 2023)}


class Ledger:
    """A raw/ledger folder and a warehouse, loaded the way the ledger asset loads them."""

    def __init__(self, root: Path, rules: LedgerRules | None = None) -> None:
        self.raw, self.work = root / "raw" / "ledger", root / "work"
        self.raw.mkdir(parents=True)
        self.work.mkdir()
        self.quarantine = root / "quarantine"
        self.conn = landing.connect(root / "governance.duckdb")
        self.rules = rules

    def load(self) -> list[landing.Outcome]:
        present = landing.deliveries(self.raw, [".se"])
        return landing.ingest(self.conn, "ledger", present,
                              ledger_reader(self.work, DIMENSIONS, self.rules), TABLES,
                              self.quarantine, check=check_fiscal_year)

    def digest(self) -> tuple:
        """What the marts read: every voucher row that counts (apart from which file and
        line it came from), and its months."""
        return self.conn.execute("""
            select count(*), sum(amount), sum(hash(fiscal_year, voucher_series, voucher_number,
                   voucher_date, account, object_list, amount, transaction_text)::hugeint),
                   count(distinct strftime(voucher_date, '%Y-%m'))
            from landing.ledger_transactions where counts_in_ledger""").fetchall()[0]

    def history(self) -> dict[str, tuple[str, str]]:
        """Each file's latest status and reason in landing.files."""
        return {n: (s, r) for n, s, r in self.conn.execute(
            "select file_name, status, reason from landing.files where source = 'ledger' "
            "qualify row_number() over (partition by file_name order by seen_at desc) = 1"
        ).fetchall()}


def _variants(sie: SieYear, folder: Path) -> dict[str, list[Path]]:
    folder.mkdir()
    months = sorted(sie.months)
    return {
        "yearly": [sie.write(folder / "ar_2023.se", months, months)],
        "year_to_date": sie.year_to_date(folder, "hittills", [months[1], months[3], months[-1]]),
        "period": sie.periods(folder, "period"),
    }


def test_every_export_style_gives_the_same_ledger(tmp_path: Path, years) -> None:
    variants = _variants(years[2023], tmp_path / "files")
    runs = [(style, nights) for style in variants for nights in (3, 1)
            if style == "period" or nights == 3]
    digests = {}
    for style, nights in runs:  # shuffled, and split over three nights or in one batch
        files = variants[style]
        order = list(files)
        random.Random(f"{style}{nights}").shuffle(order)
        ledger = Ledger(tmp_path / f"{style}-{nights}")
        for night in (order[i::nights] for i in range(nights)):
            for path in night:
                shutil.copy(path, ledger.raw)
            outcomes = ledger.load()
            assert not [o for o in outcomes if o.status == "removed"]
        digests[(style, nights)] = ledger.digest()
        history = ledger.history()
        assert set(history) == {p.name for p in files}
        if style == "period":
            # period files add up: every one ends loaded, saying which months it holds
            assert {s for s, _ in history.values()} == {"loaded"}, history
            assert "täcker 2023-03" in history["period_2023-03.se"][1]
        elif style == "year_to_date":
            loaded = sorted(n for n, (s, _) in history.items() if s == "loaded")
            assert loaded == ["hittills_2023-05.se"]
            for name, (status, reason) in history.items():
                if status != "loaded":
                    # replaced by, or lying within, the later file of its year
                    assert status in ("superseded", "quarantined"), (name, status)
                    later = re.findall(r"hittills_(2023-\d\d)\.se", reason)
                    assert max(later) > name[9:16], (name, reason)
    first = digests[("yearly", 3)]
    assert first[3] == 5  # January to May
    assert all(d == first for d in digests.values()), digests


def test_eleven_period_files_together_lose_no_month(tmp_path: Path, years) -> None:
    ledger = Ledger(tmp_path)
    months = sorted(years[2022].months)[:11]
    for path in years[2022].periods(tmp_path, "p"):
        if path.stem[-7:] in months:
            shutil.move(path, ledger.raw)
    outcomes = ledger.load()
    assert sorted(o.status for o in outcomes) == ["loaded"] * 11
    assert [m for (m,) in ledger.conn.execute(
        "select distinct strftime(voucher_date, '%Y-%m') from landing.ledger_transactions "
        "order by 1").fetchall()] == months
    whole = Ledger(tmp_path / "whole")
    years[2022].write(whole.raw / "ar.se", months, months)
    whole.load()
    assert ledger.digest() == whole.digest()


def test_a_ledger_cut_at_a_voucher_boundary_is_caught(tmp_path: Path, years) -> None:
    ledger = Ledger(tmp_path)
    months = sorted(years[2022].months)
    years[2022].write(ledger.raw / "ar_2022.se", months, months)
    assert [o.status for o in ledger.load()] == ["loaded"]
    before = ledger.digest()
    # the same year again, cut after a whole voucher in December; its balances are the year's
    years[2022].write(ledger.raw / "ar_2022.se", months, months, drop=3, restate=False)
    [outcome] = ledger.load()
    assert outcome.status == "quarantined"
    assert "går inte ihop" in outcome.reason, outcome.reason
    assert re.search(r"konto \d+: #IB \+ #TRANS = [-0-9 ,]+ kr men #UB", outcome.reason)
    assert ledger.digest() == before  # the loaded year stays


def test_another_organisations_ledger_is_quarantined(tmp_path: Path, years) -> None:
    ledger = Ledger(tmp_path, LedgerRules(organisation_numbers=(ORG,)))
    months = sorted(years[2023].months)
    years[2023].write(ledger.raw / "egen.se", months, months)
    other = ledger.raw / "bolaget.se"
    years[2023].write(other, months, months)
    other.write_bytes(other.read_bytes().replace(f"#ORGNR {ORG}".encode(),
                                                 b"#ORGNR 556677-8899"))
    outcomes = {o.name: o for o in ledger.load()}
    assert outcomes["egen.se"].status == "loaded"
    assert outcomes["bolaget.se"].status == "quarantined"
    assert "556677-8899" in outcomes["bolaget.se"].reason
    assert (ledger.quarantine / "ledger" / "bolaget.se.reason.txt").exists()


def test_a_declared_style_the_files_disagree_with_is_named(tmp_path: Path, years) -> None:
    ledger = Ledger(tmp_path, LedgerRules(export_style="yearly"))
    years[2023].periods(ledger.raw, "p")
    outcomes = {o.name: o for o in ledger.load()}
    assert outcomes["p_2023-01.se"].status == "loaded"  # January alone reads as year to date
    assert outcomes["p_2023-03.se"].status == "quarantined"
    assert "export_style: yearly" in outcomes["p_2023-03.se"].reason


def test_raw_decides_recovery(tmp_path: Path, years) -> None:
    """A good file put back heals; a removed file takes its rows; rivals are named."""
    ledger = Ledger(tmp_path)
    m22, m23 = sorted(years[2022].months), sorted(years[2023].months)
    good = years[2022].write(tmp_path / "good.se", m22, m22)
    shutil.copy(good, ledger.raw / "ar_2022.se")
    years[2023].write(ledger.raw / "ar_2023.se", m23, m23)
    ledger.load()
    both = ledger.digest()

    # a correction over the year (consistent in itself, but wrong: a voucher is missing)
    years[2022].write(ledger.raw / "ar_2022.se", m22, m22, drop=1)
    assert [o.status for o in ledger.load() if o.status != "unchanged"] == ["loaded"]
    assert ledger.digest() != both
    # the good file put back: it was replaced once, and comes back now, saying so
    shutil.copy(good, ledger.raw / "ar_2022.se")
    [back] = [o for o in ledger.load() if o.status != "unchanged"]
    assert back.status == "loaded" and "tillbaka" in back.reason, back
    assert ledger.digest() == both

    # a second file for the same year beside the first: a named error, the first stays
    years[2022].write(ledger.raw / "ar_2022_korr.se", m22, m22, drop=2)
    [rival] = [o for o in ledger.load() if o.status != "unchanged"]
    assert rival.status == "quarantined" and "ar_2022.se" in rival.reason
    assert "samma period" in rival.reason
    assert ledger.digest() == both
    # the first leaves raw/: the other one is the year now
    (ledger.raw / "ar_2022.se").unlink()
    changed = {o.name: o.status for o in ledger.load() if o.status != "unchanged"}
    assert changed == {"ar_2022.se": "removed", "ar_2022_korr.se": "loaded"}

    # a year removed from raw/ takes its rows with it
    (ledger.raw / "ar_2023.se").unlink()
    assert {o.name: o.status for o in ledger.load()}["ar_2023.se"] == "removed"
    assert ledger.conn.execute("select count(*) from landing.ledger_transactions "
                               "where fiscal_year = 2023").fetchall()[0][0] == 0
    assert ledger.history()["ar_2023.se"][0] == "removed"


def test_a_file_rewritten_with_the_same_size_and_time_is_seen(tmp_path: Path, years) -> None:
    ledger = Ledger(tmp_path)
    m23 = sorted(years[2023].months)
    path = years[2023].write(ledger.raw / "ar_2023.se", m23, m23)
    ledger.load()
    stat = path.stat()
    data = path.read_bytes()
    # one amount changed in place, same length, and the modification time put back
    edited = data.replace(b"#VER", b"#VER", 1)
    at = data.rindex(b"}")
    line_start = data.rindex(b"#TRANS", 0, at)
    edited = data[:line_start] + data[line_start:at].replace(b"0", b"1", 1) + data[at:]
    assert len(edited) == len(data) and edited != data
    path.write_bytes(edited)
    import os
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    [outcome] = ledger.load()
    assert outcome.status != "unchanged", outcome
