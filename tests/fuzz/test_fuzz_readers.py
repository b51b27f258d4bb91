"""Fuzzing the payroll, grant, delivered-report, registry and survey readers with mutated files:
each one reads a file or raises SourceFileError naming it, never anything else, never hangs."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from conftest import FIXTURES, fuzz_settings, parses_or_names_the_problem
from fuzz_mutations import mutate
from hypothesis import given
from hypothesis import strategies as st

from orchestration.readers.grants import read_grant_decisions, read_grant_reports
from orchestration.readers.jsonstat import read_jsonstat
from orchestration.readers.kolada import read_kolada
from orchestration.readers.payroll import read_payroll
from orchestration.readers.registry.load import load_registry
from orchestration.readers.registry.model import Registry
from orchestration.readers.reports import read_delivered_reports

CSV_READERS: dict[str, tuple[Path, str, Callable[[Path], Any]]] = {
    "payroll_csv": (FIXTURES / "payroll" / "lon_2022-05.csv", "lon_2022-05.csv",
                    lambda p: read_payroll(p, b"fuzz-key")),
    "grant_decisions_csv": (FIXTURES / "grants" / "decisions.csv", "decisions.csv",
                            read_grant_decisions),
    "grant_reports_csv": (FIXTURES / "grants" / "reports.csv", "reports.csv",
                          read_grant_reports),
    "delivered_reports_csv": (FIXTURES / "reports" / "delivered.csv", "delivered.csv",
                              read_delivered_reports),
}


def _csv_case(reader: str, data: bytes) -> None:
    source, name, read = CSV_READERS[reader]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        result = parses_or_names_the_problem(reader, lambda: read(path), name)
        assert isinstance(result, pa.Table | Exception)


@pytest.mark.parametrize("reader", sorted(CSV_READERS))
def test_csv_readers(reader: str) -> None:
    source = CSV_READERS[reader][0].read_bytes()

    @fuzz_settings(80)
    @given(data=mutate(source, max_ops=2))
    def case(data: bytes) -> None:
        _csv_case(reader, data)

    case()


REGISTRY_FILES = sorted((FIXTURES / "registry").glob("*.yaml"))


@fuzz_settings(300)
@given(which=st.sampled_from(REGISTRY_FILES), data=st.data())
def test_registry_yaml(which: Path, data: st.DataObject) -> None:
    mutated = data.draw(mutate(which.read_bytes()))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "registry"
        folder.mkdir()
        for p in REGISTRY_FILES:
            shutil.copy(p, folder / p.name)
        (folder / which.name).write_bytes(mutated)
        result = parses_or_names_the_problem(
            "registry_yaml", lambda: load_registry(folder), "")
        assert isinstance(result, Registry | Exception)


# -- JSON: structure-level mutations on top of the byte-level ones -------------------------------
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=6)


@st.composite
def json_mutation(draw: st.DrawFn, doc: Any) -> bytes:
    doc = json.loads(json.dumps(doc))  # a copy
    for _ in range(draw(st.integers(1, 3))):
        node, path = doc, []
        while isinstance(node, dict | list) and node and draw(st.integers(0, 3)):
            key = draw(st.sampled_from(sorted(node) if isinstance(node, dict)
                                       else range(len(node))))
            path.append((node, key))
            node = node[key]
        if not path:
            continue
        parent, key = path[-1]
        how = draw(st.sampled_from(["replace", "delete", "duplicate"]))
        if how == "replace":
            parent[key] = draw(JSON_VALUES)
        elif how == "delete":
            del parent[key]
        elif isinstance(parent, list):
            parent.append(parent[key])
    text = json.dumps(doc, ensure_ascii=draw(st.booleans())).encode()
    return draw(mutate(text, max_ops=2)) if draw(st.booleans()) else text


SURVEY = FIXTURES / "survey"
JSON_READERS: dict[str, tuple[Path, Callable[[Path], Any]]] = {
    "survey_kolada_json": (SURVEY / "kolada_U07414_0484_2019-2022_p1.json", read_kolada),
    "survey_jsonstat_json": (SURVEY / "nri_trygghet_jsonstat2.json", read_jsonstat),
}


@pytest.mark.parametrize("reader", sorted(JSON_READERS))
def test_json_readers(reader: str) -> None:
    source, read = JSON_READERS[reader]
    doc = json.loads(source.read_text("utf-8"))

    @fuzz_settings(700)
    @given(data=json_mutation(doc))
    def case(data: bytes) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / source.name
            path.write_bytes(data)
            result = parses_or_names_the_problem(reader, lambda: read(path), source.name)
            assert isinstance(result, pa.Table | Exception)

    case()
