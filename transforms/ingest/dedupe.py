"""Exact duplicates of one table (CONTRACT §1), found batch by batch as its rows are written.

The answer is the one ``duplicates.sql`` gives over the whole table, without holding
the table anywhere but in ``stg_<table>``:

- Every row's key hash is kept, 16 bytes a row (``_ingest_hashes``, temporary).
- A row whose hash repeats, within its batch or with an earlier batch's row, is a
  candidate. Its key columns go to ``_ingest_candidates``, with those of the earlier
  rows of that hash, read back from ``stg_<table>`` (or from the rows the contract
  rejected, which are never written there).
- ``duplicates.sql`` runs over the candidates alone. Equal keys have equal hashes, so
  every group of equal rows is whole among them; a hash collision only adds a row
  the query compares and keeps.

A batch's rows that the candidates so far drop are never written. Outside a money
table that is every duplicate (the later copy goes). In a money table a later file
holding more copies of a row takes it from an earlier file, whose copies are written
already: those are deleted when the table is finished (DuckDB then rewrites the
table once at commit). Most money tables have no such row.
"""
from __future__ import annotations

import logging

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from transforms.config import Table
from transforms.sqlbuild import create_table_sql, ident
from transforms.sqlfile import StepError, read_sql, run_sql

log = logging.getLogger(__name__)

HASHES = [("_rid", "BIGINT"), ("_hash", "UBIGINT")]


def _is_in(values: pa.Array, rids: pa.Array) -> pa.Array:
    return pc.is_in(values, value_set=rids)


class Duplicates:
    """The duplicates of one table, given its batches in ``_rid`` order.

        found = Duplicates(con, "stg_participants", spec, keyed_columns)
        drop = found.batch(rows, rejected)   # per batch: _rid of the rows not to write
        found.finish()                       # the table's duplicates; written ones deleted
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, staged: str, spec: Table,
                 keyed: list[tuple[str, str]]):
        self.con, self.staged, self.spec = con, staged, spec
        self.keyed = keyed                   # (column, DuckDB type) duplicates.sql reads
        self._names = [c for c, _ in keyed]
        self._unwritten = pa.array([], pa.int64())   # duplicates left out of their batch
        self._candidates = 0
        for table, columns in (("_ingest_hashes", HASHES), ("_ingest_candidates", keyed),
                               ("_ingest_rejected", keyed)):
            con.execute(create_table_sql(table, columns, temp=True))

    def _append(self, table: str, rows: pa.Table) -> None:
        if rows.num_rows:
            self.con.from_arrow(rows).insert_into(table)

    def batch(self, rows: pa.Table, rejected: pa.Array) -> pa.Array:
        """The ``_rid`` of this batch's rows to leave out of ``stg_<table>`` as
        duplicates; ``rejected`` (rows the contract rejected) are kept aside for the
        comparison, as they are never written."""
        from transforms.normalise.sql import run

        keyed = rows.select(self._names)
        hashes = run(read_sql("staging/row_hashes"), staged_rows=keyed)
        self.con.execute(create_table_sql("_ingest_batch_hashes", HASHES, temp=True))
        self._append("_ingest_batch_hashes", hashes)
        found = self.con.sql(read_sql("staging/duplicate_candidates")).to_arrow_table()
        earlier = found.filter(found.column("earlier")).column("_rid")
        here = found.filter(pc.invert(found.column("earlier"))).column("_rid")
        drop = pa.array([], pa.int64())
        if len(found):
            if len(earlier):
                self._fetch(earlier.combine_chunks())
            self._append("_ingest_candidates", keyed.filter(_is_in(keyed.column("_rid"),
                                                                     here.combine_chunks())))
            self._candidates += len(found)
            duplicated = self._duplicates().column("_rid").combine_chunks()
            drop = duplicated.filter(_is_in(duplicated, keyed.column("_rid").combine_chunks()))
            self._unwritten = pa.concat_arrays([self._unwritten, drop.cast(pa.int64())])
        self._append("_ingest_hashes", hashes)
        if len(rejected):
            self._append("_ingest_rejected", keyed.filter(_is_in(keyed.column("_rid"), rejected)))
        return drop.cast(pa.int64())

    def _fetch(self, rids: pa.Array) -> None:
        """Earlier rows whose hash a batch repeats, into the candidates: from
        ``stg_<table>``, or from the rejected rows kept aside."""
        self.con.execute(create_table_sql("_ingest_fetch", [("_rid", "BIGINT")], temp=True))
        self._append("_ingest_fetch", pa.table({"_rid": rids.cast(pa.int64())}))
        columns = ", ".join(ident(c) for c in self._names)
        low, high = pc.min(rids).as_py(), pc.max(rids).as_py()
        for source in (self.staged, "_ingest_rejected"):
            # the range lets DuckDB skip the row groups outside it (zone maps on _rid)
            self.con.execute(
                f"insert into _ingest_candidates select {columns} from {ident(source)} "
                f"where _rid between $low and $high "
                f"and _rid in (select _rid from _ingest_fetch)", {"low": low, "high": high})

    def _duplicates(self) -> pa.Table:
        """``duplicates.sql`` over the candidates: (_rid, _file, _row) of every row to drop."""
        columns = ", ".join(ident(c) for c in self._names)
        self.con.execute(f"create or replace temp view staged_rows as select {columns} "
                         "from _ingest_candidates")
        try:
            run_sql(self.con, "staging/duplicates", {"money_table": self.spec.money_table},
                    create="_ingest_duplicates", temp=True)
        finally:
            self.con.execute("drop view if exists staged_rows")
        return self.con.sql("select _rid, _file from _ingest_duplicates "
                            "order by _rid").to_arrow_table()

    def finish(self) -> pa.Table:
        """The table's duplicates, (_rid, _file); those already written (a money table's
        copies a later file took over) are deleted from ``stg_<table>``."""
        found = self._duplicates() if self._candidates else pa.table(
            {"_rid": pa.array([], pa.int64()), "_file": pa.array([], pa.string())})
        rids = found.column("_rid").combine_chunks().cast(pa.int64())
        if len(self._unwritten) and not pc.all(_is_in(self._unwritten, rids)).as_py():
            raise StepError(f"{self.staged}: a row left out as a duplicate is not one")
        written = rids.filter(pc.invert(_is_in(rids, self._unwritten)))
        if len(written):
            log.info("%s: %d copies a later file took over, deleted", self.staged, len(written))
            self.con.execute(create_table_sql("_ingest_fetch", [("_rid", "BIGINT")], temp=True))
            self._append("_ingest_fetch", pa.table({"_rid": written}))
            self.con.execute(f"delete from {ident(self.staged)} "
                             "where _rid in (select _rid from _ingest_fetch)")
        for table in ("_ingest_hashes", "_ingest_candidates", "_ingest_rejected",
                      "_ingest_batch_hashes", "_ingest_fetch", "_ingest_duplicates"):
            self.con.execute(f"drop table if exists {table}")
        return found
