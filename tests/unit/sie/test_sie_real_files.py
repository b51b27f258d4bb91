"""The reader over real exports from accounting and payroll programs (../shared/fixtures/sie)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration.readers.sie import read_sie

FILES = [
    "transaktioner_ovnbolag.se",
    "transaktioner_ovnbolag-bad-balance.se",
    "LON_Lonekorning_KontekLon.SI",
    "BL0001_typ4I.SI",
    "SIE4_Exempelfil_med_underdim.SE",
    "BL0001_typ4.SE",
    "Edison_typ4si.si",
]


def _roll_forward_gaps(result) -> dict[str, Decimal]:
    """Balance-sheet accounts (classes 1-2) whose IB + rows that count differs from UB."""
    ib: dict[str, Decimal] = defaultdict(Decimal)
    ub: dict[str, Decimal] = defaultdict(Decimal)
    for row in result.rows("balances"):
        if row["year_index"] == 0 and row["record_type"] in ("IB", "UB"):
            (ib if row["record_type"] == "IB" else ub)[row["account"]] += row["amount"]
    moved: dict[str, Decimal] = defaultdict(Decimal)
    for row in result.rows("transactions"):
        if row["counts_in_ledger"]:
            moved[row["account"]] += row["amount"]
    accounts = {a for a in set(ib) | set(ub) | set(moved) if a[:1] in ("1", "2")}
    return {a: ib[a] + moved[a] - ub[a] for a in sorted(accounts) if ib[a] + moved[a] != ub[a]}


@pytest.mark.parametrize("name", FILES)
def test_every_real_file_parses(real: Path, read, name: str):
    result = read(real / name)
    s = result.summary
    assert s.vouchers > 0 and s.transactions > 0
    assert len(result.rows("transactions")) >= s.transactions
    assert len(result.rows("vouchers")) == s.vouchers
    assert s.unknown_records == {}


def test_ovnbolag_counts_and_balances_roll_forward(real: Path, read):
    result = read(real / "transaktioner_ovnbolag.se")
    s = result.summary
    assert (s.vouchers, s.transactions, s.accounts) == (163, 671, 567)
    assert (s.encoding, s.declared_format, s.sie_type) == ("cp437", "PC8", "4")
    assert s.company_name == "Övningsbolaget AB (Ekonomi 60)"
    assert s.fiscal_years[0] == {"year_index": 0, "start_date": "2011-01-01",
                                 "end_date": "2011-12-31"}
    assert s.total_amount == "0.00" and s.unbalanced_vouchers == []
    assert s.warning_counts == {"tabs": 1}  # rows indented with tabs: legal, noted as info
    assert _roll_forward_gaps(result) == {}
    counts = defaultdict(int)
    for row in result.rows("balances"):
        counts[row["record_type"]] += 1
    assert dict(counts) == {"IB": 55, "UB": 62, "RES": 104, "PSALDO": 705}
    assert len(result.rows("budgets")) == 1248
    assert {(o["dimension_no"], o["object_code"]) for o in result.rows("objects")} >= {
        (1, "Nord"), (1, "Syd"), (6, "0001")}
    syd = [r for r in result.rows("transactions") if r["object_list"] == '"1" "Syd"']
    assert syd and all(r["responsibility_code"] == "Syd" for r in syd)
    assert all(r["fiscal_year"] == 2011 for r in result.rows("vouchers"))


def test_bad_balance_is_flagged_on_voucher_b1(real: Path, read):
    result = read(real / "transaktioner_ovnbolag-bad-balance.se")
    s = result.summary
    assert s.unbalanced_vouchers == [
        {"series": "B", "number": "1", "line": 3905, "difference": "-12771.00"}]
    assert s.total_amount == "-12771.00"
    assert [w["line"] for w in result.warnings("unbalanced_voucher")] == [3905]
    flagged = [v for v in result.rows("vouchers") if not v["is_balanced"]]
    assert [(v["voucher_series"], v["voucher_number"], str(v["amount_sum"]))
            for v in flagged] == [("B", "1", "-12771.00")]
    # The changed row is on the cash account; every other balance still rolls forward.
    assert _roll_forward_gaps(result) == {"1910": Decimal("-12771.00")}


def test_misencoded_visma_file_warns_and_still_balances(real: Path, read):
    result = read(real / "SIE4_Exempelfil_med_underdim.SE")
    s = result.summary
    assert s.encoding == "utf-8"
    messages = " ".join(w["message"] for w in result.warnings("encoding"))
    assert "byte är UTF-8" in messages and "U+FFFD" in messages
    assert (s.vouchers, s.transactions) == (295, 1330)
    assert _roll_forward_gaps(result) == {}
    dims = {d["dimension_no"]: d["parent_dimension"] for d in result.rows("dimensions")}
    assert dims == {1: None, 6: None, 61: 6, 62: 6}
    rows = {r["source_line"]: r for r in result.rows("transactions")}
    assert (rows[2233]["responsibility_code"], rows[2233]["project_code"]) == ("Nord", "0001")
    assert rows[2337]["subproject_code"] == "0036"


def test_payroll_import_file(real: Path, read):
    result = read(real / "LON_Lonekorning_KontekLon.SI", {"responsibility": 1, "level4": 20})
    s = result.summary
    assert (s.vouchers, s.transactions, s.fiscal_years) == (1, 25, [])
    assert [w["kind"] for w in s.warnings] == ["no_fiscal_year"]
    (voucher,) = result.rows("vouchers")
    assert (voucher["voucher_series"], voucher["voucher_number"]) == ("", "")
    assert voucher["registration_date"].isoformat() == "2011-03-01" and voucher["is_balanced"]
    rows = {r["source_line"]: r for r in result.rows("transactions")}
    assert rows[26]["quantity"] == Decimal("3.5") and rows[26]["level4_code"] == "N12"
    assert rows[26]["responsibility_code"] == "1234567890" and rows[25]["quantity"] is None


def test_bl_import_file_with_empty_rar(real: Path, read):
    result = read(real / "BL0001_typ4I.SI")
    assert [w["kind"] for w in result.summary.warnings] == [
        "fiscal_year_without_dates", "no_fiscal_year"]
    amounts = [r["amount"] for r in result.rows("transactions")]
    assert amounts[5] == Decimal("-212.50") and amounts[-1] == Decimal("-0.50")


def test_bl_fixed_asset_series_repeats_voucher_number_1(real: Path, read):
    """BL Administration numbers every voucher of its series '#' 1: all are kept, by line."""
    result = read(real / "BL0001_typ4.SE")
    s = result.summary
    assert (s.vouchers, s.transactions) == (84, 405)
    repeated = result.warnings("repeated_voucher_number")
    assert len(repeated) == s.warning_counts["repeated_voucher_number"] == 11
    assert "probable_double_booking" not in s.warning_counts
    series = [v for v in result.rows("vouchers") if v["voucher_series"] == "#"]
    assert len(series) == 12 and {v["voucher_number"] for v in series} == {"1"}
    assert all(v["is_balanced"] for v in series)
    assert len(result.rows("budgets")) == 24


def test_source_name_is_written(real: Path, tmp_path: Path):
    summary = read_sie(real / "BL0001_typ4I.SI", tmp_path, {}, source_name="ledger/2011.SI")
    assert summary.source_file == "ledger/2011.SI"
    import pyarrow.parquet as pq

    files = set(pq.read_table(tmp_path / "transactions.parquet")["source_file"].to_pylist())
    assert files == {"ledger/2011.SI"}
