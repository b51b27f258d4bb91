"""The registry as an Excel workbook: the round trip YAML -> xlsx -> YAML is identical for every
sample profile, and each broken workbook gives its sheet, cell and Swedish reason and keeps the
last good registry in the warehouse."""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

from orchestration import landing
from orchestration.defs.registry.assets import TABLES, registry_delivery, registry_reader
from orchestration.onboarding.document import registry_document
from orchestration.onboarding.workbook_writer import write_workbook
from orchestration.onboarding.yaml_writer import yaml_texts
from orchestration.readers.errors import SourceFileError
from orchestration.readers.registry import load_registry, registry_tables


def _profiles() -> list[str | None]:
    """Every profile the sample generator offers (None: the generator has no profiles)."""
    try:
        from orchestration.sample.profiles import PROFILES
    except ImportError:
        return [None]
    return sorted(PROFILES)


def _profile_registry(profile: str | None, sample_raw: Path, tmp: Path) -> Path:
    if profile in (None, "eskilstuna"):
        return sample_raw / "registry"  # the session's sample: the default profile
    from orchestration.sample.profiles import generate_profile

    raw = tmp / f"raw_{profile}"
    generate_profile(profile, raw)
    return raw / "registry"


def _without_source_file(tables: dict) -> dict:
    return {name: t.drop_columns(["source_file"]).to_pylist() for name, t in tables.items()}


@pytest.mark.parametrize("profile", _profiles())
def test_round_trip_yaml_xlsx_yaml_is_identical(profile, sample_raw: Path, tmp_path: Path):
    yaml_dir = _profile_registry(profile, sample_raw, tmp_path)
    from_yaml = load_registry(yaml_dir)
    book_dir = tmp_path / "book"
    write_workbook(registry_document(from_yaml), book_dir / "styrmodell.xlsx")
    from_book = load_registry(book_dir)
    assert registry_document(from_book) == registry_document(from_yaml)
    assert yaml_texts(registry_document(from_book)) == yaml_texts(registry_document(from_yaml))
    # what lands in the warehouse is the same, row for row
    assert _without_source_file(registry_tables(from_book)) == \
        _without_source_file(registry_tables(from_yaml))
    assert {w.split(": ", 1)[-1] for w in from_book.warnings} == \
        {w.split(": ", 1)[-1] for w in from_yaml.warnings}


@pytest.fixture(scope="module")
def good_book(sample_raw: Path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("good") / "styrmodell.xlsx"
    return write_workbook(registry_document(load_registry(sample_raw / "registry")), path)


def _set(sheet: str, ref: str, value) -> Callable:
    def change(wb: openpyxl.Workbook) -> None:
        wb[sheet][ref] = value
    return change


def _rename_header(wb):
    wb["Satsningar"]["C1"] = "Ägande nämnd"


def _duplicate_code(wb):
    ws = wb["Objektkoder"]
    ws["A3"] = ws["A2"].value


def _merge(wb):
    wb["Nämnder"].merge_cells("B2:C2")


def _hidden_copy(wb):
    stale = wb.copy_worksheet(wb["Satsningar"])
    stale.title = "Satsningar (gammal)"
    stale.sheet_state = "hidden"


def _formula(wb):
    wb["Anslag"]["D2"] = "=1/0"


def _cached_error(path: Path) -> None:
    """Give Anslag!D2's formula the cached #DIV/0! Excel would store after calculating it
    (openpyxl writes formulas without a value)."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    wb = openpyxl.load_workbook(path)
    index = wb.sheetnames.index("Anslag") + 1
    name = f"xl/worksheets/sheet{index}.xml"
    xml, n = re.subn(r'<c r="D2"[^>]*><f>1/0</f><v\s*/?>(?:</v>)?</c>',
                     '<c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c>', parts[name].decode())
    assert n == 1
    parts[name] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for part, data in parts.items():
            z.writestr(part, data)


# (case, change, after-save fix, place, words the message must hold)
BROKEN = [
    ("missing sheet", lambda wb: wb.remove(wb["Anslag"]), None, "Anslag",
     'bladet "Anslag" saknas'),
    ("renamed header", _rename_header, None, "Satsningar!C1",
     'rubriken "Ägare" saknas (här står "Ägande nämnd")'),
    ("unknown committee", _set("Satsningar", "C3", "SNN"), None, "Satsningar!C3",
     'nämnden "SNN" finns inte i bladet Nämnder'),
    ("duplicate object code", _duplicate_code, None, "Objektkoder!A3",
     "står redan i Objektkoder!A2"),
    ("text in an amount", _set("Anslag", "D3", "fem miljoner"), None, "Anslag!D3",
     'beloppet "fem miljoner" är text, inte ett tal'),
    ("date typed as text", _set("Satsningar", "F2", "2021-01-01"), None, "Satsningar!F2",
     '"2021-01-01" är ett datum skrivet som text, inte ett år'),
    ("date in a year cell", _set("Anslag", "B2", date(2022, 1, 1)), None, "Anslag!B2",
     "året är ett datum (2022-01-01)"),
    ("merged cells", _merge, None, "Nämnder!B2:C2", "sammanslagna celler"),
    ("empty required cell", _set("Satsningar", "B4", None), None, "Satsningar!B4",
     'cellen är tom; "Namn" måste fyllas i'),
    ("formula yielding an error", _formula, _cached_error, "Anslag!D2",
     "formeln ger felet #DIV/0!"),
    ("formula never calculated", _set("Anslag", "D2", "=SUM(1,2)"), None, "Anslag!D2",
     "har inget beräknat värde"),
    ("hidden sheet with stale data", _hidden_copy, None, "Satsningar (gammal)",
     'bladet "Satsningar (gammal)" är dolt'),
    ("unknown frequency", _set("Rapporter", "D2", "varannan vecka"), None, "Rapporter!D2",
     'frekvensen "varannan vecka" finns inte'),
    ("years reversed (a cross-check, placed in its cell)", _set("Satsningar", "G2", 2019),
     None, "Satsningar!G2", "2019"),
    ("unknown area of an indicator", _set("Indikatorområden", "B2", "norr"), None,
     "Indikatorområden!B2", 'området "norr" finns inte i bladet Områden'),
    ("unknown goal level", _set("Mål", "C2", "delmål"), None, "Mål!C2",
     'nivån "delmål" finns inte'),
    ("whole-municipality row with another code", _set("Områden", "A2", "0999"), None,
     "Områden!A2", 'ska ha kommunkoden "0484"'),
    ("unknown goal of an indicator", _set("Indikatorer", "P2", "okänt_mål"), None,
     "Indikatorer!P2", 'målet "okänt_mål" finns inte i bladet Mål'),
    ("goal under the wrong level (a follow-up check, placed in its cell)",
     _set("Mål", "D3", "alla_trygga"), None, "Mål!D3", "nivån strategic"),
]


@pytest.fixture(scope="module")
def loaded_warehouse(good_book: Path, tmp_path_factory):
    """A warehouse holding the good workbook's registry, as the nightly landed it."""
    root = tmp_path_factory.mktemp("landed")
    folder = root / "registry"
    folder.mkdir()
    shutil.copy(good_book, folder / "styrmodell.xlsx")
    conn = landing.connect(root / "governance.duckdb")
    outcomes = landing.ingest(conn, "registry", registry_delivery(folder),
                              registry_reader(folder, []), TABLES, root / "q")
    assert [o.status for o in outcomes] == ["loaded"]
    yield conn, folder, root
    conn.close()


def _landed(conn: duckdb.DuckDBPyConnection) -> dict[str, list]:
    return {t: conn.execute(f"select * exclude (registry_file) from landing.{t} "
                            "order by all").fetchall() for t in TABLES}


@pytest.mark.parametrize(("case", "change", "fix", "place", "words"), BROKEN,
                         ids=[b[0] for b in BROKEN])
def test_broken_workbook_names_the_cell_and_keeps_the_last_good_registry(
        case, change, fix, place, words, good_book: Path, loaded_warehouse, tmp_path: Path):
    conn, folder, root = loaded_warehouse
    before = _landed(conn)
    wb = openpyxl.load_workbook(good_book)
    change(wb)
    bad = folder / "styrmodell.xlsx"
    wb.save(bad)
    if fix:
        fix(bad)
    with pytest.raises(SourceFileError) as err:
        load_registry(folder)
    assert str(err.value).startswith(f"styrmodell.xlsx, {place}: "), str(err.value)
    assert words in str(err.value)
    [outcome] = landing.ingest(conn, "registry", registry_delivery(folder),
                               registry_reader(folder, []), TABLES, root / "q")
    assert outcome.status == "quarantined"
    assert place in outcome.reason
    assert _landed(conn) == before


def test_yaml_and_workbook_together_is_a_named_error(good_book: Path, sample_raw: Path,
                                                      tmp_path: Path):
    folder = tmp_path / "registry"
    shutil.copytree(sample_raw / "registry", folder)
    shutil.copy(good_book, folder / "styrmodell.xlsx")
    with pytest.raises(SourceFileError, match="både YAML-filer .* och arbetsboken "
                                              "styrmodell.xlsx finns"):
        load_registry(folder)


def test_template_is_empty_and_says_what_to_fill_in(tmp_path: Path):
    from orchestration.onboarding.convert import write_template

    out = tmp_path / "registry" / "styrmodell.xlsx"
    assert write_template(out) == 0
    assert write_template(out) == 2  # never overwritten without --force
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:2] == ["Instruktioner", "Kommun"]
    for name in ("Nämnder", "Satsningar", "Objektkoder", "Mandatprojekt", "Finansiering",
                 "Anslag", "Områden", "Mål", "Jämförelsegrupper", "Indikatorer",
                 "Indikatorområden", "Målvärden", "Rapporter"):
        ws = wb[name]
        assert ws.freeze_panes == "A2" and ws.max_row == 1, name
    lists = {str(dv.sqref).split(":")[0]: dv.formula1
             for dv in wb["Satsningar"].data_validations.dataValidation}
    assert lists["C2"] == "'Nämnder'!$A$2:$A$500"  # Ägare: the committee ids
    assert lists["H2"] == "'Mål'!$A$2:$A$500"  # the goal an initiative serves
    assert lists["I2"] == "'Finansiering'!$A$2:$A$500"  # the funding order
    assert "D2" not in lists  # Utförs av holds several committees: no single-item list
    levels = {str(dv.sqref).split(":")[0]: dv.formula1
              for dv in wb["Mål"].data_validations.dataValidation}
    assert levels["C2"] == '"vision,strategiskt mål,processmål"'
    assert levels["D2"] == "'Mål'!$A$2:$A$500"
    freq = wb["Rapporter"].data_validations.dataValidation[-1].formula1
    assert "halvår" in freq and "kvartal" in freq
    with pytest.raises(SourceFileError, match=r"^styrmodell.xlsx, Kommun!B2: "):
        load_registry(out.parent)  # an empty template names its first empty required cell
