"""Files the reader must reject, each with the reason a person reads in the quarantine note,
and the one problem that is only flagged: an unbalanced voucher."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.readers.errors import SourceFileError
from orchestration.readers.sie import read_sie, reader

REJECTED = [
    ("bad_truncated.se", 17,
     "file ends inside the voucher of line 17: no closing '}' (truncated file?)"),
    ("bad_garbage_line.se", 15,
     "line inside the voucher of line 12 is not a SIE record (it does not start with '#')"),
    ("bad_missing_rar.se", 10,
     "missing #RAR: the file holds 1 vouchers but declares no fiscal year"),
    ("bad_swapped_ambiguous.se", 15,
     "bad period (expected YYYYMM; account and period cannot be told apart by #KONTO)"),
    ("bad_ib_with_objects.se", 16, "object list on a record that has none"),
    ("bad_date.se", 12, "bad voucher date '20230231' (expected YYYYMMDD)"),
    ("bad_amount.se", 14, "bad amount '12,50'"),
    ("bad_amount_precision.se", 14, "bad amount '10.005' (expected e.g. -1234.50, at most two"),
    ("bad_transaction_date.se", 14, "bad transaction date '20231301' (expected YYYYMMDD)"),
    ("bad_object_list.se", 14, "malformed object list"),
    ("bad_trans_outside.se", 12, "transaction row outside a voucher"),
    ("bad_missing_close.se", 16, "#VER while the voucher of line 12 is still open (missing '}')"),
    ("bad_not_sie.se", 1, "not a SIE file: the first line does not start with '#'"),
    ("bad_empty.se", None, "empty file: not a SIE file"),
    ("bad_encoding_utf16.se", None, "holds NUL bytes: not a SIE text file (UTF-16"),
]


@pytest.mark.parametrize(("name", "line", "reason"), REJECTED)
def test_rejected_with_reason(own: Path, tmp_path: Path, name: str, line, reason: str):
    with pytest.raises(SourceFileError) as caught:
        read_sie(own / name, tmp_path, {"responsibility": 1})
    err = caught.value
    assert (err.file, err.line) == (name, line)
    assert reason in err.reason
    assert str(err).startswith(f"{name}, line {line}: " if line else f"{name}: ")
    # Nothing that looks like a result is left behind.
    assert list(tmp_path.iterdir()) == []


def test_message_quotes_the_bad_line(own: Path, tmp_path: Path):
    with pytest.raises(SourceFileError, match=r"#TRANS 7010 \{\} 12,50$"):
        read_sie(own / "bad_amount.se", tmp_path, {})


def test_unbalanced_voucher_is_listed_not_rejected(own: Path, read):
    result = read(own / "bad_unbalanced.se")
    s = result.summary
    assert s.unbalanced_vouchers == [
        {"series": "A", "number": "2", "line": 17, "difference": "-0.01"}]
    (warning,) = result.warnings("unbalanced_voucher")
    assert (warning["line"], warning["message"]) == (
        17, "verifikationen A 2 balanserar inte: raderna summerar till -0,01 kr")
    assert [v["is_balanced"] for v in result.rows("vouchers")] == [True, False]
    assert s.total_amount == "-0.01" and s.transactions == 4


def test_mixed_encodings_are_rejected(tmp_path: Path, monkeypatch):
    """A file that starts as UTF-8 and later holds a Latin-1 byte: å ä ö would be mangled."""
    lines = ["#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4", '#FNAMN "Företaget"',
             "#RAR 0 20230101 20231231", '#VER A 1 20230131 "Lön"', "{",
             "#TRANS 7010 {} 1.00", "#TRANS 1930 {} -1.00", "}"]
    head = "\n".join(lines).encode("utf-8")
    path = tmp_path / "mixed.se"
    path.write_bytes(head + b'\n#KONTO 1930 "Kassa v\xe4st"\n')
    monkeypatch.setattr(reader, "SAMPLE_BYTES", 64)  # detection sees only the UTF-8 start
    monkeypatch.setattr(reader, "BLOCK_BYTES", 64)
    with pytest.raises(SourceFileError, match="not UTF-8 although the file began as UTF-8"):
        read_sie(path, tmp_path / "out", {})
