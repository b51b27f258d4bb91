"""The municipality's own measurements (raw/survey/egna/*.csv): values with decimal comma,
missing-value marks kept as marks (never zero), and each broken line named."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.readers.errors import SourceFileError
from orchestration.readers.survey_csv import read_own_measurements


def _write(tmp_path: Path, text: str, name: str = "trygghet.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_values_marks_and_areas(tmp_path: Path) -> None:
    path = _write(tmp_path, "\ufeffIndikator_ignorerad;Indicator;Year;Area;Value;Status\n"
                  "x;trygg;2021;froslunda;47,5;\n"
                  "x;trygg;2021;;60.25;\n"
                  "x;trygg;2022;froslunda;..;\n"
                  "x;trygg;2022;arby;;x\n"
                  "x;trygg;2022;centrum;-;\n"
                  "\n")
    rows = read_own_measurements(path, source_file="egna/trygghet.csv").to_pylist()
    got = [(r["area"], r["year"], r["value"], r["status"], r["source_line"]) for r in rows]
    assert got == [("froslunda", 2021, 47.5, None, 2), (None, 2021, 60.25, None, 3),
                   ("froslunda", 2022, None, "..", 4), ("arby", 2022, None, "x", 5),
                   ("centrum", 2022, None, "-", 6)]
    assert {r["source_file"] for r in rows} == {"egna/trygghet.csv"}


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        ("trygg;20x1;a;1\n", 2, "year ska vara ett årtal, inte '20x1'"),
        ("trygg;2021;a;hög\n", 2, "value ska vara ett tal eller ett av - . .. x, inte 'hög'"),
        ("trygg;2021;a;1\ntrygg;2021;a;2\n", 3,
         "trygg 2021 a finns två gånger (först på rad 2)"),
        (";2021;a;1\n", 2, "indicator är tom"),
    ],
)
def test_broken_lines_are_named(tmp_path: Path, body: str, line: int, reason: str) -> None:
    path = _write(tmp_path, "indicator;year;area;value\n" + body)
    with pytest.raises(SourceFileError) as caught:
        read_own_measurements(path)
    assert (caught.value.file, caught.value.line, caught.value.reason) == (
        "trygghet.csv", line, reason)


def test_missing_column_names_the_header(tmp_path: Path) -> None:
    path = _write(tmp_path, "indicator;year;value\ntrygg;2021;1\n")
    with pytest.raises(SourceFileError) as caught:
        read_own_measurements(path)
    assert caught.value.line == 1
    assert caught.value.reason.startswith("kolumn saknas: area")
