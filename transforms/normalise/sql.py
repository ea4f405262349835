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

from transforms.normalise.cache import ValueCache
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


def fill_outside(domain: pa.Array, values: pa.Array, numbers: pa.Array,
                 results: list[pa.Array], fn: Callable, types: list[pa.DataType]
                 ) -> list[pa.Array]:
    """Replace ``results`` where ``domain`` is false by ``fn(value, number)`` (a tuple of
    outputs); (``values``, ``numbers``) are distinct pairs, one per row of ``results``."""
    outside = pc.invert(pc.fill_null(domain, False))
    if not pc.any(outside).as_py():
        return results
    computed = [fn(v, n) for v, n in zip(values.filter(outside).to_pylist(),
                                         numbers.filter(outside).to_pylist())]
    log.debug("%d distinct values outside the SQL domain", len(computed))
    return [pc.replace_with_mask(result, outside, pa.array([c[i] for c in computed], type_))
            for i, (result, type_) in enumerate(zip(results, types))]


ID_TYPES = (pa.string(), pa.string(), pa.date32())


def id_cache() -> ValueCache:
    """A run's cache of normalised IDs: (cell text, held a number) -> (id_number,
    status, birth_date)."""
    return ValueCache(ID_TYPES)


def _ids_of(values: pa.Array, numbers: pa.Array, reference: Callable) -> list[pa.Array]:
    """(id_number, status, birth_date) of distinct (text, held a number) pairs: the
    SQL, then the Python reference for values outside its domain."""
    table = run(read_sql("staging/normalise_ids"), raw_ids=pa.table({"v": values, "n": numbers}))
    results = [table.column(name).combine_chunks().cast(type_)
               for name, type_ in zip(("id_number", "status", "birth_date"), ID_TYPES)]
    return fill_outside(table.column("domain").combine_chunks(), values, numbers, results,
                        reference, list(ID_TYPES))


def normalise_ids(raw: pa.Array, from_number: pa.Array | None, reference: Callable,
                  cache: ValueCache | None = None) -> tuple[pa.Array, pa.Array, pa.Array]:
    """(id_number, status, birth_date) of every raw ID; ``reference(text, from_number)``
    is the Python normaliser for values outside the SQL domain.

    Once per distinct (cell text, held a number) in the run when ``cache`` (the run's
    ``id_cache``) is given, else within the column: a payment table holds each
    person's ID once a month, and the same people are in every table.
    """
    cache = id_cache() if cache is None else cache
    text = pc.fill_null(raw, "")
    if from_number is not None and pc.any(from_number).as_py():
        # a sheet's number cell: the same text, another reading
        encoded = pc.dictionary_encode(pc.binary_join_element_wise(
            pc.if_else(pc.fill_null(from_number, False), "1", "0"), text, ""))
        keys = encoded.dictionary
        values = pc.utf8_slice_codeunits(keys, 1)
        numbers = pc.equal(pc.utf8_slice_codeunits(keys, 0, 1), "1")
        results = cache.lookup(values, numbers, lambda v, n: _ids_of(v, n, reference))
        return tuple(r.take(encoded.indices) for r in results)
    # CSV and Parquet text: each row looked up by its hash, no dictionary of the column
    rows = cache.row_positions(text, lambda v, n: _ids_of(v, n, reference))
    return tuple(cache.take(rows))
