"""The SIE reader's modules import one another in one direction only (no import circle)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "orchestration" / "readers" / "sie"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found


def test_no_import_circle_in_the_sie_reader():
    graph = {p.stem: _imports(p) - {"__init__"} for p in PACKAGE.glob("*.py")}
    assert "parse" not in graph["vouchers"]  # the circle issue 13 named

    def visit(module: str, path: tuple[str, ...]) -> None:
        for dep in graph.get(module, ()):
            assert dep not in path, f"import circle: {' -> '.join((*path, dep))}"
            visit(dep, (*path, dep))

    for module in graph:
        visit(module, (module,))
