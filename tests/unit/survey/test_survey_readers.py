"""JSON-stat 2.0 and Kolada v3 readers: shapes, missing cells, and rejected files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from orchestration.readers.errors import SourceFileError
from orchestration.readers.jsonstat import jsonstat_observations, read_jsonstat
from orchestration.readers.kolada import read_kolada


def _write(tmp_path: Path, name: str, doc: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _dataset(**overrides: Any) -> dict[str, Any]:
    """A 2 x 2 dataset: Region (0484, 0180) by Tid (2019, 2020)."""
    doc: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "id": ["Region", "Tid"],
        "size": [2, 2],
        "dimension": {
            "Region": {"category": {"index": ["0484", "0180"]}},
            "Tid": {"category": {"index": {"2019": 0, "2020": 1}}},
        },
        "value": [1.0, 2.0, 3.0, 4.0],
    }
    doc.update(overrides)
    return doc


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    return table.to_pylist()


# --- the real SCB response (kept outside the repository) -------------------------------


def test_real_scb_tab4242_long_table(shared_pxweb: Path) -> None:
    path = shared_pxweb / "scb_v2_TAB4242_data_jsonstat2.json"
    if not path.is_file():
        pytest.skip("scb_v2_TAB4242_data_jsonstat2.json is absent")
    table = read_jsonstat(path)

    assert table.column_names == [
        "Region", "Verksomrkom", "ContentsCode", "Tid", "value", "status", "source_file"
    ]  # fmt: skip
    assert table.num_rows == 22 * 13
    assert table.schema.field("value").type == pa.float64()
    nulls = pc.is_null(table["value"])
    assert pc.sum(nulls).as_py() == 33
    # Missing is exactly "null with status ..": never zero, never a flag on a real number.
    assert table.filter(nulls)["status"].to_pylist() == [".."] * 33
    assert table.filter(pc.invert(nulls))["status"].null_count == table.num_rows - 33
    assert set(table["source_file"].to_pylist()) == {path.name}

    # The activity dimension's index object is not in code order ("4" before "3").
    rows = {(r["Region"], r["Verksomrkom"]): r for r in _rows(table)}
    assert rows[("00", "0")]["value"] == 77086
    assert rows[("00", "4")]["value"] == 29762
    assert rows[("00", "3")]["value"] == 9247
    assert rows[("00", "940-980")]["value"] == 0  # a real zero stays zero
    assert rows[("00", "940-980")]["status"] is None
    assert rows[("01L", "940-980")]["value"] is None
    assert rows[("01L", "940-980")]["status"] == ".."
    assert rows[("01L", "Jamf")]["value"] == 340


def test_real_scb_tab4242_observations(shared_pxweb: Path) -> None:
    path = shared_pxweb / "scb_v2_TAB4242_data_jsonstat2.json"
    if not path.is_file():
        pytest.skip("scb_v2_TAB4242_data_jsonstat2.json is absent")
    obs = jsonstat_observations(path)

    assert obs.num_rows == 286
    assert set(obs["table_id"].to_pylist()) == {"TAB4242"}  # from extension.px.tableid
    assert set(obs["period"].to_pylist()) == {"2024"}  # time role
    assert set(obs["contents_code"].to_pylist()) == {"000000A7"}  # metric role
    assert len(set(obs["region"].to_pylist())) == 22  # no geo role: the dimension named Region
    first = _rows(obs.slice(0, 1))[0]
    assert first["other_dimensions"] == '{"Verksomrkom":"0"}'
    assert pc.sum(pc.is_null(obs["value"])).as_py() == 33
    assert obs.filter(pc.is_null(obs["value"]))["status"].unique().to_pylist() == [".."]


def test_real_scb_metadata_is_not_data(shared_pxweb: Path) -> None:
    path = shared_pxweb / "scb_v2_TAB4199_metadata.json"
    if not path.is_file():
        pytest.skip("scb_v2_TAB4199_metadata.json is absent")
    # A /metadata answer is JSON-stat without values: rejected, with the reason spelled out.
    with pytest.raises(SourceFileError, match="0 cells .* metadata response") as caught:
        read_jsonstat(path)
    assert caught.value.file == path.name
    assert caught.value.key == "value"


# --- self-written NRI Trygghet-like table -----------------------------------------------


def test_nri_fixture_long_table(survey_fixtures: Path) -> None:
    table = read_jsonstat(survey_fixtures / "nri_trygghet_jsonstat2.json")

    assert table.column_names[:4] == ["Region", "Kon", "ContentsCode", "Tid"]
    assert [(r["Region"], r["Tid"], r["value"], r["status"]) for r in _rows(table)] == [
        ("0484", "2018", 41.0, None),
        ("0484", "2019", 40.0, None),
        ("0484", "2020", None, ".."),
        ("0180", "2018", 52.0, None),
        ("0180", "2019", 53.0, None),
        ("0180", "2020", 54.5, None),
    ]
    # A single category given only as a label still has its code.
    assert set(table["Kon"].to_pylist()) == {"1+2"}


def test_nri_fixture_observations(survey_fixtures: Path) -> None:
    path = survey_fixtures / "nri_trygghet_jsonstat2.json"
    obs = jsonstat_observations(path, table_id="ME0003T")

    assert obs.schema.names == [
        "source_file", "table_id", "region", "period", "contents_code",
        "other_dimensions", "value", "status",
    ]  # fmt: skip
    eskilstuna_2020 = obs.filter(
        pc.and_(pc.equal(obs["region"], "0484"), pc.equal(obs["period"], "2020"))
    )
    assert _rows(eskilstuna_2020) == [
        {
            "source_file": "nri_trygghet_jsonstat2.json",
            "table_id": "ME0003T",
            "region": "0484",
            "period": "2020",
            "contents_code": "ME0003T1",
            "other_dimensions": '{"Kon":"1+2"}',
            "value": None,
            "status": "..",
        }
    ]


def test_observations_need_a_table_id(survey_fixtures: Path) -> None:
    with pytest.raises(SourceFileError, match="cannot tell which SCB table"):
        jsonstat_observations(survey_fixtures / "nri_trygghet_jsonstat2.json")


def test_observations_take_table_id_from_sidecar(survey_fixtures: Path, tmp_path: Path) -> None:
    path = tmp_path / "nri.json"
    path.write_bytes((survey_fixtures / "nri_trygghet_jsonstat2.json").read_bytes())
    (tmp_path / "nri.json.meta.json").write_text('{"table_id": "ME0003T"}', encoding="utf-8")
    obs = jsonstat_observations(path, source_file="scb/nri.json")
    assert set(obs["table_id"].to_pylist()) == {"ME0003T"}
    assert set(obs["source_file"].to_pylist()) == {"scb/nri.json"}


def test_observations_without_other_dimensions(tmp_path: Path) -> None:
    obs = jsonstat_observations(_write(tmp_path, "scb_TAB1_x_1.json", _dataset()))
    assert set(obs["table_id"].to_pylist()) == {"TAB1"}  # from the client's file name
    assert set(obs["other_dimensions"].to_pylist()) == {"{}"}
    assert obs["contents_code"].null_count == 4  # no metric dimension: NULL, not invented


# --- the shapes JSON-stat allows ----------------------------------------------------------


def test_sparse_value_object_and_status_string(tmp_path: Path) -> None:
    doc = _dataset(value={"0": 1.5, "3": 2}, status="p")
    table = read_jsonstat(_write(tmp_path, "sparse.json", doc))
    assert table["value"].to_pylist() == [1.5, None, None, 2.0]
    assert table["status"].to_pylist() == ["p"] * 4


def test_sparse_value_object_with_explicit_null(tmp_path: Path) -> None:
    doc = _dataset(value={"1": None, "2": 0}, status={"1": ".."})
    table = read_jsonstat(_write(tmp_path, "sparse.json", doc))
    assert table["value"].to_pylist() == [None, None, 0.0, None]
    assert table["status"].to_pylist() == [None, "..", None, None]


def test_status_array_and_dimension_order(tmp_path: Path) -> None:
    doc = _dataset(value=[1, None, 3, 4], status=[None, "..", "", "p"])
    table = read_jsonstat(_write(tmp_path, "arr.json", doc))
    assert [(r["Region"], r["Tid"]) for r in _rows(table)] == [
        ("0484", "2019"), ("0484", "2020"), ("0180", "2019"), ("0180", "2020")
    ]  # fmt: skip
    assert table["status"].to_pylist() == [None, "..", None, "p"]


def test_size_zero_gives_an_empty_table(tmp_path: Path) -> None:
    doc = _dataset(size=[2, 0], value=[])
    doc["dimension"]["Tid"]["category"]["index"] = []
    table = read_jsonstat(_write(tmp_path, "empty.json", doc))
    assert table.num_rows == 0
    assert table.schema.field("value").type == pa.float64()


# --- rejected files -----------------------------------------------------------------------


def test_truncated_file_names_file_and_position(survey_fixtures: Path) -> None:
    with pytest.raises(SourceFileError) as caught:
        read_jsonstat(survey_fixtures / "nri_trygghet_truncated.json")
    err = caught.value
    assert err.file == "nri_trygghet_truncated.json"
    assert err.line is not None and err.line > 30
    assert "nri_trygghet_truncated.json" in str(err)
    assert f"line {err.line}, column " in str(err)
    assert "truncated" in str(err)


@pytest.mark.parametrize(
    ("change", "message", "key"),
    [
        ({"version": "1.0"}, "not JSON-stat 2.0: version", "version"),
        ({"class": "collection"}, "not a JSON-stat dataset", "class"),
        ({"size": [2]}, "'size' must be one", "size"),
        ({"value": [1, 2, 3]}, "3 cells but the sizes multiply to 4", "value"),
        ({"id": ["Region", "Kon"]}, "unknown dimension 'Kon'", "id[1]"),
        ({"role": {"geo": ["Kommun"]}}, "unknown dimension 'Kommun'", "role.geo"),
        ({"value": [1, "x", 3, 4]}, "not a number", "value[1]"),
        ({"value": [1, True, 3, 4]}, "not a number", "value[1]"),
        ({"value": {"4": 1}}, "not a cell index", "value.4"),
        ({"status": {"9": ".."}}, "not a cell index", "status.9"),
        ({"status": ["..", ".."]}, "2 entries for 4 cells", "status"),
    ],
)
def test_bad_datasets(tmp_path: Path, change: dict[str, Any], message: str, key: str) -> None:
    doc = _dataset(**change)
    with pytest.raises(SourceFileError, match=message) as caught:
        read_jsonstat(_write(tmp_path, "bad.json", doc))
    assert caught.value.key == key
    assert caught.value.file == "bad.json"


@pytest.mark.parametrize("field", ["version", "class", "id", "size", "dimension", "value"])
def test_missing_required_field(tmp_path: Path, field: str) -> None:
    doc = _dataset()
    del doc[field]
    with pytest.raises(SourceFileError, match=f"missing '{field}'"):
        read_jsonstat(_write(tmp_path, "bad.json", doc))


def test_category_count_must_match_size(tmp_path: Path) -> None:
    doc = _dataset()
    doc["dimension"]["Region"]["category"]["index"] = ["0484"]
    with pytest.raises(SourceFileError, match="1 categories but size says 2"):
        read_jsonstat(_write(tmp_path, "bad.json", doc))


def test_empty_and_non_utf8_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    with pytest.raises(SourceFileError, match="empty"):
        read_jsonstat(empty)
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"label": "Sörmland"}'.encode("latin-1"))
    with pytest.raises(SourceFileError, match="not UTF-8"):
        read_jsonstat(latin)


# --- Kolada v3 ----------------------------------------------------------------------------


def test_kolada_two_pages(survey_fixtures: Path) -> None:
    pages = sorted(survey_fixtures.glob("kolada_U07414_0484_2019-2022_p*.json"))
    assert len(pages) == 2
    table = read_kolada(pages)

    assert table.schema.names == [
        "kpi", "municipality", "period", "gender", "status", "value", "source_file"
    ]  # fmt: skip
    assert table.schema.field("period").type == pa.int32()
    assert table.num_rows == 6
    assert [(r["period"], r["gender"], r["value"], r["status"]) for r in _rows(table)] == [
        (2019, "T", 61.5, None),
        (2019, "K", 57.0, None),
        (2019, "M", 66.25, None),
        (2020, "T", 63.0, None),
        (2021, "T", None, "Uppgift saknas"),
        (2022, "T", 64.0, None),
    ]
    assert table["source_file"].to_pylist()[:4] == [pages[0].name] * 4
    assert table["source_file"].to_pylist()[4:] == [pages[1].name] * 2
    assert set(table["kpi"].to_pylist()) == {"U07414"}
    assert set(table["municipality"].to_pylist()) == {"0484"}


def test_kolada_single_file_and_empty_page(survey_fixtures: Path, tmp_path: Path) -> None:
    one = read_kolada(survey_fixtures / "kolada_U07414_0484_2019-2022_p2.json")
    assert one.num_rows == 2
    empty = read_kolada(_write(tmp_path, "k.json", {"count": 0, "values": [], "next_url": None}))
    assert empty.num_rows == 0
    assert empty.schema.field("value").type == pa.float64()


@pytest.mark.parametrize(
    ("doc", "message", "key"),
    [
        ({"count": 0}, "no 'values' array", "values"),
        (
            {"values": [{"kpi": "N1", "period": 2020, "values": []}]},
            "no 'municipality'",
            "values[0]",
        ),
        (
            {"values": [{"kpi": "N1", "ou": "V1", "period": 2020, "values": []}]},
            "organisational-unit",
            "values[0]",
        ),
        (
            {"values": [{"kpi": "N1", "municipality": "0484", "period": "2020H1", "values": []}]},
            "period must be a year",
            "values[0].period",
        ),
        (
            {
                "values": [
                    {
                        "kpi": "N1",
                        "municipality": "0484",
                        "period": 2020,
                        "values": [{"gender": "T", "value": "12,5"}],
                    }
                ]
            },
            "value must be a number",
            "values[0].values[0].value",
        ),
    ],
)
def test_kolada_bad_files(tmp_path: Path, doc: Any, message: str, key: str) -> None:
    with pytest.raises(SourceFileError, match=message) as caught:
        read_kolada(_write(tmp_path, "kolada.json", doc))
    assert caught.value.key == key


def test_kolada_truncated_page(survey_fixtures: Path, tmp_path: Path) -> None:
    text = (survey_fixtures / "kolada_U07414_0484_2019-2022_p1.json").read_text(encoding="utf-8")
    cut = tmp_path / "kolada_cut.json"
    cut.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(SourceFileError, match=r"kolada_cut\.json, line \d+.*column \d+"):
        read_kolada(cut)
