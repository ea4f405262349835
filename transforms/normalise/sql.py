"""Set-wise normalisers in DuckDB, the SQL twins of the Python reference functions.

Every ID is distinct, so a Python normaliser "per distinct value" runs per row:
IDs go through the macros of ``transforms/sql/staging/macro_id.sql`` instead.
A value outside the macros' domain (a character whose NFKC form they do not
know) goes to the Python reference, once per distinct value; those are few.
The tests check the SQL and the Python agree on generated inputs.
"""
from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from transforms.sqlfile import read_sql

log = logging.getLogger(__name__)

MACRO_FILES = ("staging/macro_id",)
_LOCK = threading.Lock()


@functools.cache
def _connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name in MACRO_FILES:
        con.execute(read_sql(name))
    return con


def run(sql: str, params: dict | None = None, **tables: pa.Table) -> pa.Table:
    """``sql`` over the Arrow ``tables`` (registered under their names), in row order.

    A private in-memory connection, never inside the warehouse's transaction (where a
    registered table would stay alive until commit)."""
    with _LOCK:  # one in-memory connection (temp macros are per connection)
        con = _connection()
        try:
            for name, table in tables.items():
                con.register(name, table)
            return con.sql(sql, params=params).to_arrow_table()
        finally:
            for name in tables:
                con.unregister(name)


def fill_outside(domain: pa.Array, values: pa.Array, results: list[pa.Array],
                 fn: Callable, types: list[pa.DataType]) -> list[pa.Array]:
    """Replace ``results`` where ``domain`` is false by ``fn`` (value -> tuple), per distinct."""
    outside = pc.invert(pc.fill_null(domain, False))
    count = pc.sum(outside).as_py() or 0
    if not count:
        return results
    rest = values.filter(outside)
    encoded = pc.dictionary_encode(rest)
    computed = [fn(v) for v in encoded.dictionary.to_pylist()]
    log.debug("%d values outside the SQL domain (%d distinct)", count, len(computed))
    out = []
    for i, (result, type_) in enumerate(zip(results, types)):
        fixed = pa.array([c[i] for c in computed], type_).take(encoded.indices)
        out.append(pc.replace_with_mask(result, outside, fixed))
    return out





def normalise_ids(raw: pa.Array, from_number: pa.Array | None,
                  reference: Callable) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(id_number, status, birth_date) of every raw ID; ``reference(text, from_number)``
    is the Python normaliser for values outside the SQL domain.

    Once per distinct (cell text, held a number) within the column: a payment table
    holds each person's ID once a month.
    """
    n = len(raw)
    numbers = pc.fill_null(from_number, False) if from_number is not None \
        else pa.repeat(False, n)
    text = pc.fill_null(raw, "")
    if pc.any(numbers).as_py():  # a sheet's number cell: the same text, another reading
        encoded = pc.dictionary_encode(
            pc.binary_join_element_wise(pc.if_else(numbers, "1", "0"), text, ""))
        keys = encoded.dictionary
        distinct = pa.table({"v": pc.utf8_slice_codeunits(keys, 1),
                             "n": pc.equal(pc.utf8_slice_codeunits(keys, 0, 1), "1")})
        fn = lambda k: reference(k[1:], k[0] == "1")
    else:  # CSV and Parquet text: no key to build
        encoded = pc.dictionary_encode(text)
        keys = encoded.dictionary
        distinct = pa.table({"v": keys, "n": pa.repeat(False, len(keys))})
        fn = lambda k: reference(k, False)
    table = run(read_sql("staging/normalise_ids"), raw_ids=distinct)
    results = [table.column("id_number").combine_chunks().cast(pa.string()),
               table.column("status").combine_chunks().cast(pa.string()),
               table.column("birth_date").combine_chunks().cast(pa.date32())]
    results = fill_outside(table.column("domain").combine_chunks(), keys, results, fn,
                           [pa.string(), pa.string(), pa.date32()])
    return tuple(r.take(encoded.indices) for r in results)
