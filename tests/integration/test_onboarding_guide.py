"""docs/onboarding.md, run: exactly the commands of its code blocks, in order, from
`generate-sample` and `init` to a published mart, each printing what the guide shows and
ending with the exit code it shows. The guide's run reads the registry as styrmodell.xlsx
(converted from the sample's YAML), so its mart is compared with the shared nightly's (which
read the YAML files): identical, row for row."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import duckdb
import pytest

from orchestration.cli import main
from orchestration.publish import mart_tables

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "onboarding.md"
# Columns that name the registry's file or the run, which differ by design between the two.
_DIFFERS = re.compile(r"(registry_file|source_file|_at$|run_id)")


def guide_steps(text: str) -> list[tuple[str, list[str], int | None]]:
    """(command, the output lines shown, the exit code shown) for every `$ ` line of the
    guide's console blocks."""
    steps: list[tuple[str, list[str], int | None]] = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], [], None))
            elif m := re.fullmatch(r"\(slutkod (\d)\)", line.strip()):
                steps[-1] = (steps[-1][0], steps[-1][1], int(m[1]))
            elif line.strip():
                steps[-1][1].append(line.rstrip())
    return steps


def _shows(expected: list[str], printed: list[str]) -> str | None:
    """The first line of the guide that the output does not have (in order), if any; `...`
    stands for lines left out."""
    at = 0
    for line in expected:
        if line.strip() == "...":
            continue
        while at < len(printed) and line.strip() not in printed[at]:
            at += 1
        if at == len(printed):
            return line
        at += 1
    return None


def _mart(path: Path) -> dict[str, list]:
    with duckdb.connect(str(path), read_only=True) as conn:
        out = {}
        for table in mart_tables(conn):
            cols = [c for (c,) in conn.execute(
                "select column_name from information_schema.columns where table_schema = "
                "'marts' and table_name = ? order by ordinal_position", [table]).fetchall()
                if not _DIFFERS.search(c)]
            select = ", ".join(f'"{c}"' for c in cols)
            out[table] = conn.execute(f"select {select} from marts.{table} order by all")\
                .fetchall()
        return out


def test_the_guide_parses_into_commands():
    steps = guide_steps(GUIDE.read_text("utf-8"))
    commands = [shlex.split(c)[1] for c, _, _ in steps]
    assert commands == ["generate-sample", "init", "check", "registry-export", "check", "run",
                        "status"]
    assert all(c.startswith("uppfoljning ") and code is not None for c, _, code in steps)


def test_onboarding_guide_from_init_to_a_published_mart(
        nightly, pipeline_env: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RAW_DIR", str(tmp_path / "raw"))
    monkeypatch.setenv("WAREHOUSE_DIR", str(tmp_path / "warehouse"))
    capfd.readouterr()
    for command, expected, code in guide_steps(GUIDE.read_text("utf-8")):
        status = main(shlex.split(command)[1:])
        captured = capfd.readouterr()
        printed = (captured.out + captured.err).replace(f"{tmp_path}/", "")\
            .replace(str(tmp_path), ".").splitlines()
        missing = _shows(expected, printed)
        assert missing is None, f"{command}: the guide shows {missing!r}; it printed:\n" + \
            "\n".join(printed[-60:])
        assert status == code, f"{command}: exit {status}, the guide says {code}"
    assert sorted(p.name for p in (tmp_path / "raw" / "registry").iterdir()) == \
        ["styrmodell.xlsx"]
    from_yaml = _mart(pipeline_env["warehouse"] / "published" / "governance.duckdb")
    from_book = _mart(tmp_path / "warehouse" / "published" / "governance.duckdb")
    assert from_book.keys() == from_yaml.keys() and len(from_yaml) >= 10
    for table in from_yaml:
        assert from_book[table] == from_yaml[table], table
    assert from_yaml["dim_initiatives"]  # not two empty marts
