"""read_delivered_reports over the self-written log and malformed variants."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from orchestration.readers.errors import SourceFileError
from orchestration.readers.reports import read_delivered_reports

DELIVERED = Path(__file__).resolve().parents[2] / "fixtures" / "reports" / "delivered.csv"
HEADER = "delivered_on,body,initiative,report_kind,period,reference"


def reject(tmp_path: Path, *lines: str) -> SourceFileError:
    path = tmp_path / "delivered.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    with pytest.raises(SourceFileError) as info:
        read_delivered_reports(path)
    return info.value


def test_happy_path_types_and_period_bounds():
    rows = read_delivered_reports(DELIVERED).to_pylist()
    assert [r["source_line"] for r in rows] == [2, 3, 4, 5, 6]
    assert {r["source_file"] for r in rows} == {"delivered.csv"}
    by_period = {r["period"]: r for r in rows}
    assert set(by_period) == {"2022-05", "2022-T2", "2022-H1", "2022", "2023-Q1"}  # h1 -> H1
    assert (by_period["2022-05"]["period_start"], by_period["2022-05"]["period_end"]) == (
        date(2022, 5, 1),
        date(2022, 5, 31),
    )
    assert (by_period["2022-T2"]["period_start"], by_period["2022-T2"]["period_end"]) == (
        date(2022, 5, 1),
        date(2022, 8, 31),
    )
    assert by_period["2022-H1"]["period_end"] == date(2022, 6, 30)
    assert by_period["2022"]["period_end"] == date(2022, 12, 31)
    assert by_period["2023-Q1"]["period_end"] == date(2023, 3, 31)
    assert by_period["2022-T2"]["delivered_on"] == date(2022, 9, 20)
    assert by_period["2022-05"]["reference"] is None
    assert by_period["2023-Q1"]["reference"] == "KRB 2023-05-02, punkt 4"
    assert by_period["2022"]["initiative"] == "programme"


def test_bad_delivery_date(tmp_path: Path):
    err = reject(
        tmp_path,
        "2022-09-20,KS,trygga_unga,uppfoljning,2022-T2,§ 1",
        "20/9 2022,KS,trygga_unga,uppfoljning,2022-T2,§ 2",
    )
    assert str(err) == "delivered.csv, line 3: delivered_on is not an ISO 8601 date (YYYY-MM-DD)"


def test_bad_period_format(tmp_path: Path):
    err = reject(tmp_path, "2022-09-20,KS,trygga_unga,uppfoljning,2022-T4,§ 1")
    assert err.line == 2
    assert err.reason.startswith("period is not one of the calendar's forms")


def test_missing_body(tmp_path: Path):
    err = reject(tmp_path, "2022-09-20,,trygga_unga,uppfoljning,2022,§ 1")
    assert str(err) == "delivered.csv, line 2: body is empty"


def test_empty_file(tmp_path: Path):
    path = tmp_path / "delivered.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(SourceFileError, match=r"^delivered.csv: empty file"):
        read_delivered_reports(path)


def test_unnamed_trailing_columns_are_ignored(tmp_path: Path):
    path = tmp_path / "delivered.csv"
    path.write_text(
        HEADER + ",,\n2022-09-20,KS,trygga_unga,uppfoljning,2022,§ 1,,\n", encoding="utf-8"
    )
    rows = read_delivered_reports(path).to_pylist()
    assert [(r["body"], r["period"], r["reference"]) for r in rows] == [("KS", "2022", "§ 1")]
