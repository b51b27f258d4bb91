"""`uppfoljning inspect-sie FILE`: JSON on stdout, exit status 0 when usable."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from orchestration.cli import main
from orchestration.readers.sie.inspect import inspect_sie

KEYS = {"encoding", "sie_type", "fiscal_years", "vouchers", "transactions", "accounts",
        "unbalanced_vouchers", "warnings"}


def test_inspect_usable_file(own: Path, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result, status = inspect_sie(own / "bad_unbalanced.se")
    assert status == 0 and set(result) >= KEYS and "error" not in result
    assert result["unbalanced_vouchers"] == [
        {"series": "A", "number": "2", "line": 17, "difference": "-0.01"}]
    assert (result["vouchers"], result["transactions"], result["accounts"]) == (2, 4, 2)
    assert list(tmp_path.iterdir()) == []  # no Parquet left behind anywhere


def test_inspect_rejected_and_missing_files(own: Path, tmp_path: Path):
    result, status = inspect_sie(own / "bad_truncated.se")
    assert status == 1 and result["usable"] is False and result["line"] == 17
    assert "no closing '}'" in result["error"]
    result, status = inspect_sie(tmp_path / "nowhere.se")
    assert status == 2 and "error" in result


def test_cli_prints_json(own: Path, capsys):
    status = main(["inspect-sie", str(own / "tokens.se")])
    out = capsys.readouterr().out
    data = json.loads(out)
    assert status == 0
    assert data["company_name"] == "Kommunen i Å" and "Kommunen i Å" in out  # not \u-escaped
    assert data["unknown_records"] == {"#XFOO": 2}
    assert out.startswith('{\n  "')  # indent 2


def test_cli_exit_status_when_rejected(own: Path, capsys):
    assert main(["inspect-sie", str(own / "bad_date.se")]) == 1
    data = json.loads(capsys.readouterr().out)
    assert "bad voucher date '20230231'" in data["error"]


def test_console_script(own: Path):
    script = Path(sys.executable).with_name("uppfoljning")
    done = subprocess.run([str(script), "inspect-sie", str(own / "bad_garbage_line.se")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "is not a SIE record" in json.loads(done.stdout)["error"]
    done = subprocess.run([str(script), "inspect-sie", str(own / "encoding_latin1.se")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    data = json.loads(done.stdout)
    assert data["encoding"] == "latin-1" and data["warnings"][0]["kind"] == "encoding"
