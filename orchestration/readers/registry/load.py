"""Finding the registry's files in raw/registry/, and building one Registry from them."""

from __future__ import annotations

import logging
from pathlib import Path

from orchestration.readers.errors import SourceFileError
from orchestration.readers.registry.cross_checks import cross_check
from orchestration.readers.registry.model import Registry
from orchestration.readers.registry.sections import build_registry
from orchestration.readers.registry.yaml_files import merge_files

log = logging.getLogger(__name__)


def load_registry(registry_dir: Path, check: bool = True) -> Registry:
    """Read every *.yaml / *.yml in `registry_dir`, merge them and check them.

    Raises SourceFileError naming the file and key path of the first problem. `check=False`
    leaves the cross-checks to the caller (the contract check collects them all).
    """
    registry_dir = Path(registry_dir)
    paths = sorted([*registry_dir.glob("*.yaml"), *registry_dir.glob("*.yml")])
    if not paths:
        raise SourceFileError(registry_dir.name, "mappen har inga styrmodellsfiler (*.yaml)")
    reg = build_registry(merge_files(paths), [p.name for p in paths])
    if check:
        cross_check(reg)
    for message in reg.warnings:
        log.warning("registry: %s", message)
    return reg
