"""SIE 4 as real programs write it: each deviation from SIE 4B that still reads one way only
is read, and recorded as a warning on the file with its kind, severity and count; what reads
more than one way is rejected (test_sie_malformed.py)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from orchestration.readers.sie import read_sie


def test_balance_records_with_and_without_braces(own: Path, read):
    result = read(own / "dev_balances_braces.se")
    counts = result.summary.warning_counts
    assert counts == {"balance_with_object_list": 3, "balance_without_object_list": 5}
    assert [w["line"] for w in result.warnings("balance_without_object_list")] == [
        19, 20, 21, 22, 23]
    assert all(w["severity"] == "warning" and "utan objektlista" in w["message"]
               for w in result.warnings("balance_without_object_list"))
    balances = {(r["record_type"], r["account"]): r for r in result.rows("balances")}
    assert balances[("IB", "1930")]["amount"] == Decimal("5000.00")
    assert balances[("IB", "1930")]["object_list"] is None  # as if written without {}
    assert balances[("OIB", "1930")]["object_list"] == ""  # as if written with {}
    assert balances[("PSALDO", "7010")]["period"] == 202301
    budgets = [(r["period"], r["account"], r["object_list"], r["responsibility_code"],
                r["amount"]) for r in result.rows("budgets")]
    assert budgets == [
        (202301, "1119", "", None, Decimal("-1666.00")),
        (202302, "1119", "", None, Decimal("-1666.00")),
        (202301, "7010", '1 "100"', "100", Decimal("250.00")),
    ]


def test_account_before_period_is_swapped_when_konto_says_so(own: Path, read):
    result = read(own / "dev_account_period_swapped.se")
    swapped = result.warnings("account_period_swapped")
    assert [w["line"] for w in swapped] == [16, 17]
    assert "kontot före perioden (1119 202301)" in swapped[0]["message"]
    budgets = [(r["period"], r["account"], r["responsibility_code"], r["amount"])
               for r in result.rows("budgets")]
    assert budgets == [(202301, "1119", None, Decimal("-1666.00")),
                       (202302, "7010", "100", Decimal("250.00"))]
    assert [(r["period"], r["account"]) for r in result.rows("balances")] == [(202301, "7010")]


def test_repeated_voucher_numbers_are_kept_apart_and_exact_repeats_flagged(own: Path, read):
    result = read(own / "repeat_voucher_number.se")
    s = result.summary
    assert (s.vouchers, s.transactions, s.unbalanced_vouchers) == (5, 10, [])
    assert s.warning_counts == {"probable_double_booking": 1, "repeated_voucher_number": 2}
    assert [w["line"] for w in result.warnings("repeated_voucher_number")] == [21, 26]
    (double,) = result.warnings("probable_double_booking")
    assert double["line"] == 31 and "rad 21" in double["message"]
    # every voucher keeps its own rows, found by position
    vouchers = [(v["source_line"], v["voucher_number"], v["row_count"], str(v["amount_sum"]))
                for v in result.rows("vouchers")]
    assert vouchers == [(16, "1", 2, "0.00"), (21, "1", 2, "0.00"), (26, "1", 2, "0.00"),
                        (31, "1", 2, "0.00"), (36, "2", 2, "0.00")]
    exact = read(own / "repeat_exact_voucher.se")
    assert [(w["kind"], w["line"]) for w in exact.summary.warnings] == [
        ("probable_double_booking", 17)]


def test_spellings_tabs_quoted_numbers_trailing_fields_and_braces(own: Path, read):
    result = read(own / "dev_spellings.se")
    s = result.summary
    assert s.warning_counts == {"quoted_number": 2, "tabs": 1, "trans_without_object_list": 1}
    assert [w["line"] for w in result.warnings("quoted_number")] == [16, 19]
    assert [w["line"] for w in result.warnings("trans_without_object_list")] == [25]
    assert result.warnings("tabs")[0]["severity"] == "info"
    rows = {r["source_line"]: r for r in result.rows("transactions")}
    assert (rows[19]["account"], rows[19]["amount"], rows[19]["responsibility_code"]) == (
        "7010", Decimal("100.00"), "100")
    assert rows[19]["transaction_date"] is None and rows[19]["transaction_text"] is None
    assert rows[20]["amount"] == Decimal("-100.00")
    assert (rows[24]["responsibility_code"], rows[24]["transaction_text"]) == (
        "A}B", "kod med klammer")
    assert (rows[25]["account"], rows[25]["object_list"], rows[25]["amount"]) == (
        "1930", "", Decimal("-40.50"))
    assert rows[26]["amount"] == Decimal("0.00")
    vouchers = result.rows("vouchers")
    assert [v["voucher_date"].isoformat() for v in vouchers] == ["2023-01-31", "2023-02-15"]
    assert all(v["is_balanced"] for v in vouchers) and s.total_amount == "0.00"
    (ib,) = result.rows("balances")
    assert ib["amount"] == Decimal("5000.00")
    assert not result.warnings("undeclared_object")  # "A}B" is declared by #OBJEKT


def test_mixed_line_endings(own: Path, read, tmp_path: Path):
    result = read(own / "dev_mixed_line_endings.se")
    (warning,) = result.warnings("mixed_line_endings")
    assert "CRLF på 10 rader, LF på 5 rader, CR på 5 rader" in warning["message"]
    assert result.summary.transactions == 2 and result.summary.unbalanced_vouchers == []
    clean = read_sie(own / "lineends_crlf.se", tmp_path / "clean", {})
    assert "mixed_line_endings" not in clean.warning_counts
