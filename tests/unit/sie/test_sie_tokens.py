"""Tokens, encodings, line ends and record types, on small files written for these tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orchestration.readers.sie import read_sie, reader, schema

D = Decimal


def test_tokens_file_rows(own: Path, read):
    result = read(own / "tokens.se")
    rows = {r["source_line"]: r for r in result.rows("transactions")}
    assert sorted(rows) == [42, 43, 47, 48, 52, 53, 54, 55, 59, 60, 64, 65]
    first = rows[42]
    assert first == {
        "source_file": "tokens.se", "source_line": 42, "fiscal_year": 2023,
        "voucher_series": "A", "voucher_number": "1", "voucher_date": dt.date(2023, 1, 5),
        "voucher_text": 'Inköp av "bästa" material', "account": "4010",
        "responsibility_code": "4110", "project_code": "9120", "activity_code": None,
        "subproject_code": None, "object_list": '1 "4110" 6 "9120"', "amount": D("200.00"),
        "quantity": None, "transaction_date": dt.date(2023, 1, 5),
        "transaction_text": "Rad med mellanslag", "row_kind": "TRANS", "counts_in_ledger": True,
    }
    # Tabs between the fields and a quoted dimension number.
    assert (rows[43]["account"], rows[43]["responsibility_code"]) == ("2440", "4110")
    assert rows[43]["object_list"] == '"1" "4110"'
    # An object code equal to a dimension number is not taken for the dimension.
    assert (rows[47]["responsibility_code"], rows[47]["project_code"]) == ("6", "9120")
    # "" for date and text, then a quantity; series and number in quotes.
    assert (rows[47]["transaction_date"], rows[47]["transaction_text"]) == (None, None)
    assert rows[47]["quantity"] == D("1.5")
    assert (rows[47]["voucher_series"], rows[47]["voucher_number"]) == ("B", "7")
    assert rows[48]["object_list"] == "" and rows[48]["responsibility_code"] is None
    # Unquoted dimension number and object code.
    assert rows[53]["activity_code"] == "569"
    # An object code holding a space; a quoted amount and one with a plus sign.
    assert (rows[59]["subproject_code"], rows[59]["amount"]) == ("A 1", D("-10.00"))
    assert rows[60]["amount"] == D("10.00")
    # A #VER whose date is quoted.
    assert rows[64]["voucher_date"] == dt.date(2023, 3, 21)


def test_rtrans_and_btrans(own: Path, read):
    result = read(own / "tokens.se")
    voucher = [r for r in result.rows("transactions") if r["voucher_number"] == "2"]
    assert [(r["row_kind"], r["counts_in_ledger"], r["amount"]) for r in voucher] == [
        ("RTRANS", False, D("50.00")), ("TRANS", True, D("50.00")),
        ("BTRANS", False, D("70.00")), ("TRANS", True, D("-50.00"))]
    (v,) = [v for v in result.rows("vouchers") if v["voucher_number"] == "2"]
    assert (v["row_count"], v["amount_sum"], v["is_balanced"]) == (4, D("0.00"), True)
    assert result.summary.transactions == 10


def test_rtrans_without_twin_counts_itself(own: Path, read):
    result = read(own / "rtrans_orphan.se")
    rows = result.rows("transactions")
    assert [(r["row_kind"], r["counts_in_ledger"]) for r in rows] == [
        ("RTRANS", True), ("TRANS", True)]
    assert [w["line"] for w in result.warnings("rtrans_without_twin")] == [14]
    assert result.rows("vouchers")[0]["is_balanced"] is True


def test_tokens_file_declarations(own: Path, read):
    result = read(own / "tokens.se")
    s = result.summary
    assert s.unknown_records == {"#XFOO": 2}
    assert [w["line"] for w in result.warnings("unknown_record")] == [38]
    assert (s.program, s.generated_on, s.company_name, s.org_no) == (
        "Testprogram för SIE 1.0", "2024-01-15", "Kommunen i Å", "212000-0001")
    accounts = {a["account"]: a for a in result.rows("accounts")}
    assert accounts["4010"]["name"] == 'Inköp "special" material'
    assert (accounts["1930"]["account_type"], accounts["1930"]["sru_code"]) == ("T", "7281")
    assert accounts["5010"] == {"source_file": "tokens.se", "account": "5010",
                                "name": "Lokalhyra", "account_type": None, "sru_code": None}
    dims = [(d["dimension_no"], d["name"], d["parent_dimension"])
            for d in result.rows("dimensions")]
    assert dims == [(1, "Ansvar", None), (6, "Projekt", None), (21, "Verksamhet", None),
                    (61, "Delprojekt", 6)]
    objects = {(o["dimension_no"], o["object_code"]): o["name"] for o in result.rows("objects")}
    assert objects[(21, "569")] == "Övrig fritid"
    assert objects[(61, "A 1")] == "Delprojekt med mellanslag"
    assert [(y["year_index"], y["start_date"], y["end_date"])
            for y in result.rows("fiscal_years")] == [
        (0, dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
        (-1, dt.date(2022, 1, 1), dt.date(2022, 12, 31))]


def test_balances_and_budgets(own: Path, read):
    result = read(own / "tokens.se")
    balances = [(b["record_type"], b["period"], b["account"], b["object_list"],
                 b["responsibility_code"], b["project_code"], b["amount"], b["quantity"])
                for b in result.rows("balances")]
    assert balances == [
        ("IB", None, "1930", None, None, None, D("1000.00"), None),
        ("UB", None, "1930", None, None, None, D("850.00"), None),
        ("IB", None, "2440", None, None, None, D("-200.00"), None),
        ("UB", None, "2440", None, None, None, D("-440.00"), None),
        ("OIB", None, "1930", '1 "4110"', "4110", None, D("400.00"), None),
        ("RES", None, "4010", None, None, None, D("290.00"), None),
        ("PSALDO", 202301, "4010", "", None, None, D("200.00"), None),
        ("PSALDO", 202301, "4010", '1 "4110" 6 "9120"', "4110", "9120", D("200.00"), D("2")),
    ]
    budgets = [(b["period"], b["object_list"], b["responsibility_code"], b["activity_code"],
                b["amount"]) for b in result.rows("budgets")]
    assert budgets == [
        (202301, '1 "4110"', "4110", None, D("120.00")),
        (202302, '"1" "4110" "21" "569"', "4110", "569", D("130.50")),
    ]
    assert "record_type" not in pq.read_schema(result.out / "budgets.parquet").names


@pytest.mark.parametrize("name", ["lineends_lf.se", "lineends_cr.se"])
def test_line_ends_give_the_same_rows_and_lines(own: Path, read, name: str):
    crlf = read(own / "lineends_crlf.se")
    other = read(own / name)
    for table in ("transactions", "vouchers"):
        assert other.rows(table) == [
            {**row, "source_file": name} for row in crlf.rows(table)]
    assert [r["source_line"] for r in other.rows("transactions")] == [14, 15, 20, 21]
    assert other.rows("transactions")[0]["voucher_text"] == "Lön januari"


@pytest.mark.parametrize(
    ("name", "encoding", "phrase"),
    [("encoding_utf8.se", "utf-8", "byte är UTF-8"),
     ("encoding_latin1.se", "latin-1", "Latin-1")],
)
def test_other_encodings_are_read_and_reported(own: Path, read, name, encoding, phrase):
    result = read(own / name)
    assert result.summary.encoding == encoding
    (warning,) = result.warnings("encoding")
    assert phrase in warning["message"] and "PC8" in warning["message"]
    assert result.rows("vouchers")[0]["voucher_text"] == "Lön januari"
    assert result.summary.company_name == "Kommunen i Å"


def test_cp437_letters(own: Path, read):
    result = read(own / "tokens.se")
    assert result.summary.encoding == "cp437" and result.warnings("encoding") == []
    assert result.rows("vouchers")[2]["voucher_text"] == "Rättelse"


def test_replacement_characters_are_reported(own: Path, read):
    result = read(own / "encoding_replacement.se")
    messages = [w["message"] for w in result.warnings("encoding")]
    assert any("6 ersättningstecken U+FFFD" in m for m in messages)
    assert result.rows("vouchers")[0]["voucher_text"] == "L\ufffdn januari"


@pytest.mark.parametrize("block", [7, 64, 300])
def test_small_blocks_give_identical_output(own: Path, tmp_path: Path, monkeypatch, block):
    """Chunks are cut at voucher boundaries however small the blocks are."""
    whole = read_sie(own / "tokens.se", tmp_path / "whole", {"responsibility": 1})
    monkeypatch.setattr(reader, "BLOCK_BYTES", block)
    pieces = read_sie(own / "tokens.se", tmp_path / "pieces", {"responsibility": 1})
    assert pieces.to_dict() == whole.to_dict()
    for name in schema.OUTPUTS:
        a = pq.read_table(tmp_path / "whole" / f"{name}.parquet")
        b = pq.read_table(tmp_path / "pieces" / f"{name}.parquet")
        assert a.equals(b), name


def test_late_fiscal_year_is_applied_at_the_end(own: Path, read, monkeypatch):
    monkeypatch.setattr(reader, "BLOCK_BYTES", 16)
    result = read(own / "late_rar.se")
    assert [r["fiscal_year"] for r in result.rows("transactions")] == [2023, 2023]
    assert [v["fiscal_year"] for v in result.rows("vouchers")] == [2023]
    assert [w["kind"] for w in result.summary.warnings] == ["late_fiscal_year"]


def test_undeclared_codes_and_dates_outside_years_are_flagged(own: Path, read):
    result = read(own / "undeclared.se")
    kinds = [(w["kind"], w["line"]) for w in result.summary.warnings]
    assert kinds == [("undeclared_account", 17), ("undeclared_object", 17),
                     ("date_outside_fiscal_years", 20), ("date_outside_fiscal_years", 22)]
    assert "7020" in result.summary.warnings[0]["message"]
    assert "'999' i dimension 1" in result.summary.warnings[1]["message"]
    # Flagged, never dropped: the rows are all there, with no fiscal year where none holds.
    rows = result.rows("transactions")
    assert len(rows) == 5 and rows[3]["fiscal_year"] is None


def test_garbage_outside_a_voucher_is_a_warning(own: Path, read):
    result = read(own / "garbage_outside.se")
    assert [(w["kind"], w["line"]) for w in result.summary.warnings] == [("not_a_record", 12)]
    assert result.summary.transactions == 2


def test_import_file_without_rar_and_empty_outputs(own: Path, read):
    result = read(own / "import_4i.si", {"responsibility": 1})
    assert result.summary.fiscal_years == [] and result.summary.transactions == 2
    assert result.rows("transactions")[0]["quantity"] == D("160")
    expected = schema.all_schemas({"responsibility": 1})
    for name in schema.OUTPUTS:
        table = pq.read_table(result.out / f"{name}.parquet")
        assert table.schema.names == expected[name].names
        assert [f.type for f in table.schema] == [f.type for f in expected[name]]
    assert pq.read_table(result.out / "balances.parquet").num_rows == 0
    assert pq.read_schema(result.out / "balances.parquet").field(
        "responsibility_code").type == pa.string()


def test_dimension_names_must_be_column_names(own: Path, tmp_path: Path):
    with pytest.raises(ValueError, match="dimension name"):
        read_sie(own / "tokens.se", tmp_path, {"Ansvar kod": 1})
    with pytest.raises(ValueError, match="not an SIE dimension"):
        read_sie(own / "tokens.se", tmp_path, {"ansvar": "1"})  # type: ignore[dict-item]


def test_summary_is_json_ready(own: Path, read):
    import json

    data = read(own / "tokens.se").summary.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["total_amount"] == "0.00" and data["vouchers"] == 5


def _write(tmp_path: Path, body: list[str], name: str = "small.se") -> Path:
    head = ["#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4", '#FNAMN "Test"',
            "#RAR 0 20230101 20231231"]
    path = tmp_path / name
    path.write_bytes("\r\n".join(head + body).encode("cp437") + b"\r\n")
    return path


def test_spelling_variants(tmp_path: Path, read):
    path = _write(tmp_path, [
        '#VER "A" "1" "20230105" "Text" "20230107" "Signatur med mellanslag" extra',
        "{",
        '  #TRANS "1930" { 1 "4110" } "100.00" "20230105" "a \\"b\\" c" "2.50" "sign"',
        '  #TRANS 2440 {"6" "P 1"} -100 20230105 okvoterad',
        "  #KONTO 9999 \"Inne i verifikationen\"",
        "}",
    ])
    result = read(path)
    first, second = result.rows("transactions")
    assert (first["account"], first["object_list"], first["responsibility_code"]) == (
        "1930", '1 "4110"', "4110")
    assert (first["amount"], first["quantity"], first["transaction_text"]) == (
        D("100.00"), D("2.50"), 'a "b" c')
    assert (second["project_code"], second["amount"], second["transaction_text"]) == (
        "P 1", D("-100.00"), "okvoterad")
    (voucher,) = result.rows("vouchers")
    assert (voucher["voucher_date"], voucher["registration_date"], voucher["signature"]) == (
        dt.date(2023, 1, 5), dt.date(2023, 1, 7), "Signatur med mellanslag")
    # The #KONTO inside the voucher is flagged and still read, so the others are undeclared;
    # the quoted amount is legal SIE and noted (info), never silently.
    assert [(w["kind"], w["line"]) for w in result.summary.warnings] == [
        ("quoted_number", 8), ("undeclared_account", 8), ("undeclared_account", 9),
        ("record_inside_voucher", 10)]


def test_voucher_without_rows_and_blank_lines(tmp_path: Path, read):
    path = _write(tmp_path, ['#VER A 1 20230105 "Tom"', "", "{", "", "}", "",
                             '#VER A 2 20230106 "En rad"', "{", "#TRANS 1930 {} 0", "}"])
    result = read(path)
    assert [(v["row_count"], v["is_balanced"]) for v in result.rows("vouchers")] == [
        (0, True), (1, True)]
    assert result.rows("transactions")[0]["source_line"] == 14


def test_utf8_with_byte_order_mark(own: Path, tmp_path: Path, read):
    text = (own / "encoding_utf8.se").read_bytes()
    path = tmp_path / "bom.se"
    path.write_bytes(b"\xef\xbb\xbf" + text)
    result = read(path)
    assert result.summary.encoding == "utf-8" and result.summary.sie_type == "4"
    assert result.warnings("not_a_record") == [] and result.summary.transactions == 4


def test_bare_cr_file_across_many_blocks(own: Path, tmp_path: Path, monkeypatch, read):
    monkeypatch.setattr(reader, "BLOCK_BYTES", 16)
    result = read(own / "lineends_cr.se")
    assert [r["source_line"] for r in result.rows("transactions")] == [14, 15, 20, 21]
