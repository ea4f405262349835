"""One table staged batch by batch: memory bounded by a batch, not by the table.

A batch is a few consecutive files of the table (``operations.yaml``
``ingest.batch_rows``), or one file. Per batch: normalise set-wise, quarantine
the rows a check rejects, validate the rest against the table's data contract
(GX), and append them to ``stg_<table>`` in DuckDB, which holds the union, less
the rows the contract rejected and the exact duplicates of earlier rows
(``transforms.ingest.dedupe``). The table is written once, compressed, in
``_rid`` order, and never held whole in memory or in a temporary table.

The answer is the one a single pass over the whole table gives: the suites'
expectations are row-wise, so a row fails in its batch as it would in the
table; duplicates are found among the same rows (those no check rejected), and
a rejected row that is also a duplicate counts as a duplicate, as before.
"""
from __future__ import annotations

import bisect
import datetime as dt
import json
import time
from collections import Counter, deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Self

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from transforms.config import Config, Table
from transforms.ingest.columns import NameCache, normalise_columns, row_reasons
from transforms.ingest.dedupe import Duplicates
from transforms.ingest.discover import InboxFile
from transforms.ingest.frame import FIELD_COUNT_MISMATCH, RawFile
from transforms.ingest.result import FileResult
from transforms.ingest.staging import (
    append_staged,
    arrow_schema,
    create_staged,
    keyed_columns,
    staging_columns,
)
from transforms.sqlbuild import ident

Part = tuple[FileResult, InboxFile, RawFile]


@dataclass
class Prepared:
    """A batch normalised (``TableStager.prepare``), waiting for its contract check."""
    parts: list[Part]
    offsets: list[int]   # each part's first position in the batch
    first: int           # the table's rows before this batch: its _rid offset
    staged: pa.Table     # staging columns, every row of the batch
    keep: pa.Array       # rows no check rejected


class Writer:
    """One thread for every warehouse statement of ingest, in submission order.

    After a statement fails, DuckDB aborts the transaction and every later one fails
    with "Current transaction is aborted": each later job raises the first failure
    instead, so the run reports what went wrong, whichever job is waited on first."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="ingest-write")
        self._failure: BaseException | None = None

    def submit(self, fn, *args) -> Future:
        def job():
            if self._failure is not None:
                raise self._failure
            try:
                return fn(*args)
            except BaseException as exc:
                self._failure = exc
                raise
        return self._pool.submit(job)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def quarantine_row(found: InboxFile, table: str, row: int | None, reason: str,
                   raw: dict) -> dict:
    return {"source": found.source, "table": table, "file": found.file, "row": row,
            "reason": reason, "raw": json.dumps(raw, ensure_ascii=False)}


def _kept(table: pa.Table, keep: pa.Array) -> pa.Table:
    """The rows of ``table`` where ``keep`` holds (the table itself when it holds everywhere)."""
    return table if pc.all(keep).as_py() else table.filter(keep)


def _value_counts(values: pa.Array) -> Counter:
    if not len(values):
        return Counter()
    counts = pc.value_counts(values)
    return Counter(dict(zip(counts.field("values").to_pylist(),
                            counts.field("counts").to_pylist())))


def _concat(parts: list[Part], piece) -> pa.Array:
    arrays = [piece(found, raw) for _, found, raw in parts]
    return arrays[0] if len(arrays) == 1 else pa.concat_arrays(arrays)  # one file: no copy


class TableStager:
    """Stages the readable files of one table and keeps their accounting.

        stager = TableStager(...)
        prepared = stager.prepare(parts)  # once per batch of files, in order (may run
        stager.check(prepared)            #   a batch ahead, on another thread)
        stager.finish().result()          # stg_<table>: duplicates and contract failures out

    Every warehouse statement runs on ``writer``, one thread: ``prepare`` and
    ``check`` of the next batches (or table) run meanwhile, and DuckDB works outside
    the GIL. Each batch is appended to ``stg_<table>`` as it comes.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, name: str, spec: Table, config: Config,
                 contracts, as_of: dt.date, timings: dict, names_cache: NameCache,
                 writer: Writer):
        self.con, self.name, self.spec, self.config = con, name, spec, config
        self.contracts, self.as_of, self.timings = contracts, as_of, timings
        self.names_cache = names_cache
        self.results: list[FileResult] = []
        self.quarantine: list[dict] = []
        self.rejected: dict[int, dict] = {}   # _rid -> quarantine row, rejected by the contract
        self.validations: list = []           # one GX validation result per batch
        self.duplicates: Counter = Counter()
        self.n = 0                            # rows staged so far: the next batch's _rid offset
        self.rows = 0
        self.gx_failed = 0
        self._writer = writer
        self._staged = f"stg_{name}"
        self._pending: deque[Future] = deque()
        self._duplicates: Duplicates | None = None  # from the first batch with rows on,
        self._started = False                        # made on the writer thread

    def _time(self, step: str, start: float) -> None:
        self.timings[step] = self.timings.get(step, 0) + time.perf_counter() - start

    def _quarantine_at(self, parts: list[Part], offsets: list[int], positions: list[int],
                       reasons: list[str]) -> list[tuple[int, dict]]:
        """(batch position, quarantine row) of rows given by their position in the batch."""
        by_part: dict[int, list[tuple[int, str]]] = {}
        for position, reason in zip(positions, reasons):
            part = bisect.bisect_right(offsets, position) - 1
            by_part.setdefault(part, []).append((position, reason))
        out = []
        for part, items in sorted(by_part.items()):
            _, found, raw = parts[part]
            local = [p - offsets[part] for p, _ in items]
            numbers = raw.row_numbers.take(pa.array(local, pa.int64())).to_pylist()
            for (position, reason), number, values in zip(items, numbers, raw.raw_rows(local)):
                out.append((position, quarantine_row(found, self.name, number, reason, values)))
        return out

    def prepare(self, parts: list[Part]) -> Prepared | None:
        """A batch normalised, with the rows a check rejects quarantined (None when it
        has no row). Batches are prepared in order, on one thread, perhaps a batch
        ahead of ``check``; the warehouse is not touched."""
        self.results += [result for result, _, _ in parts]
        for _, found, raw in parts:
            for number, values in raw.mismatched:
                self.quarantine.append(quarantine_row(found, self.name, number,
                                                      FIELD_COUNT_MISMATCH, values))
        sizes = [raw.columns.num_rows for _, _, raw in parts]
        n = sum(sizes)
        if n == 0:
            return None
        offsets = [sum(sizes[:i]) for i in range(len(sizes))]
        start = time.perf_counter()
        texts = {k: _concat(parts, lambda f, raw, k=k: raw.text(k)) for k in self.spec.columns}
        numeric = _concat(parts, lambda f, raw: raw.numeric_id if raw.numeric_id is not None
                          else pa.repeat(False, raw.columns.num_rows))
        out, errors = normalise_columns(self.spec, texts, numeric, self.config.county,
                                        self.names_cache)
        reasons = row_reasons(self.spec, out, texts, errors, n)
        del texts, numeric, errors  # one batch at a time in memory: drop what is done
        # _rid r is the row at position r - 1 of the table's files concatenated in path order.
        out["_rid"] = pa.array(np.arange(self.n + 1, self.n + n + 1, dtype=np.int64))
        out["_file"] = _concat(parts, lambda f, raw: pa.repeat(
            pa.scalar(f.file, pa.string()), raw.columns.num_rows))
        out["_row"] = _concat(parts, lambda f, raw: raw.row_numbers)
        out["_extract_date"] = _concat(parts, lambda f, raw: pa.repeat(
            pa.scalar(f.extract_date, pa.date32()), raw.columns.num_rows))
        columns = staging_columns(self.spec)
        staged = pa.table([out[c] for c, _ in columns], schema=arrow_schema(columns))
        del out
        rejected = pc.is_valid(reasons)
        self.quarantine += [q for _, q in self._quarantine_at(
            parts, offsets, pc.indices_nonzero(rejected).to_pylist(),
            reasons.filter(rejected).to_pylist())]
        # Rows leave through one mask: a filter copies every column, and most batches
        # lose no row or a handful.
        keep = pc.invert(rejected)
        del reasons, rejected
        prepared = Prepared(parts, offsets, self.n, staged, keep)
        self.n += n
        self._time("normalise", start)
        return prepared

    def check(self, prepared: Prepared | None) -> None:
        """Validate a prepared batch against the table's contract (GX) and append the
        rows it keeps to ``stg_<table>`` on the writer thread; in batch order."""
        if prepared is None:
            return
        parts, offsets, first, staged, keep = (prepared.parts, prepared.offsets,
                                               prepared.first, prepared.staged, prepared.keep)
        del prepared
        rejected: list[int] = []  # this batch's rows the contract rejected (_rid)
        if pc.any(keep).as_py():
            from expectations.contracts import failing_rows

            runner = self.contracts()
            start = time.perf_counter()
            validation = runner.validate(self.name, staged, self.as_of, keep)
            if validation is not None:
                self.validations.append(validation)
            failing = failing_rows(validation)
            if failing:
                rids = sorted(failing)
                for position, q in self._quarantine_at(
                        parts, offsets, [r - first - 1 for r in rids],
                        [failing[r] for r in rids]):
                    self.rejected[first + 1 + position] = q
                    rejected.append(first + 1 + position)
            self._time("contracts", start)

        rows = _kept(staged, keep)
        del staged, keep
        if not self._started:
            self._started = True
            self._submit(self._start)
        self._submit(self._write, rows, pa.array(sorted(rejected), pa.int64()))

    def _submit(self, fn, *args) -> Future:
        """Run ``fn`` on the writer thread after what was submitted before. The calling
        thread waits only when two of this table's jobs are still pending (at most two
        batches held for writing): the first batch of a table need not wait for the
        previous table's last batch to be written."""
        while len(self._pending) >= 2:
            self._pending.popleft().result()

        def timed():
            start = time.perf_counter()
            try:
                return fn(*args)
            finally:
                self._time("write", start)
        self._pending.append(self._writer.submit(timed))
        return self._pending[-1]

    def _start(self) -> None:
        """``stg_<table>``, empty, and the duplicate finder of its batches."""
        create_staged(self.con, self.name, self.spec)
        self._duplicates = Duplicates(self.con, self._staged, self.spec, keyed_columns(self.spec))

    def _write(self, rows: pa.Table, rejected: pa.Array) -> None:
        """Append a batch's rows to ``stg_<table>``, less its duplicates (as far as the
        batches so far tell) and the rows the contract rejected."""
        drop = self._duplicates.batch(rows, rejected)
        if len(drop) or len(rejected):
            rows = rows.filter(pc.invert(pc.is_in(rows.column("_rid"),
                                                  pa.concat_arrays([drop, rejected]))))
        append_staged(self.con, self._staged, rows)

    def finish(self) -> Future:
        """Finish ``stg_<table>`` (duplicates a later batch found in a money table
        deleted) and set each file's counts (on the writer thread; done when the
        future is)."""
        return self._submit(self._finish)

    def _finish(self) -> None:
        # A batch that failed to be written fails this job too (Writer: the first failure).
        if self._duplicates is None:  # no row to stage: the table is replaced by an empty one
            create_staged(self.con, self.name, self.spec)
            self._account(Counter())
            return
        found = self._duplicates.finish()
        self._duplicates = None
        self.duplicates = _value_counts(found.column("_file").combine_chunks())
        # A rejected row that is also a duplicate counts as a duplicate.
        for rid in found.column("_rid").to_pylist() if self.rejected else ():
            self.rejected.pop(rid, None)
        self.gx_failed = len(self.rejected)
        self.quarantine += self.rejected.values()
        self._account(Counter(dict(self.con.execute(
            f"select _file, count(*) from {ident(self._staged)} group by _file").fetchall())))

    def _account(self, accepted: Counter) -> None:
        """Each file's counts: every row read is accepted, quarantined or a duplicate."""
        self.rows = sum(accepted.values())
        quarantined = Counter(q["file"] for q in self.quarantine)
        for result in self.results:
            result.accepted = accepted[result.file]
            result.quarantined = quarantined[result.file]
            result.duplicates = self.duplicates[result.file]
            result.check()
