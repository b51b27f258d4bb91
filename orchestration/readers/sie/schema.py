"""Arrow schemas of the Parquet files the reader writes (the same whether a file is empty)."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyarrow as pa

MONEY = pa.decimal128(18, 2)
QUANTITY = pa.decimal128(18, 4)

OUTPUTS = (
    "transactions",
    "vouchers",
    "accounts",
    "dimensions",
    "objects",
    "balances",
    "budgets",
    "fiscal_years",
)

_NAME_RX = re.compile(r"^[a-z][a-z0-9_]*$")


def check_dimensions(dimensions: Mapping[str, int]) -> dict[str, int]:
    """The dimension mapping, validated: names become column names `<name>_code`."""
    checked: dict[str, int] = {}
    for name, number in dimensions.items():
        if not isinstance(name, str) or not _NAME_RX.match(name):
            raise ValueError(f"dimension name {name!r}: use lower-case letters, digits and _")
        if isinstance(number, bool) or not isinstance(number, int) or number < 0:
            raise ValueError(f"dimension {name!r}: number {number!r} is not an SIE dimension")
        checked[name] = number
    return checked


def _dimension_fields(dimensions: Mapping[str, int]) -> list[pa.Field]:
    return [pa.field(f"{name}_code", pa.string()) for name in dimensions]


def transactions(dimensions: Mapping[str, int]) -> pa.Schema:
    return pa.schema(
        [
            ("source_file", pa.string()),
            ("source_line", pa.int64()),
            ("fiscal_year", pa.int32()),
            ("voucher_series", pa.string()),
            ("voucher_number", pa.string()),
            ("voucher_date", pa.date32()),
            ("voucher_text", pa.string()),
            ("account", pa.string()),
            *_dimension_fields(dimensions),
            ("object_list", pa.string()),
            ("amount", MONEY),
            ("quantity", QUANTITY),
            ("transaction_date", pa.date32()),
            ("transaction_text", pa.string()),
            ("row_kind", pa.string()),
            ("counts_in_ledger", pa.bool_()),
        ]
    )


VOUCHERS = pa.schema(
    [
        ("source_file", pa.string()),
        ("source_line", pa.int64()),
        ("fiscal_year", pa.int32()),
        ("voucher_series", pa.string()),
        ("voucher_number", pa.string()),
        ("voucher_date", pa.date32()),
        ("voucher_text", pa.string()),
        ("registration_date", pa.date32()),
        ("signature", pa.string()),
        ("row_count", pa.int32()),
        ("amount_sum", MONEY),
        ("is_balanced", pa.bool_()),
    ]
)

ACCOUNTS = pa.schema(
    [
        ("source_file", pa.string()),
        ("account", pa.string()),
        ("name", pa.string()),
        ("account_type", pa.string()),
        ("sru_code", pa.string()),
    ]
)

DIMENSIONS = pa.schema(
    [
        ("source_file", pa.string()),
        ("dimension_no", pa.int32()),
        ("name", pa.string()),
        ("parent_dimension", pa.int32()),
    ]
)

OBJECTS = pa.schema(
    [
        ("source_file", pa.string()),
        ("dimension_no", pa.int32()),
        ("object_code", pa.string()),
        ("name", pa.string()),
    ]
)

FISCAL_YEARS = pa.schema(
    [
        ("source_file", pa.string()),
        ("year_index", pa.int32()),
        ("start_date", pa.date32()),
        ("end_date", pa.date32()),
    ]
)


def balances(dimensions: Mapping[str, int], with_record_type: bool = True) -> pa.Schema:
    head = [("source_file", pa.string()), ("source_line", pa.int64())]
    if with_record_type:
        head.append(("record_type", pa.string()))
    return pa.schema(
        [
            *head,
            ("year_index", pa.int32()),
            ("period", pa.int32()),
            ("account", pa.string()),
            ("object_list", pa.string()),
            *_dimension_fields(dimensions),
            ("amount", MONEY),
            ("quantity", QUANTITY),
        ]
    )


def budgets(dimensions: Mapping[str, int]) -> pa.Schema:
    return balances(dimensions, with_record_type=False)


def all_schemas(dimensions: Mapping[str, int]) -> dict[str, pa.Schema]:
    return {
        "transactions": transactions(dimensions),
        "vouchers": VOUCHERS,
        "accounts": ACCOUNTS,
        "dimensions": DIMENSIONS,
        "objects": OBJECTS,
        "balances": balances(dimensions),
        "budgets": budgets(dimensions),
        "fiscal_years": FISCAL_YEARS,
    }
