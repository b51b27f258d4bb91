"""read_grant_decisions / read_grant_reports over self-written files and malformed variants."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from orchestration.readers.errors import SourceFileError
from orchestration.readers.grants import read_grant_decisions, read_grant_reports

GRANTS = Path(__file__).resolve().parents[2] / "fixtures" / "grants"
DECISION_HEADER = (
    "grant_id,grantor,programme,recipient,year,amount_sek,decided_on,use_by,report_due,"
    "object_codes,income_object_code"
)
GOOD = "G-1,Socialstyrelsen,Utsatta områden,Eskilstuna kommun,2022,100.00,2022-02-01,"
GOOD_TAIL = "2022-12-31,2023-03-31,7101|7102,7190"


def write(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def decision(**values: str) -> str:
    fields = dict(zip(DECISION_HEADER.split(","), (GOOD + GOOD_TAIL).split(","), strict=True))
    fields.update(values)
    return ",".join(fields.values())


def reject_decisions(path: Path) -> SourceFileError:
    with pytest.raises(SourceFileError) as info:
        read_grant_decisions(path)
    return info.value


def test_decisions_happy_path():
    table = read_grant_decisions(GRANTS / "decisions.csv")
    assert table.schema.field("amount_sek").type == pa.decimal128(18, 2)
    assert table.schema.field("object_codes").type == pa.list_(pa.string())
    assert table.schema.field("decided_on").type == pa.date32()
    rows = table.to_pylist()
    assert [r["grant_id"] for r in rows] == [
        "SOS-2021-0412",
        "SOS-2022-0388",
        "SKOLV-2022-17",
        "SOS-2023-0101",
    ]
    # The third record spans lines 4-5 (a quoted line break), so the fourth starts on line 6.
    assert [r["source_line"] for r in rows] == [2, 3, 4, 6]
    assert {r["source_file"] for r in rows} == {"decisions.csv"}
    first, _, skolverket, last = rows
    assert first["programme"] == "Sociala insatser för barn och unga, utsatta områden"
    assert first["amount_sek"] == Decimal("6300000.00")
    assert first["year"] == 2021
    assert (first["decided_on"], first["use_by"], first["report_due"]) == (
        date(2021, 3, 15),
        date(2021, 12, 31),
        date(2022, 3, 31),
    )
    assert first["object_codes"] == ["7101", "7102"]
    assert skolverket["programme"] == "Lovskola och\nlovaktiviteter"
    assert skolverket["amount_sek"] == Decimal("1250000.50")
    assert skolverket["use_by"] is None
    assert skolverket["income_object_code"] is None
    # Spaces around codes and a trailing '|' are tidied, not errors.
    assert last["object_codes"] == ["7101", "7102"]


def test_reports_happy_path():
    table = read_grant_reports(GRANTS / "reports.csv")
    rows = table.to_pylist()
    assert table.schema.field("participants").type == pa.int32()
    assert [r["source_line"] for r in rows] == [2, 4]  # a blank line sits between them
    assert rows[0]["amount_used_sek"] == Decimal("6012345.50")
    assert rows[0]["amount_returned_sek"] == Decimal("287654.50")
    assert rows[0]["participants"] == 412
    assert rows[0]["submitted_on"] == date(2022, 3, 28)
    assert rows[1]["participants"] is None
    assert rows[1]["reference"] == "KS 2023/118"


def test_duplicate_grant_id(tmp_path: Path):
    path = write(tmp_path, "decisions.csv", DECISION_HEADER, decision(), decision(year="2023"))
    err = reject_decisions(path)
    assert str(err) == "decisions.csv, line 3: duplicate grant_id 'G-1' (first on line 2)"


def test_report_due_before_decided_on(tmp_path: Path):
    path = write(
        tmp_path,
        "decisions.csv",
        DECISION_HEADER,
        decision(grant_id="G-0"),
        decision(use_by="", report_due="2022-01-15"),
    )
    err = reject_decisions(path)
    assert str(err) == "decisions.csv, line 3: report_due is before decided_on"


def test_use_by_after_report_due(tmp_path: Path):
    path = write(tmp_path, "decisions.csv", DECISION_HEADER, decision(use_by="2023-06-30"))
    assert reject_decisions(path).reason == "report_due is before use_by"


def test_missing_column(tmp_path: Path):
    header = DECISION_HEADER.replace(",income_object_code", "")
    path = write(tmp_path, "decisions.csv", header, decision().rsplit(",", 1)[0])
    err = reject_decisions(path)
    assert err.line == 1
    assert err.reason.startswith("missing column(s): income_object_code")


def test_extra_column_is_allowed(tmp_path: Path):
    path = write(tmp_path, "decisions.csv", DECISION_HEADER + ",note", decision() + ",hej")
    assert read_grant_decisions(path).column("grant_id").to_pylist() == ["G-1"]


def test_non_numeric_amount(tmp_path: Path):
    path = write(tmp_path, "decisions.csv", DECISION_HEADER, decision(amount_sek="6,3 MSEK"))
    # The comma splits the row: caught as a field-count problem on that line.
    assert str(reject_decisions(path)).startswith("decisions.csv, line 2: the line has 12 fields")
    path = write(tmp_path, "decisions.csv", DECISION_HEADER, decision(amount_sek="6.3M"))
    assert str(reject_decisions(path)) == (
        "decisions.csv, line 2: amount_sek is not a number (digits with '.' as decimal point)"
    )


def test_negative_amount(tmp_path: Path):
    path = write(tmp_path, "decisions.csv", DECISION_HEADER, decision(amount_sek="-5"))
    assert str(reject_decisions(path)) == "decisions.csv, line 2: amount_sek is negative"


def test_bad_decision_date(tmp_path: Path):
    path = write(tmp_path, "decisions.csv", DECISION_HEADER, decision(decided_on="2022-02-30"))
    assert str(reject_decisions(path)) == (
        "decisions.csv, line 2: decided_on is not an ISO 8601 date (YYYY-MM-DD)"
    )


def test_report_with_negative_return_and_bad_participants(tmp_path: Path):
    header = "grant_id,submitted_on,amount_used_sek,amount_returned_sek,participants,reference"
    path = write(tmp_path, "reports.csv", header, "G-1,2023-03-01,10,-1,,x")
    with pytest.raises(SourceFileError) as info:
        read_grant_reports(path)
    assert str(info.value) == "reports.csv, line 2: amount_returned_sek is negative"
    path = write(tmp_path, "reports.csv", header, "G-1,2023-03-01,10,0,many,x")
    with pytest.raises(SourceFileError) as info:
        read_grant_reports(path)
    assert str(info.value) == "reports.csv, line 2: participants is not a whole number"


def test_header_only_reports_file_is_empty_not_an_error(tmp_path: Path):
    header = "grant_id,submitted_on,amount_used_sek,amount_returned_sek,participants,reference"
    table = read_grant_reports(write(tmp_path, "reports.csv", header))
    assert table.num_rows == 0
    assert table.schema.field("amount_used_sek").type == pa.decimal128(18, 2)
