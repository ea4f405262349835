"""How values are formatted and escaped in the outputs (CONTRACT.md §3).

A column's format follows its name where the contract gives it one (money,
months, rates) and otherwise its DuckDB type. The CSV formatting runs in
DuckDB, set-wise, as one SELECT per file; the workbook writer uses the same
classes of columns and the same escape in Python.
"""
from __future__ import annotations

from transforms.export.files import quote

# CONTRACT §3: money is a plain decimal with two places; tier/expected/recorded are money too.
MONEY = frozenset({"overpaid_amount", "account_balance", "grant_amount", "refund_amount",
                   "recover_amount", "tier", "expected", "recorded"})
# DATE columns that hold a month (its first day), written YYYY-MM.
MONTHS = frozenset({"last_paid_month", "enterprise_start", "enterprise_end"})
# progress.csv rates: 4 decimals (RULES §6).
RATES = frozenset({"completion_rate", "participation_rate"})
# review-queue match score in [0, 1]: 4 decimals are enough to rank candidates.
SCORES = frozenset({"score"})
ID_COLUMNS = frozenset({"id_number", "source_id_number"})

LIST_SORT = ("township", "village", "id_number")
QUARANTINE_SORT = ("source", "table", "file", "row")

# A text starting with one of these is run as a formula (or DDE) by a
# spreadsheet. CONTRACT §3 names = + - @ tab CR for CSV and NUL for
# workbooks; both outputs escape the union.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\x00")
ESCAPE = "'"

_NUMERIC = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
            "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL")


def escape_text(value: str | None) -> str | None:
    """A leading apostrophe before a text a spreadsheet would run as a formula."""
    if value and value.startswith(FORMULA_STARTS):
        return ESCAPE + value
    return value


def is_numeric(dtype: str) -> bool:
    return dtype.upper().startswith(_NUMERIC)


def is_date(dtype: str) -> bool:
    return dtype.upper() in ("DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_NS")


def csv_value_sql(column: str, dtype: str) -> str:
    """The DuckDB expression that renders one column as CSV text (NULL stays NULL)."""
    col = quote(column)
    upper = dtype.upper()
    if is_date(upper):
        fmt = "%Y-%m" if column in MONTHS else "%Y-%m-%d"
        return f"strftime({col}, '{fmt}')"
    if is_numeric(upper):
        if column in MONEY:
            return f"cast(round({col}, 2) as decimal(18, 2))::varchar"
        if column in RATES or column in SCORES:
            return f"cast(round({col}, 4) as decimal(18, 4))::varchar"
        return f"{col}::varchar"
    if upper == "BOOLEAN":
        return f"case when {col} then 'true' when not {col} then 'false' end"
    text = f"{col}::varchar" if upper != "VARCHAR" else col
    starts = ", ".join(_sql_char(c) for c in FORMULA_STARTS)
    return f"case when left({text}, 1) in ({starts}) then {_sql_char(ESCAPE)} || {text} else {text} end"


def _sql_char(char: str) -> str:
    if char.isprintable() and char != "'":
        return f"'{char}'"
    return f"chr({ord(char)})"


def order_sql(columns: tuple[str, ...], leading: tuple[str, ...], *,
              nulls_first: frozenset[str] = frozenset(), alias: str = "src") -> str:
    """ORDER BY the leading columns, then every other column: a total, stable order.

    Keys are qualified with the source alias so that they sort the typed
    values (money as numbers), not the formatted text of the select list.
    """
    keys = list(leading) + [c for c in columns if c not in leading]
    return ", ".join(f"{alias}.{quote(c)} asc nulls {'first' if c in nulls_first else 'last'}"
                     for c in keys)


def select_csv_sql(table: str, columns: tuple[str, ...], types: dict[str, str],
                   order_by: str, *, empty_as_null: bool = True) -> str:
    """One SELECT rendering every column of ``table`` as CSV text, in output order.

    ``empty_as_null``: an empty text becomes NULL, which COPY writes as an empty
    field (it quotes an empty string as ``""``; csv.writer writes both alike).
    """
    def expr(c):
        value = csv_value_sql(c, types[c])
        return f"nullif({value}, '')" if empty_as_null else value
    exprs = ",\n       ".join(f"{expr(c)} as {quote(c)}" for c in columns)
    return f"select {exprs}\nfrom {quote(table)} as src\norder by {order_by}"


def copy_csv_sql(select: str, path) -> str:
    """COPY of a SELECT to a CSV file: header, comma, CRLF, quoting as csv.writer's minimal.

    ``comment ''``: with its default comment character DuckDB quotes every value that
    holds a ``#`` (csv.writer does not; found by the hypothesis test).
    """
    target = str(path).replace("'", "''")
    return (f"copy (\n{select}\n) to '{target}' "
            "(format csv, header true, delimiter ',', quote '\"', escape '\"', "
            "comment '', new_line '\\r\\n')")
