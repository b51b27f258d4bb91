"""SIE 4 ledger reader: one SIE 4E/4I file in, eight Parquet files and a SieSummary out.

    from orchestration.readers.sie import read_sie, SieSummary
    summary = read_sie(path, out_dir, {"responsibility": 1, "project": 6})

Decisions worth knowing (details where they are made):

- Rejected (SourceFileError): not SIE at all, NUL bytes, mixed encodings, a line that is not a
  record inside a voucher, broken braces or a file that ends inside a voucher, bad dates,
  amounts or quantities, malformed object lists, duplicate series+number (empty numbers, as
  in import files, are exempt), vouchers without any #RAR, except in .SI import files
  (SIE 4I carries only vouchers).
- Flagged, never dropped (summary warnings): unbalanced vouchers, dates outside every #RAR
  year, accounts without #KONTO, objects without #OBJEKT, unknown record types (counted),
  non-record lines outside vouchers (skipped), other records inside a voucher, an #RTRANS
  without its #TRANS twin (the #RTRANS then counts), encoding mismatches and U+FFFD.
- Money is exact: DECIMAL(18,2), more than two non-zero decimals is an error, never rounded.

Flow: reader.py (blocks, threads), chunks.py (lines), structure.py (braces), parse.py and
vouchers.py (fields), outputs.py (Parquet), validate.py (whole-file checks).
"""

from .reader import read_sie
from .summary import SieSummary

__all__ = ["SieSummary", "read_sie"]
