"""`uppfoljning registry-template` and `uppfoljning registry-export`: the registry written as
an empty workbook, or converted between the workbook and the YAML files."""

from __future__ import annotations

from pathlib import Path

from orchestration.onboarding.document import SECTIONS, registry_document
from orchestration.onboarding.workbook_writer import write_workbook
from orchestration.onboarding.yaml_writer import write_yaml
from orchestration.readers.errors import SourceFileError
from orchestration.readers.registry import load_registry
from orchestration.readers.registry.load import registry_files
from orchestration.readers.registry.workbook_layout import WORKBOOK_NAME


def empty_document() -> dict:
    doc: dict = {key: [] for key in SECTIONS}
    doc["municipality"] = {}
    doc["ledger"] = {"dimensions": {}}
    return doc


def write_template(out: Path, force: bool = False) -> int:
    if out.exists() and not force:
        print(f"{out} finns redan; ingenting skrevs (--force skriver över)")
        return 2
    write_workbook(empty_document(), out)
    print(f"Tom styrmodell skriven till {out}: fyll i bladen och lägg den i raw/registry/")
    return 0


def export(registry_dir: Path, fmt: str, out: Path | None, in_place: bool) -> int:
    """Read the registry (either form), check it, and write it in the other form."""
    try:
        reg = load_registry(registry_dir)
    except SourceFileError as exc:
        print(f"Styrmodellen i {registry_dir} kan inte läsas: {exc}")
        return 2
    doc = registry_document(reg)
    target = registry_dir if in_place else (out or Path("registry-export"))
    old_yaml, old_books = registry_files(registry_dir)
    if fmt == "xlsx":
        path = target / WORKBOOK_NAME
        if path.exists() and not in_place:
            print(f"{path} finns redan; ingenting skrevs")
            return 2
        write_workbook(doc, path)
        written = [path]
        removed = old_yaml if in_place else []
    else:
        existing = [p for p in target.glob("*.yaml")] if target.exists() else []
        if existing and not in_place:
            print(f"{target} har redan YAML-filer; ingenting skrevs")
            return 2
        for p in existing if in_place else []:
            p.unlink()
        written = write_yaml(doc, target)
        removed = old_books if in_place else []
    for p in removed:
        p.unlink()
    print(f"Styrmodellen ({len(reg.initiatives)} satsningar, {len(reg.committees)} nämnder) "
          f"skriven som {fmt}: " + ", ".join(str(p) for p in written))
    if removed:
        print("Borttaget (nu i den nya formen): " + ", ".join(p.name for p in removed))
    return 0
