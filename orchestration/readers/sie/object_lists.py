"""Object lists ({1 "100" 6 "P1"}) in SQL: the columns computed once per distinct list.

Used for transaction rows (vouchers.py) and for balance and budget records (parse.py); it lives
here so that neither of those modules needs the other.
"""

from __future__ import annotations

from . import tokens
from .tokens import sql_literal as lit


def object_list_sql(dimensions: dict[str, int], obj: str = "obj") -> str:
    """Columns computed per distinct object list: trimmed text, validity, `<name>_code`s."""
    cols = [f"trim({obj}) AS object_list",
            f"regexp_matches({obj}, {lit(tokens.OBJECT_LIST_RX)}) AS ok"]
    for name, number in dimensions.items():
        rx = lit(tokens.dimension_rx(number))
        cols.append(
            f"nullif(replace(regexp_extract({obj}, {rx}, 1), '\\\"', '\"')"
            f" || regexp_extract({obj}, {rx}, 2), '') AS {name}_code"
        )
    return ", ".join(cols)
