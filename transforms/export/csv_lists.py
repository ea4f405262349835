"""lists/<name>.csv, progress.csv and quarantine.csv (CONTRACT.md §3).

Encoding: UTF-8 *with* a BOM. Excel on a Chinese Windows opens a CSV without
a BOM as GBK and garbles every name; with the BOM it reads UTF-8. CONTRACT §3
allows the BOM, and readers that know UTF-8 (``encoding="utf-8-sig"``,
pandas, DuckDB) skip it. Lines end in CRLF (RFC 4180, what Excel writes).

Formatting and escaping run in DuckDB (``formatting.select_csv_sql``), and so
does the writing: ``COPY (select ... order by ...) TO`` keeps the ORDER BY while
``preserve_insertion_order`` is on, which ``write_lists`` sets for its COPYs.
Python only puts the BOM in front. The bytes are those ``csv.writer`` wrote
before (tests/transforms/export and the golden digests hold them).
"""
from __future__ import annotations

import codecs
import csv
import logging
import shutil
from pathlib import Path

import duckdb

from transforms import lists_schema
from transforms.config import County
from transforms.export.files import OutputFile, publish, require_columns, table_columns, temp_path
from transforms.export.formatting import (
    LIST_SORT,
    QUARANTINE_SORT,
    copy_csv_sql,
    order_sql,
    select_csv_sql,
)

log = logging.getLogger(__name__)

ENCODING = "utf-8-sig"
LINE_END = "\r\n"
UNKNOWN_TOWNSHIP = "未知乡镇"  # used only when no County is given for the progress order


def list_table(name: str) -> str:
    """The DuckDB table of a list (architecture.md stage 3)."""
    return "review_queue" if name == "review_queue" else f"list_{name}"


def write_lists(con: duckdb.DuckDBPyConnection, out: Path, *,
                county: County | None = None) -> list[OutputFile]:
    """Write every list, progress.csv and quarantine.csv under ``out``.

    ``county`` gives progress.csv its row order (configured townships, then
    the unknown township); without it the rows are ordered by name with the
    unknown township last. A missing input table gives a header-only file
    whose manifest entry says so.
    """
    out = Path(out)
    (out / "lists").mkdir(parents=True, exist_ok=True)
    con.execute("set preserve_insertion_order = true")  # COPY keeps the ORDER BY
    written = []
    for name in lists_schema.LISTS:
        cols = lists_schema.columns(name)
        order = lists_schema.sort_columns(name)  # the case columns sort last: no row moves
        written.append(_write_table(con, out, out / "lists" / f"{name}.csv", list_table(name),
                                    cols, lambda c, o=order: order_sql(o, LIST_SORT)))
    order = [t.name for t in county.townships] + [county.unknown_township] if county else []
    unknown = county.unknown_township if county else UNKNOWN_TOWNSHIP
    written.append(_write_table(
        con, out, out / "progress.csv", "progress", lists_schema.PROGRESS,
        _progress_order, {"township_order": order, "unknown": unknown}))
    written.append(_write_table(
        con, out, out / "quarantine.csv", "quarantine", lists_schema.QUARANTINE,
        lambda c: order_sql(c, QUARANTINE_SORT, nulls_first=frozenset({"row"}))))
    return written


def _progress_order(cols: tuple[str, ...]) -> str:
    first = ('list_position($township_order, src."township") asc nulls last, '
             'src."township" = $unknown asc nulls last')
    return f"{first}, {order_sql(cols, ('township',))}"


def _write_table(con, out: Path, path: Path, table: str, cols: tuple[str, ...], order,
                 params: dict | None = None) -> OutputFile:
    """One CSV by DuckDB's COPY (formatting and formula escaping in the SELECT), the BOM
    in front. Byte for byte what ``csv.writer`` wrote (a test holds both to it): an empty
    text goes out as NULL, which COPY writes unquoted as csv.writer writes ''."""
    types = table_columns(con, table)
    tmp = temp_path(path)
    rows = 0
    if types is None:
        with open(tmp, "w", encoding=ENCODING, newline="") as handle:
            csv.writer(handle, lineterminator=LINE_END).writerow(cols)
    else:
        require_columns(table, types, cols)
        body = tmp.with_name(tmp.name + ".body")
        sql = copy_csv_sql(select_csv_sql(table, cols, types, order(cols)), body)
        log.debug("export %s:\n%s", path.name, sql)
        try:
            [(rows,)] = con.execute(sql, params or {}).fetchall()
            with open(tmp, "wb") as handle, open(body, "rb") as source:
                handle.write(codecs.BOM_UTF8)
                shutil.copyfileobj(source, handle, 1 << 20)
        finally:
            body.unlink(missing_ok=True)
    note = None
    if types is None:
        note = f"input table {table} missing: header only"
        log.warning("export: %s", note)
    return publish(out, tmp, path, rows, note)


def exported_tables() -> dict[str, str]:
    """Output CSV (relative path) -> input table, for the report and tests."""
    files = {f"lists/{n}.csv": list_table(n) for n in lists_schema.LISTS}
    files.update({"progress.csv": "progress", "quarantine.csv": "quarantine"})
    return files

