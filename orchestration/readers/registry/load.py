"""Finding the registry in raw/registry/ (YAML files or the workbook styrmodell.xlsx), and
building one Registry from it."""

from __future__ import annotations

import logging
from pathlib import Path

from orchestration.readers.errors import SourceFileError
from orchestration.readers.registry.cross_checks import cross_check
from orchestration.readers.registry.model import Registry
from orchestration.readers.registry.sections import build_registry
from orchestration.readers.registry.yaml_files import merge_files

log = logging.getLogger(__name__)

YAML_SUFFIXES = (".yaml", ".yml")
WORKBOOK_SUFFIXES = (".xlsx",)


def registry_files(registry_dir: Path) -> tuple[list[Path], list[Path]]:
    """The YAML files and the workbooks in the folder (Excel's ~$ lock files left out)."""
    files = sorted(p for p in Path(registry_dir).iterdir()
                   if p.is_file() and not p.name.startswith(("~$", ".")))
    yaml_paths = [p for p in files if p.suffix.lower() in YAML_SUFFIXES]
    workbooks = [p for p in files if p.suffix.lower() in WORKBOOK_SUFFIXES]
    return yaml_paths, workbooks


def load_registry(registry_dir: Path, check: bool = True) -> Registry:
    """Read the registry in `registry_dir`: every *.yaml / *.yml merged, or the one workbook.
    A folder holding both is an error: two versions of the registry, and no telling which
    one the controllers keep.

    Raises SourceFileError naming the file and key path (or sheet and cell) of the first
    problem. `check=False` leaves the cross-checks to the caller (the contract check collects
    them all).
    """
    registry_dir = Path(registry_dir)
    yaml_paths, workbooks = registry_files(registry_dir) if registry_dir.is_dir() else ([], [])
    if yaml_paths and workbooks:
        raise SourceFileError(
            registry_dir.name,
            f"både YAML-filer ({', '.join(p.name for p in yaml_paths)}) och arbetsboken "
            f"{workbooks[0].name} finns; styrmodellen ska finnas i en form: ta bort den ena "
            "(`uppfoljning registry-export` gör om den ena till den andra)")
    if len(workbooks) > 1:
        raise SourceFileError(
            registry_dir.name,
            f"flera arbetsböcker ({', '.join(p.name for p in workbooks)}); styrmodellen ska "
            "vara en enda arbetsbok, styrmodell.xlsx")
    if workbooks:
        from orchestration.readers.registry.workbook import load_workbook_registry

        reg = load_workbook_registry(workbooks[0], check)
    elif yaml_paths:
        reg = build_registry(merge_files(yaml_paths), [p.name for p in yaml_paths])
        if check:
            cross_check(reg)
    else:
        raise SourceFileError(registry_dir.name,
                              "mappen har inga styrmodellsfiler (*.yaml eller styrmodell.xlsx)")
    for message in reg.warnings:
        log.warning("registry: %s", message)
    return reg
