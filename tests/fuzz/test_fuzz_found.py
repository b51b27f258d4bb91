"""What the fuzzers found, kept as plain regression tests (each failed before its fix)."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.readers.errors import SourceFileError
from orchestration.readers.jsonstat import read_jsonstat
from orchestration.readers.kolada import read_kolada

BROKEN_JSON = {
    # Python refuses to turn more than 4,300 digits into an int: ValueError, not a file error
    "long_number.json": '{"values": [' + "9" * 5000 + "]}",
    # the json module recurses per level: RecursionError, not a file error
    "deep.json": "[" * 100_000 + "]" * 100_000,
}


@pytest.mark.parametrize("read", [read_kolada, read_jsonstat])
@pytest.mark.parametrize("name", sorted(BROKEN_JSON))
def test_survey_json_that_python_cannot_parse_is_a_file_error(tmp_path: Path, read, name):
    path = tmp_path / name
    path.write_text(BROKEN_JSON[name], encoding="utf-8")
    with pytest.raises(SourceFileError) as caught:
        read(path)
    assert caught.value.file == name
