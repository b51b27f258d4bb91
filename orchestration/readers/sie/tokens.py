"""The SIE 4B token grammar, written once as RE2 patterns that DuckDB runs over whole columns.

Fields are split by spaces or tabs; a field may be quoted ("..."), a quote inside a quoted field
is written \\"; an object list is one field in braces: {1 "100" 22 7101}, {"1" "Syd"} or {}.
The same patterns drive Python's `re` in the few places that look at a single line (error
messages), so the reader and its messages never disagree about what a field is.
"""

from __future__ import annotations

import re

QUOTED = r'"(?:[^"\\]|\\.)*"'
BARE = r'[^ \t\r\n"{}]+'
OBJECTS = rf'\{{(?:[^}}"]|{QUOTED})*\}}'  # a quoted object code may hold a '}'
# One field of any record: what regexp_extract_all(line, FIELD_RX) returns, in order.
FIELD_RX = f"{QUOTED}|{OBJECTS}|{BARE}"

_NUMBER = r"-?[0-9]+(?:\.[0-9]*)?"
# The common shape of a #TRANS line, kept one-pass and with four groups so that RE2 takes its
# fastest submatch engine: account, object list, amount, everything after the amount.
TRANS_FAST_RX = (
    r'^[ \t]*#[A-Z]+[ \t]+"?([^ \t\r\n"{]+)"?[ \t]*\{([^}]*)\}[ \t]*'
    rf"({_NUMBER})(?:[ \t]([^\r\n]*))?[\r\n]*$"
)
# Any other legal spelling (quoted amount, a sign before the number, a '}' in a quoted object
# code) and a row with no braces at all; fields keep their quotes and the object list its braces
# (empty when there are none). Without braces a blank must part account and amount.
TRANS_GENERAL_RX = (
    rf'^[ \t]*#[A-Z]+[ \t]+({QUOTED}|[^ \t\r\n"{{]+)(?:[ \t]*({OBJECTS})[ \t]*|[ \t]+)'
    r'("?[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)"?)((?:[ \t][^\r\n]*)?)[\r\n]*$'
)
# What may follow the amount: transdat, transtext, kvantitet, sign (and ignored extra fields).
# Groups: date, text (quotes kept), quantity.
TRANS_TAIL_RX = (
    r'^[ \t]*"?([0-9]*)"?'
    rf'(?:[ \t]+({QUOTED}|[^ \t\r\n"]+)'
    r'(?:[ \t]+"?(-?[0-9]*(?:\.[0-9]*)?)"?(?:[ \t][^\r\n]*)?)?)?'
    r"[ \t\r\n]*$"
)
# A whole #VER line in its common spellings, six groups: series, number, date, text,
# registration date, signature (fields keep their quotes; any other spelling is tokenised
# field by field instead).
_FIELD = rf'{QUOTED}|[^ \t\r\n"]+'
# The same line read in two steps, because RE2's fastest submatch engine (one-pass) takes at most
# four groups and no choice it cannot settle by the next character; VER_RX (six groups, blanks
# that may end the line or part two fields) costs three times as much. First series, number,
# date and the rest after one blank; then, on the rest, text, registration date and
# signature (blanks at the end are taken by the blanks before the next field). A line either
# step cannot read takes VER_RX, then the field-by-field split, so every spelling reads as
# before.
VER_HEAD_RX = (
    rf"^[ \t]*#VER[ \t]+({_FIELD})[ \t]+({_FIELD})[ \t]+([0-9]+)(?:[ \t]([^\r\n]*))?[\r\n]*$"
)
VER_REST_RX = (
    rf"^[ \t]*({_FIELD})(?:[ \t]+(?:([0-9]+)(?:[ \t]+(?:({_FIELD})[ \t]*)?)?)?)?$"
)
VER_RX = (
    rf"^[ \t]*#VER[ \t]+({_FIELD})[ \t]+({_FIELD})[ \t]+([0-9]+)"
    rf"(?:[ \t]+({_FIELD})(?:[ \t]+([0-9]*)(?:[ \t]+({_FIELD}))?)?)?[ \t\r\n]*$"
)

_PAIR = rf'"?[0-9]+"?[ \t]+(?:{QUOTED}|[^ \t"]+)'
# A whole object list (the text between the braces): dimension/object pairs, nothing else.
OBJECT_LIST_RX = rf"^[ \t]*(?:{_PAIR}[ \t]*)*$"
# One pair, for regexp_extract_all: dimension number, quoted object code, bare object code.
OBJECT_PAIR_RX = r'"?([0-9]+)"?[ \t]+(?:"((?:[^"\\]|\\.)*)"|([^ \t"]+))'

# More than two decimals that are not zeros: DECIMAL(18,2) would round them silently.
AMOUNT_TOO_PRECISE_RX = r"\.[0-9]{2}0*[1-9]"
QUANTITY_TOO_PRECISE_RX = r"\.[0-9]{4}0*[1-9]"


def dimension_rx(dimension_no: int) -> str:
    """The object code of one dimension in an object list (groups: quoted code, bare code).

    Whole pairs are skipped from the start, so an object code that happens to equal the
    dimension number ({1 "6" 6 "9120"}) is never mistaken for the dimension.
    """
    return (
        rf'^[ \t]*(?:{_PAIR}[ \t]*)*?"?{int(dimension_no)}"?[ \t]+'
        r'(?:"((?:[^"\\]|\\.)*)"|([^ \t"]+))'
    )


def sql_literal(text: str) -> str:
    """A SQL string literal (DuckDB keeps backslashes as they are)."""
    return "'" + text.replace("'", "''") + "'"


# DuckDB macros shared by every query of a read.
SQL_MACROS = (
    # A field without its quotes, \" turned back into ".
    """CREATE OR REPLACE TEMP MACRO sie_unq(x) AS
         CASE WHEN starts_with(x, '"') THEN replace(x[2:-2], '\\"', '"') ELSE x END""",
    # An amount field that DECIMAL(18,2) cannot hold exactly.
    f"""CREATE OR REPLACE TEMP MACRO sie_bad_amount(x) AS
         x IS NULL OR TRY_CAST(x AS DECIMAL(18,2)) IS NULL
         OR (contains(x, '.') AND regexp_matches(x, {sql_literal(AMOUNT_TOO_PRECISE_RX)}))""",
    f"""CREATE OR REPLACE TEMP MACRO sie_bad_quantity(x) AS
         x IS NOT NULL AND x <> ''
         AND (TRY_CAST(x AS DECIMAL(18,4)) IS NULL
              OR (contains(x, '.')
                  AND regexp_matches(x, {sql_literal(QUANTITY_TOO_PRECISE_RX)})))""",
)

_FIELD_PY = re.compile(FIELD_RX)


def split_fields(line: str) -> list[str]:
    """The fields of one line, quotes kept (used only to explain a rejected line)."""
    return _FIELD_PY.findall(line)


def unquote(field: str) -> str:
    if field.startswith('"'):
        return field[1:-1].replace('\\"', '"')
    return field
