"""read_payroll over the self-written month file and its malformed variants."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from orchestration.readers.errors import SourceFileError
from orchestration.readers.payroll import payroll_period_from_name, read_payroll

KEY = b"test-key"
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "payroll" / "lon_2022-05.csv"
# Everything personal in the fixture: none of it may leave the reader.
PERSONAL = [
    "19850312-2398",
    "198503122398",
    "8503122398",
    "199001011238",
    "760923+4411",
    "8807146627",
    "19700101-1119",
    "Anna Andersson",
    "Bertil Berg",
    "Cecilia Ceder",
    "David Dahl",
    "Eva Ek",
    "E1001",
    "E1002",
    "E1003",
    "E1004",
    "E1005",
]


def fixture_lines() -> list[str]:
    return FIXTURE.read_bytes().decode("utf-8-sig").split("\r\n")[:-1]


def write(
    tmp_path: Path, lines: list[str], name: str = "lon_2022-05.csv", bom: bool = True
) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "\r\n".join(lines).encode() + b"\r\n")
    return path


def set_field(line: str, column: int, value: str) -> str:
    fields = line.split(";")
    fields[column] = value
    return ";".join(fields)


def reject(path: Path) -> SourceFileError:
    with pytest.raises(SourceFileError) as info:
        read_payroll(path, KEY)
    message = str(info.value)
    for value in PERSONAL:
        assert value not in message, f"personal data {value!r} in error message"
    return info.value


def row(table: pa.Table, **match: str | None) -> dict:
    rows = [r for r in table.to_pylist() if all(r[k] == v for k, v in match.items())]
    assert len(rows) == 1, rows
    return rows[0]


def test_happy_path_aggregates_per_coding_and_job_title():
    table = read_payroll(FIXTURE, KEY)

    assert table.schema.field("amount").type == pa.decimal128(18, 2)
    assert table.schema.field("hours").type == pa.decimal128(18, 2)
    assert table.schema.field("fte").type == pa.decimal128(10, 2)
    assert table.schema.field("head_count").type == pa.int32()
    assert table.num_rows == 4
    assert set(table.column("source_file").to_pylist()) == {"lon_2022-05.csv"}
    assert set(table.column("period").to_pylist()) == {"2022-05"}

    # Two people, three rows: NBSP and plain-space thousands, 12,5 hours of OB.
    fritid = row(table, account="5020", object_code="7101")
    assert fritid["job_title"] == "Fritidsledare"
    assert (fritid["responsibility_code"], fritid["activity_code"]) == ("4210", "350")
    assert fritid["project_code"] == "9120"
    assert fritid["amount"] == Decimal("49984.56")
    assert fritid["hours"] == Decimal("252.50")
    assert (fritid["head_count"], fritid["source_rows"]) == (2, 3)
    assert fritid["fte"] == Decimal("1.50")

    # Employer contributions on their own account; no hours given.
    contrib = row(table, account="5060")
    assert contrib["amount"] == Decimal("10211.50")
    assert contrib["hours"] == Decimal("0.00")
    assert (contrib["head_count"], contrib["fte"]) == (1, Decimal("1.00"))

    # A negative correction row is netted; the 75 % person counts once, not per row.
    social = row(table, object_code="7102")
    assert social["amount"] == Decimal("77100.00")
    assert social["hours"] == Decimal("312.00")
    assert (social["head_count"], social["fte"], social["source_rows"]) == (
        2,
        Decimal("1.75"),
        3,
    )

    # Empty project and object stay NULL; 62,5 % rounds to 0.63.
    other = row(table, object_code=None)
    assert other["project_code"] is None
    assert other["amount"] == Decimal("29999.50")
    assert other["fte"] == Decimal("0.63")

    total = sum(table.column("amount").to_pylist())
    assert total == Decimal("167295.56")


def test_no_personal_data_in_output():
    table = read_payroll(FIXTURE, KEY)
    text = repr(table.to_pylist()) + repr(table.schema)
    for value in PERSONAL:
        assert value not in text
    for column in ("personnummer", "namn", "anstallningsnr", "employee_hash"):
        assert column not in table.column_names


def test_same_result_without_bom_and_with_lf(tmp_path: Path):
    path = tmp_path / "lon_202205.csv"
    path.write_text("\n".join(fixture_lines()) + "\n", encoding="utf-8")
    assert read_payroll(path, KEY).drop_columns("source_file") == read_payroll(
        FIXTURE, KEY
    ).drop_columns("source_file")


def test_period_from_name():
    assert payroll_period_from_name("lon_2022-05.csv") == "2022-05"
    assert payroll_period_from_name("LON202212.csv") == "2022-12"
    assert payroll_period_from_name("payroll_2022_13.csv") is None
    assert payroll_period_from_name("lon.csv") is None
    assert payroll_period_from_name("lon_2022-05_2022-06.csv") is None


def test_wrong_delimiter(tmp_path: Path):
    lines = [line.replace(";", ",") for line in fixture_lines()]
    err = reject(write(tmp_path, lines))
    assert str(err) == (
        "lon_2022-05.csv, line 1: wrong delimiter: the header is separated by ',', expected ';'"
    )


def test_missing_column(tmp_path: Path):
    lines = [line.rsplit(";", 1)[0] for line in fixture_lines()]
    err = reject(write(tmp_path, lines))
    assert err.line == 1
    assert "missing column(s): sysselsattningsgrad" in str(err)
    assert str(err).startswith("lon_2022-05.csv, line 1: ")


def test_renamed_column(tmp_path: Path):
    lines = fixture_lines()
    lines[0] = lines[0].replace(";belopp;", ";belopp_sek;")
    err = reject(write(tmp_path, lines))
    assert err.line == 1
    assert "missing column(s): belopp; unexpected column(s): 'belopp_sek'" in str(err)


def test_extra_columns_are_ignored_and_order_is_free(tmp_path: Path):
    """Columns are found by name: a file with the columns in another order and two extra
    columns gives the same table, and the extra columns' values never reach it."""
    plain = read_payroll(write(tmp_path, fixture_lines()), KEY)
    rows = [line.split(";") for line in fixture_lines()]
    order = list(reversed(range(len(rows[0]))))
    lines = [";".join([r[i] for i in order] + (["adress", "utbetalningsdag"] if n == 0
                                                 else ["Storgatan 1", "2022-05-25"]))
             for n, r in enumerate(rows)]
    other = tmp_path / "other"
    other.mkdir()
    shuffled = read_payroll(write(other, lines), KEY)
    assert shuffled.drop_columns(["source_file"]).equals(plain.drop_columns(["source_file"]))
    assert "Storgatan" not in repr(shuffled.to_pylist())


def test_non_numeric_amount(tmp_path: Path):
    lines = fixture_lines()
    lines[3] = set_field(lines[3], 8, "16 25O,00")  # letter O for zero
    err = reject(write(tmp_path, lines))
    assert str(err) == (
        "lon_2022-05.csv, line 4: belopp is not a number in Swedish format (e.g. -1 234,50)"
    )
    assert "16 25O" not in str(err)


def test_amount_with_three_decimals(tmp_path: Path):
    lines = fixture_lines()
    lines[5] = set_field(lines[5], 8, "38000,125")
    err = reject(write(tmp_path, lines))
    assert (err.line, err.reason) == (6, "belopp has more than two decimals")


def test_personnummer_in_job_title(tmp_path: Path):
    lines = fixture_lines()
    lines[2] = set_field(lines[2], 4, "Fritidsledare 19850312-2398")
    err = reject(write(tmp_path, lines))
    assert err.line == 3
    assert err.reason.startswith("column befattning holds a value that looks like a personnummer")


def test_personnummer_as_employee_number(tmp_path: Path):
    lines = fixture_lines()
    lines[7] = set_field(lines[7], 1, "8807146627")
    err = reject(write(tmp_path, lines))
    assert err.line == 8
    assert err.reason.startswith("column anstallningsnr holds a value that looks like")


def test_period_not_yyyy_mm(tmp_path: Path):
    lines = [set_field(line, 0, "2022-5") for line in fixture_lines()]
    lines[0] = fixture_lines()[0]
    err = reject(write(tmp_path, lines))
    assert (err.line, err.reason) == (2, "period is not written YYYY-MM")


def test_period_differs_from_file_name(tmp_path: Path):
    err = reject(write(tmp_path, fixture_lines(), name="lon_2022-06.csv"))
    assert str(err) == (
        "lon_2022-06.csv, line 2: period 2022-05 differs from the period 2022-06 in the file name"
    )


def test_file_name_without_period(tmp_path: Path):
    err = reject(write(tmp_path, fixture_lines(), name="lon_maj.csv"))
    assert str(err) == (
        "lon_maj.csv: the file name must carry the period as YYYY-MM or YYYYMM, "
        "e.g. lon_2022-05.csv"
    )


def test_more_than_one_period(tmp_path: Path):
    lines = fixture_lines()
    lines[4] = set_field(lines[4], 0, "2022-06")
    err = reject(write(tmp_path, lines))
    assert err.line == 5
    assert err.reason.startswith(
        "more than one period in the file: 2022-05 on line 2 and another on this line"
    )


def test_grade_outside_range(tmp_path: Path):
    lines = fixture_lines()
    lines[6] = set_field(lines[6], 14, "120")
    err = reject(write(tmp_path, lines))
    assert str(err) == "lon_2022-05.csv, line 7: sysselsattningsgrad is outside 0-100"


def test_empty_file(tmp_path: Path):
    path = tmp_path / "lon_2022-05.csv"
    path.write_bytes(b"")
    assert str(reject(path)) == "lon_2022-05.csv: empty file: no header and no rows"
    path.write_bytes(b"\xef\xbb\xbf\r\n")
    assert reject(path).reason == "empty file: no header and no rows"


def test_header_only(tmp_path: Path):
    err = reject(write(tmp_path, fixture_lines()[:1]))
    assert err.reason == "no data rows: the file has a header only"


def test_line_with_extra_field(tmp_path: Path):
    lines = fixture_lines()
    lines[3] = lines[3] + ";extra"
    err = reject(write(tmp_path, lines))
    assert str(err) == (
        "lon_2022-05.csv, line 4: the line has 16 fields separated by ';', the header has 15"
    )


def test_not_utf8(tmp_path: Path):
    lines = fixture_lines()
    path = write(tmp_path, lines)
    data = path.read_bytes().replace("Löneavdrag".encode(), "Löneavdrag".encode("latin-1"))
    path.write_bytes(data)
    err = reject(path)
    assert (err.line, err.reason) == (7, "the line is not valid UTF-8")


def test_line_numbers_count_blank_lines(tmp_path: Path):
    lines = fixture_lines()
    lines[4] = set_field(lines[4], 8, "abc")
    lines.insert(2, "")
    err = reject(write(tmp_path, lines))
    # Fixture line 5 moved down by the blank line.
    assert err.line == 6


def test_trailing_blank_lines_are_ignored(tmp_path: Path):
    lines = fixture_lines()
    lines[8] = set_field(lines[8], 14, "101")
    path = write(tmp_path, [*lines, "", ""])
    assert reject(path).line == 9
    path = write(tmp_path, [*fixture_lines(), "", ""])
    assert read_payroll(path, KEY).num_rows == 4


def test_several_problems_are_summarised(tmp_path: Path):
    lines = fixture_lines()
    lines[2] = set_field(lines[2], 8, "tio")
    lines[6] = set_field(lines[6], 14, "150")
    err = reject(write(tmp_path, lines))
    assert err.line == 3
    assert "also: sysselsattningsgrad is outside 0-100 (first at line 7)" in err.reason


def test_empty_hash_key_is_a_programming_error():
    with pytest.raises(ValueError):
        read_payroll(FIXTURE, b"")


def test_amount_too_large_names_no_value(tmp_path: Path):
    lines = fixture_lines()
    lines[2] = set_field(lines[2], 8, "12345678901234567890,00")
    err = reject(write(tmp_path, lines))
    assert err.reason.startswith("a value could not be converted")
    assert "1234567890" not in str(err)


def test_quoted_field_with_delimiter(tmp_path: Path):
    lines = fixture_lines()
    lines[4] = set_field(lines[4], 6, '"OB-tillägg; kväll"')
    table = read_payroll(write(tmp_path, lines), KEY)
    assert row(table, account="5020", object_code="7101")["amount"] == Decimal("49984.56")
