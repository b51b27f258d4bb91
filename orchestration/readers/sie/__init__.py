"""SIE 4 ledger reader: one SIE 4E/4I file in, eight Parquet files and a SieSummary out.

    from orchestration.readers.sie import read_sie, SieSummary
    summary = read_sie(path, out_dir, {"responsibility": 1, "project": 6})

Decisions worth knowing (details where they are made):

- Rejected (SourceFileError): not SIE at all, NUL bytes, mixed encodings, a line that is not a
  record inside a voucher, broken braces or a file that ends inside a voucher, bad dates,
  amounts or quantities, malformed object lists, a balance record that reads more than one way
  (an object list on #IB/#UB/#RES, account and period that #KONTO cannot tell apart), vouchers
  without any #RAR, except in .SI import files (SIE 4I carries only vouchers).
- Tolerated, each a warning with kind, severity and a Swedish message (summary.TEXTS): balance
  records with or without {}, the account before the period, a voucher number repeated within
  its series (kept apart by line; an exact repeat is a probable double booking), #TRANS without
  braces, tabs, quoted numbers, mixed line endings.
- Flagged, never dropped (summary warnings): unbalanced vouchers, dates outside every #RAR
  year, accounts without #KONTO, objects without #OBJEKT, unknown record types (counted),
  non-record lines outside vouchers (skipped), other records inside a voucher, an #RTRANS
  without its #TRANS twin (the #RTRANS then counts), encoding mismatches and U+FFFD.
- Money is exact: DECIMAL(18,2), more than two non-zero decimals is an error, never rounded.

Flow (each module imports only those after it): reader.py (blocks, threads), chunks.py
(lines), structure.py (braces), parse.py (records outside vouchers) and vouchers.py (vouchers
and rows, for parse.py), object_lists.py (object lists in SQL, for both), outputs.py (Parquet),
validate.py (whole-file checks).
"""

from .reader import read_sie
from .summary import SieSummary

__all__ = ["SieSummary", "read_sie"]
