"""What counts as a change to the code an incremental model is built from: its own SQL and
everything upstream of it in the real manifest, and nothing downstream."""

from __future__ import annotations

import copy
from pathlib import Path

from orchestration.defs.dbt import incremental
from orchestration.defs.dbt.project import dbt_project

MODEL = "int_ledger__programme_lines"


def _manifest() -> dict:
    return incremental.load_manifest(dbt_project.manifest_path)


def _changed(manifest: dict, kind: str, name: str) -> dict:
    changed = copy.deepcopy(manifest)
    group = changed["macros" if kind == "macro" else "nodes"]
    [key] = [k for k, v in group.items() if v["name"] == name
             and (kind == "macro" or v["resource_type"] == kind)]
    field = "macro_sql" if kind == "macro" else "raw_code"
    group[key][field] += "\n-- changed"
    return changed


def test_upstream_code_changes_the_fingerprint_and_downstream_code_does_not() -> None:
    manifest = _manifest()
    before = incremental.code_fingerprints(manifest)
    assert set(before) == {MODEL}  # the project's one incremental model
    for kind, name in (("model", MODEL), ("model", "stg_ledger__transactions"),
                       ("macro", "dimension_code"), ("model", "stg_registry__ledger_settings")):
        assert incremental.code_fingerprints(_changed(manifest, kind, name))[MODEL] != \
            before[MODEL], name
    for kind, name in (("model", "fct_ledger_lines"), ("model", "rpt_budget_vs_outcome")):
        assert incremental.code_fingerprints(_changed(manifest, kind, name)) == before, name


def test_the_record_says_which_models_changed(tmp_path: Path) -> None:
    prints = {MODEL: "a", "other": "b"}
    assert incremental.recorded(tmp_path) == {}
    assert incremental.changed_models({}, prints) == [MODEL, "other"]  # no record yet
    incremental.record_build(tmp_path, {}, prints)
    assert incremental.changed_models(incremental.recorded(tmp_path), prints) == []
    # a build of one model keeps what was recorded for the rest
    incremental.record_build(tmp_path, incremental.recorded(tmp_path), {"other": "c"})
    built = incremental.recorded(tmp_path)
    assert incremental.changed_models(built, {MODEL: "a", "other": "c"}) == []
    assert incremental.changed_models(built, {MODEL: "z", "other": "c"}) == [MODEL]
