"""Reading the marts. Every query names `marts.<table>` of the connection's own database: in
publication that is the copy being published, on demand the published copy. Landing and
staging tables are never read."""

from __future__ import annotations

from typing import Any

import duckdb


def rows(conn: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
         ) -> list[dict[str, Any]]:
    cur = conn.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def table_columns(conn: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    return {r[0] for r in conn.execute(
        "select column_name from information_schema.columns where table_schema = 'marts' "
        "and table_name = ? and table_catalog = current_database()", [table]).fetchall()}


def has_table(conn: duckdb.DuckDBPyConnection, schema: str | None, table: str) -> bool:
    where = "table_name = ? and table_catalog = current_database()"
    params = [table]
    if schema:
        where += " and table_schema = ?"
        params.append(schema)
    return conn.execute(f"select count(*) from information_schema.tables where {where}",
                        params).fetchall()[0][0] > 0


def sql_kr(expr: str) -> str:
    """SQL that writes an amount the Swedish way with öre: 1 234 567,89 kr (for the voucher
    pages, where DuckDB formats every line so that Python never holds one object per line)."""
    grouped = f"format('{{:,.2f}}', abs({expr}))"
    swedish = f"replace(replace(replace({grouped}, ',', ' '), '.', ','), ' ', '\u202f')"
    return (f"case when {expr} is null then '' else concat(case when {expr} < 0 then '\u2212' "
            f"else '' end, {swedish}, '\u00a0kr') end")


def sql_escape(expr: str) -> str:
    """HTML-escape a text column inside SQL (the voucher rows are assembled by DuckDB)."""
    return (f"replace(replace(replace(replace(coalesce(cast({expr} as varchar), ''), '&', "
            f"'&amp;'), '<', '&lt;'), '>', '&gt;'), '\"', '&quot;')")


class Marts:
    """The marts of one connection, with each distinct query run once per build: the reports
    of one publication ask the same questions of the same small tables many times."""

    def __init__(self, conn: duckdb.DuckDBPyConnection) -> None:
        self.conn = conn
        self._memo: dict[tuple[str, str], list[dict[str, Any]]] = {}

    def rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        key = (sql, repr(params))
        if key not in self._memo:
            self._memo[key] = rows(self.conn, sql, params)
        # a fresh copy of each row: callers decorate rows for their own report
        return [dict(r) for r in self._memo[key]]

    def table_columns(self, table: str) -> set[str]:
        return {r["column_name"] for r in self.rows(
            "select column_name from information_schema.columns where table_schema = 'marts' "
            "and table_name = ? and table_catalog = current_database()", [table])}
