"""`uppfoljning init` drafts a registry from real SIE exports that `check` reads, and on the
sample's own ledger proposes every initiative object code with its name; `uppfoljning check`
gives 0 / 1 / 2 and names the cell of a workbook problem."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import openpyxl
import pytest

from orchestration.cli import main
from orchestration.onboarding.check import check
from orchestration.readers.registry import load_registry

# as tests/conftest.py's SHARED_FIXTURES: the shared fixtures beside the repository
SHARED_FIXTURES = Path(os.environ.get("SHARED_FIXTURES", Path(__file__).resolve().parents[4]
                                      / "shared" / "fixtures"))
REAL_EXPORTS = sorted((SHARED_FIXTURES / "sie").glob("*.[sS][eEiI]")) if (
    SHARED_FIXTURES / "sie").is_dir() else []


def _init(raw: Path, *exports: Path, extra: tuple[str, ...] = ()) -> int:
    args = ["init", "--raw-dir", str(raw)]
    for e in exports:
        args += ["--from", str(e)]
    return main(args + list(extra))


def test_init_on_the_sample_ledger_proposes_every_initiative_code(sample_raw: Path,
                                                                   tmp_path: Path, capsys):
    raw = tmp_path / "raw"
    exports = sorted((sample_raw / "ledger").glob("*.se"))
    assert _init(raw, *exports, extra=("--municipality-code", "0484")) == 0
    out = capsys.readouterr().out
    assert "Att göra (TODO):" in out and "Satsningar: fyll i" in out
    wb = openpyxl.load_workbook(raw / "registry" / "styrmodell.xlsx")
    candidates = {r[0]: r[2] for r in wb["Objektkoder"].iter_rows(min_row=2, values_only=True)}
    real = load_registry(sample_raw / "registry")
    for initiative in real.initiatives:
        for code in initiative.object_codes:
            assert candidates.get(code) == initiative.name, code
    dims = {r[0]: r[1] for r in wb["Dimensioner"].iter_rows(min_row=2, values_only=True)}
    assert dims == {"ansvar": 1, "projekt": 6, "verksamhet": 21, "objekt": 22}
    draft = load_registry(raw / "registry")  # the draft reads as it stands
    assert [p.code for p in draft.mandate_projects] == ["9120", "9130"]
    assert draft.ledger["cost_account_classes"] == ["4", "5", "6", "7"]
    assert _init(raw, *exports) == 2  # never overwritten without --force
    assert "ingenting skrevs" in capsys.readouterr().out


def _other_profiles() -> list[str]:
    try:
        from orchestration.sample.profiles import DEFAULT_PROFILE, PROFILES
    except ImportError:
        return []
    return sorted(set(PROFILES) - {DEFAULT_PROFILE})


@pytest.mark.parametrize("profile", _other_profiles())
def test_init_on_another_profiles_ledger(profile: str, tmp_path: Path, capsys):
    """A municipality of another shape (other dimension numbers, period files): the draft
    names its dimensions and proposes every initiative code of its real registry."""
    from orchestration.sample.profiles import generate_profile

    sample = tmp_path / "sample"
    generate_profile(profile, sample)
    real = load_registry(sample / "registry")
    raw = tmp_path / "raw"
    exports = sorted(p for p in (sample / "ledger").rglob("*") if p.suffix.lower() in
                     (".se", ".si", ".sie"))
    assert _init(raw, *exports, extra=("--municipality-code", real.municipality_code)) == 0
    assert "Att göra (TODO):" in capsys.readouterr().out
    draft = load_registry(raw / "registry")
    assert draft.dimension_numbers()["object"] == real.dimension_numbers()["object"]
    wb = openpyxl.load_workbook(raw / "registry" / "styrmodell.xlsx")
    candidates = {r[0] for r in wb["Objektkoder"].iter_rows(min_row=2, values_only=True)}
    assert real.object_codes() <= candidates
    shutil.copytree(sample / "ledger", raw / "ledger")
    assert check(raw)  # the draft against the real ledger: read, every item a sentence


@pytest.mark.skipif(not REAL_EXPORTS, reason="the shared SIE fixtures are absent")
@pytest.mark.parametrize("export", REAL_EXPORTS, ids=[p.name for p in REAL_EXPORTS])
def test_init_on_real_exports_gives_a_registry_check_reads(export: Path, tmp_path: Path,
                                                           capsys):
    raw = tmp_path / "raw"
    (raw / "ledger").mkdir(parents=True)
    shutil.copy(export, raw / "ledger" / export.name)
    status = _init(raw, export)
    out = capsys.readouterr().out
    if status == 2:  # the reader refuses the file: said in a sentence, nothing written
        assert "SIE-filen kan inte läsas" in out
        assert not (raw / "registry").exists()
        return
    assert status == 0 and "Att göra (TODO):" in out
    items = check(raw)  # reads the draft and the export; names what still blocks
    assert items and all(i.message for i in items)
    assert any(i.file.startswith("registry") for i in items)


def test_check_exit_codes_and_the_cell_of_a_workbook_problem(sample_raw: Path, tmp_path: Path,
                                                             capsys):
    raw = tmp_path / "raw"
    for part in ("registry", "ledger"):  # the payroll files would only add reading time
        shutil.copytree(sample_raw / part, raw / part)
    assert main(["registry-export", str(raw), "--format", "xlsx", "--in-place"]) == 0
    book = raw / "registry" / "styrmodell.xlsx"
    capsys.readouterr()
    assert main(["check", str(raw)]) == 0
    assert "Leveransen är i ordning." in capsys.readouterr().out
    wb = openpyxl.load_workbook(book)
    wb["Objektkoder"]["A2"] = "9999"  # a code no ledger line uses: a warning
    wb.save(book)
    assert main(["check", str(raw), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    [warning] = [i for i in data["items"] if i["status"] == "warning"]
    assert warning["place"] == "Objektkoder!A2" and "9999" in warning["message"]
    wb["Satsningar"]["C3"] = "SNN"  # an unknown committee: blocks
    wb.save(book)
    assert main(["check", str(raw)]) == 2
    out = capsys.readouterr().out
    assert 'Satsningar!C3: nämnden "SNN" finns inte i bladet Nämnder' in out
    assert "STOPP" in out
