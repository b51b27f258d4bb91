"""load_registry / registry_tables over the two self-written YAML files and broken variants."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest

from orchestration.readers.errors import SourceFileError
from orchestration.readers.registry import load_registry, period_bounds, registry_tables

REGISTRY = Path(__file__).resolve().parents[2] / "fixtures" / "registry"


def copy(tmp_path: Path) -> Path:
    target = tmp_path / "registry"
    shutil.copytree(REGISTRY, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def reject(folder: Path) -> SourceFileError:
    with pytest.raises(SourceFileError) as info:
        load_registry(folder)
    return info.value


def test_loads_and_merges_two_files():
    reg = load_registry(REGISTRY)
    assert reg.files == ["governance.yaml", "reports.yaml"]
    assert reg.municipality_code == "0484"
    assert reg.dimension_numbers() == {
        "responsibility": 1,
        "activity": 2,
        "project": 6,
        "object": 22,
    }
    assert reg.object_codes() == {"7101", "7102", "7201"}
    assert reg.initiative_of_object_code()["7201"] == "lovstod"
    assert reg.committee_of_responsibility("4110") == "SN"
    assert reg.committee_of_responsibility("1100") == "KS"
    assert reg.committee_of_responsibility("9999") is None
    assert reg.warnings == [
        "reports.yaml: okänd nyckel 'annual_plan_reference' på översta nivån hoppas över"
    ]


def test_tables_hold_the_registry():
    tables = registry_tables(load_registry(REGISTRY))
    alloc = tables["registry_allocations"]
    assert alloc.schema.field("amount_sek").type == pa.decimal128(18, 2)
    # allocations from both files are concatenated, each keeps its file
    assert [
        (r["initiative_id"], r["year"], r["amount_sek"], r["source_file"])
        for r in alloc.to_pylist()
    ] == [
        ("trygga_unga", 2022, Decimal("14000000.00"), "governance.yaml"),
        ("lovstod", 2022, Decimal("5000000.50"), "governance.yaml"),
        ("trygga_unga", 2023, Decimal("12000000.00"), "reports.yaml"),
    ]
    codes = tables["registry_committee_codes"].to_pylist()
    assert {"committee_id": "KS", "pattern": "10*", "is_prefix": True, "prefix": "10"} in [
        {k: r[k] for k in ("committee_id", "pattern", "is_prefix", "prefix")} for r in codes
    ]
    bodies = {r["body_id"]: r["kind"] for r in tables["registry_bodies"].to_pylist()}
    assert bodies == {
        "KS": "committee",
        "SN": "committee",
        "KFN": "committee",
        "KSAU": "working_committee",
        "KRB": "body",
        "Socialstyrelsen": "authority",
    }
    init = {r["initiative_id"]: r for r in tables["registry_initiatives"].to_pylist()}
    assert init["lovstod"]["funding_order"] == ["state_grant", "mandate", "frame"]
    assert tables["registry_initiative_object_codes"].num_rows == 3
    settings = [(r["key"], r["value"]) for r in tables["registry_ledger_settings"].to_pylist()]
    assert ("dimensions.object", "22") in settings
    assert ("payroll_series", "L") in settings
    assert [v for k, v in settings if k == "cost_account_classes"] == ["4", "5", "6", "7"]
    ind = {r["indicator_id"]: r for r in tables["registry_indicators"].to_pylist()}
    assert ind["nri_trygghet"]["scb_table"] == "ME0003X"
    assert ind["nri_trygghet"]["baseline_value"] == 40.0
    assert ind["kolada_trygghet"]["kolada_kpi"] == "U07402"
    assert ind["kolada_trygghet"]["region"] == "0484"  # defaults to the municipality
    targets = tables["registry_indicator_targets"].to_pylist()
    assert [(t["year"], t["target"]) for t in targets] == [(2020, 45.0), (2021, 47.0), (2022, 49.5)]
    mp = tables["registry_mandate_projects"].to_pylist()[0]
    assert (mp["allocation_per_year"], mp["carry_over"]) == (Decimal("10000000.00"), True)


def test_report_calendar():
    cal = registry_tables(load_registry(REGISTRY))["registry_report_calendar"]
    assert cal.schema.field("due_on").type == pa.date32()
    rows = {(r["body"], r["period"]): r for r in cal.to_pylist()}
    assert set(rows) == {
        ("KS", "2021"),
        ("KS", "2022"),
        ("KRB", "2022-H1"),
        ("KRB", "2022-H2"),
        ("KSAU", "2022-T1"),
        ("KSAU", "2022-T2"),
        ("KSAU", "2022-T3"),
    }
    assert rows[("KS", "2022")]["due_on"] == date(2023, 3, 31)  # 90 days after 31 Dec
    assert rows[("KRB", "2022-H1")]["period_end"] == date(2022, 6, 30)
    assert rows[("KRB", "2022-H1")]["due_on"] == date(2022, 8, 29)
    assert rows[("KSAU", "2022-T2")]["period_start"] == date(2022, 5, 1)
    assert rows[("KSAU", "2022-T2")]["due_on"] == date(2022, 9, 30)
    assert rows[("KRB", "2022-H2")]["initiative_id"] == "programme"


def test_period_bounds():
    assert period_bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert period_bounds("2022-Q4") == (date(2022, 10, 1), date(2022, 12, 31))
    assert period_bounds("2022-T3") == (date(2022, 9, 1), date(2022, 12, 31))


def test_duplicate_object_code(tmp_path: Path):
    folder = copy(tmp_path)
    edit(folder / "governance.yaml", "object_codes: [7201]", 'object_codes: ["7201", "7102"]')
    err = reject(folder)
    assert str(err) == (
        "governance.yaml, key initiatives[1].object_codes[1]: objektkoden '7102' hör redan till "
        "satsningen trygga_unga (governance.yaml, initiatives[0].object_codes[1]); "
        "en objektkod hör till en satsning."
    )


def test_owner_not_a_committee(tmp_path: Path):
    folder = copy(tmp_path)
    edit(
        folder / "governance.yaml",
        "    owner: KS\n    run_by: [KFN]",
        "    owner: GN\n    run_by: [KFN]",
    )
    err = reject(folder)
    assert str(err) == (
        "governance.yaml, key initiatives[1].owner: Nämnden 'GN' finns inte i styrmodellen; "
        "förväntade ett av: KFN, KS, SN."
    )


def test_yaml_syntax_error_names_the_line(tmp_path: Path):
    folder = copy(tmp_path)
    edit(
        folder / "reports.yaml",
        "  - {id: KRB, name: Kommunalrådsberedningen}",
        "  - {id: KRB, name: [}",
    )
    err = reject(folder)
    assert err.file == "reports.yaml"
    assert err.line == 4
    assert err.reason.startswith("YAML-syntaxfel")


def test_allocation_to_unknown_initiative(tmp_path: Path):
    folder = copy(tmp_path)
    edit(
        folder / "reports.yaml",
        "{initiative: trygga_unga, year: 2023",
        "{initiative: trygga, year: 2023",
    )
    err = reject(folder)
    assert str(err) == (
        "reports.yaml, key allocations[0].initiative: Satsningen 'trygga' finns inte i "
        "styrmodellen; förväntade ett av: lovstod, trygga_unga."
    )


def test_same_mapping_key_in_two_files(tmp_path: Path):
    folder = copy(tmp_path)
    (folder / "zz_extra.yaml").write_text("ledger: {dimensions: {responsibility: 1}}\n")
    err = reject(folder)
    assert str(err) == (
        "zz_extra.yaml, key ledger: nyckeln 'ledger' på översta nivån finns redan i "
        "governance.yaml"
    )


def test_only_the_object_dimension_is_required(tmp_path: Path):
    folder = copy(tmp_path)
    edit(folder / "governance.yaml", "project: 6, ", "")
    assert "project" not in load_registry(folder).dimension_numbers()
    edit(folder / "governance.yaml", "object: 22", "objekt: 22")
    err = reject(folder)
    assert str(err) == (
        "governance.yaml, key ledger.dimensions.object: saknas: huvudboken måste ange "
        "SIE-dimensionens nummer för object (den enda dimension som krävs)"
    )


def test_unknown_frequency(tmp_path: Path):
    folder = copy(tmp_path)
    edit(folder / "reports.yaml", "frequency: tertial", "frequency: weekly")
    err = reject(folder)
    assert err.key == "required_reports[2].frequency"
    assert "'weekly' är inte en av yearly, half_yearly, tertial, quarterly, monthly" in err.reason


def test_years_reversed(tmp_path: Path):
    folder = copy(tmp_path)
    edit(
        folder / "governance.yaml",
        "first_year: 2021\n    last_year: 2023",
        "first_year: 2024\n    last_year: 2023",
    )
    err = reject(folder)
    assert str(err) == (
        "governance.yaml, key initiatives[0].last_year: last_year 2023 ligger före first_year 2024"
    )


def test_year_must_be_integer(tmp_path: Path):
    folder = copy(tmp_path)
    edit(folder / "reports.yaml", "year: 2023", 'year: "2023"')
    assert reject(folder).reason == "ska vara ett heltal, inte '2023'"


def test_report_to_unknown_body(tmp_path: Path):
    folder = copy(tmp_path)
    edit(folder / "reports.yaml", "{body: KRB,", "{body: Trygghetsberedningen,")
    err = reject(folder)
    assert err.key == "required_reports[1].body"
    assert err.reason.startswith("Mottagaren (nämnd eller organ) 'Trygghetsberedningen' finns")


def test_unknown_indicator_source_kind(tmp_path: Path):
    folder = copy(tmp_path)
    edit(folder / "governance.yaml", "{kind: kolada, kpi: U07402}", "{kind: excel, file: x.xlsx}")
    err = reject(folder)
    assert str(err) == (
        "governance.yaml, key indicators[1].source.kind: okänd källa 'excel': "
        "förväntade scb, kolada eller survey"
    )


def test_scb_indicator_needs_region(tmp_path: Path):
    folder = copy(tmp_path)
    edit(folder / "governance.yaml", ', region: "0484"}', "}")
    err = reject(folder)
    assert (err.key, err.reason) == ("indicators[0].source.region", "saknas eller är tomt")


def test_unknown_funding_source_in_order(tmp_path: Path):
    folder = copy(tmp_path)
    edit(
        folder / "governance.yaml",
        "funding_order: [state_grant, mandate]\n",
        "funding_order: [grant, mandate]\n",
    )
    err = reject(folder)
    assert err.key == "initiatives[0].funding_order[0]"


def test_repeated_key_in_one_mapping(tmp_path: Path):
    folder = copy(tmp_path)
    edit(
        folder / "governance.yaml",
        "    owner: KS\n    run_by: [SN, KFN]",
        "    owner: KS\n    owner: SN\n    run_by: [SN, KFN]",
    )
    err = reject(folder)
    assert err.file == "governance.yaml"
    assert err.line == 25
    assert "nyckeln 'owner' upprepas i samma mappning (först på rad 24)" in err.reason


def test_unknown_entry_key_warns(tmp_path: Path):
    folder = copy(tmp_path)
    edit(folder / "governance.yaml", "    name: Lovstöd\n", "    name: Lovstöd\n    contact: Eva\n")
    reg = load_registry(folder)
    assert "governance.yaml, initiatives[1].contact: okänd nyckel, hoppas över" in reg.warnings


def test_empty_folder(tmp_path: Path):
    (tmp_path / "registry").mkdir()
    assert (
        str(reject(tmp_path / "registry"))
        == "registry: mappen har inga styrmodellsfiler (*.yaml eller styrmodell.xlsx)"
    )


@pytest.mark.parametrize(("old", "new", "key", "words"), [
    ("activity: 2,", "Activity-1: 2,", "ledger.dimensions.Activity-1", "små bokstäver"),
    ("activity: 2,", "counterpart: 7,", "ledger.dimensions.counterpart", "personuppgifter"),
])
def test_dimension_names_become_columns_and_7_is_never_read(tmp_path: Path, old: str,
                                                            new: str, key: str, words: str):
    folder = copy(tmp_path)
    edit(folder / "governance.yaml", old, new)
    err = reject(folder)
    assert (err.file, err.key) == ("governance.yaml", key)
    assert words in err.reason


def test_any_other_dimension_with_any_number(tmp_path: Path):
    folder = copy(tmp_path)
    edit(folder / "governance.yaml", "{responsibility: 1, activity: 2, project: 6, object: 22}",
         "{counterpart: 9, free_1: 12, object: 30}")
    reg = load_registry(folder)
    assert reg.dimension_numbers() == {"counterpart": 9, "free_1": 12, "object": 30}
