"""Stage 1: the inbox into ``stg_*``, ``quarantine``, ``ingest_files``, ``table_status``.

Per table, a batch of files at a time (``transforms.ingest.stager``): read as
text, normalise set-wise, quarantine the rows a check or the table's data
contract (GX) rejects, and append the batch to ``stg_<table>`` less the exact
duplicates of earlier rows (``transforms.ingest.dedupe``). One batch's raw text is
in memory at a time (and the next file, read ahead); every
table is replaced inside one transaction.
"""
from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import duckdb

from transforms import progress
from transforms.config import Config, Table
from transforms.ingest import csv_fast
from transforms.ingest.columns import NameCache
from transforms.ingest.discover import InboxFile, discover, sha256_of
from transforms.ingest.frame import RawFile, from_arrow, from_grid
from transforms.ingest.readers import (
    CORRUPT_FILE,
    WholeFileError,
    read_csv_grid,
    read_excel_grid,
    read_parquet_table,
)
from transforms.ingest.result import (
    QUARANTINED,
    FileResult,
    IngestResult,
    TableResult,
    files_table,
    quarantine_table,
)
from transforms.ingest.retry import with_retry
from transforms.ingest.stager import TableStager, Writer, quarantine_row
from transforms.ingest.staging import transaction, write_ingest_tables
from transforms.reasons import WHOLE_FILE

log = logging.getLogger(__name__)



def read_raw(found: InboxFile, table: Table) -> RawFile:
    """One readable file as text columns; WholeFileError when it cannot be read."""
    try:
        if found.fmt == "csv":
            if found.path.stat().st_size >= csv_fast.FAST_MIN_BYTES:
                try:
                    return csv_fast.read_csv_fast(found.path, table)
                except csv_fast.NotFast as exc:
                    log.info("%s: read by the Python path (%s)", found.file, exc)
            rows, encoding = read_csv_grid(found.path)
            log.debug("%s: %d records, %s", found.file, len(rows), encoding)
            return from_grid(rows, table, typed=False, check_width=True)
        if found.fmt in ("xlsx", "xls"):
            return from_grid(read_excel_grid(found.path), table, typed=True, check_width=False)
        return from_arrow(read_parquet_table(found.path), table)
    except (WholeFileError, OSError):  # OSError: retried by the caller (ingest.retry)
        raise
    except Exception as exc:  # no input may crash the run: an unreadable file is quarantined
        log.exception("%s: unreadable", found.file)
        raise WholeFileError(CORRUPT_FILE, f"{type(exc).__name__}: {exc}") from exc


def _whole_file(found: InboxFile, result: FileResult, reason: str, detail: str = "") -> dict:
    log.warning("%s: quarantined whole: %s %s", found.file, reason, detail)
    result.status, result.reason = QUARANTINED, reason
    raw = {"说明": WHOLE_FILE.get(reason, reason)}
    if detail:
        raw["detail"] = detail.replace(str(found.path), found.file)
    return quarantine_row(found, found.table, None, reason, raw)


class _Contracts:
    """One GX context per run, created only when some table has rows.

    Importing GX takes 2-7 s (scipy, altair, ...). ``warm_up`` imports it in a
    background thread while the files are read: reading and normalising run
    mostly in DuckDB and Arrow, outside the GIL. It runs on an empty inbox too:
    the rules step checks every output list with GX, and on an empty inbox the
    import then overlaps the wait for the Prefect API instead of following it.
    """

    def __init__(self, timings: dict):
        self.timings, self.runner, self._import = timings, None, None

    def warm_up(self) -> None:
        def load():
            import great_expectations  # noqa: F401

        self._import = threading.Thread(target=load, name="gx-import", daemon=True)
        self._import.start()

    def __call__(self):
        if self.runner is None:
            start = time.perf_counter()
            if self._import is not None:
                self._import.join()
            from expectations.contracts import ContractRunner

            self.runner = ContractRunner()
            self.timings["contracts_setup"] = time.perf_counter() - start
        return self.runner


class _ReadAhead:
    """Reads the inbox's files in a background thread, up to a batch of rows ahead.

    Reading is mostly DuckDB, calamine and Arrow, outside the GIL: it overlaps the
    normalising and validating of the file before. ``parts(count, report)`` gives the
    next ``count`` files' readable ones in path order; a file that cannot be read is
    quarantined whole.
    """

    def __init__(self, work: list[tuple[FileResult, InboxFile, Table]], retry: dict,
                 quarantine: list[dict], timings: dict, ahead_rows: int):
        self.quarantine, self.timings = quarantine, timings
        # Files read and not yet taken: as many as fit in ``ahead_rows`` rows (a batch),
        # and always one, so small files are read well ahead and a big one alone.
        self._queue: queue.Queue = queue.Queue()
        self._ahead_rows, self._queued_rows = ahead_rows, 0
        self._room = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, args=(work, retry),
                                        name="ingest-read", daemon=True)
        self._thread.start()

    def _read(self, work, retry) -> None:
        for result, found, spec in work:
            start = time.perf_counter()
            try:
                # hashed here, not before reading starts: the hash (outside the GIL)
                # overlaps the work on the files before
                result.sha256 = with_retry(sha256_of, found.path, found.path, **retry)
                outcome = with_retry(read_raw, found.path, found, spec, **retry)
            except OSError as exc:
                outcome = WholeFileError(CORRUPT_FILE, f"read failed: {exc}")
            except BaseException as exc:  # noqa: BLE001  (raised again by the staging thread)
                outcome = exc
            self.timings["read"] = self.timings.get("read", 0) + time.perf_counter() - start
            if not self._put((result, found, outcome)):
                return

    def _put(self, item) -> bool:
        rows = getattr(item[2], "read", 0)
        with self._room:
            while self._queued_rows and self._queued_rows + rows > self._ahead_rows:
                if self._stop.is_set():
                    return False
                self._room.wait(0.2)
            if self._stop.is_set():
                return False
            self._queued_rows += rows
        self._queue.put(item)
        return True

    def _taken(self, item) -> None:
        with self._room:
            self._queued_rows -= getattr(item[2], "read", 0)
            self._room.notify()

    def parts(self, count: int, report):
        """The next ``count`` files' (result, file, raw), the unreadable ones left out;
        ``report(file, rows)`` for each readable one."""
        for _ in range(count):
            item = self._queue.get()
            self._taken(item)
            result, found, raw = item
            if isinstance(raw, WholeFileError):
                self.quarantine.append(_whole_file(found, result, raw.reason, raw.detail))
                continue
            if isinstance(raw, BaseException):
                raise raw
            result.read = raw.read
            report(found, raw.read)
            if raw.unmapped:
                log.info("%s: columns not used: %s", found.file, ", ".join(raw.unmapped))
            yield result, found, raw

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


def ingest(con: duckdb.DuckDBPyConnection, inbox: Path, config: Config,
           as_of: dt.date) -> IngestResult:
    """Read the inbox and replace the stage-1 tables (docs/architecture.md)."""
    timings: dict[str, float] = {}
    files: list[FileResult] = []
    quarantine: list[dict] = []
    usable: dict[str, list[tuple[FileResult, InboxFile]]] = {t: [] for t in config.sources.tables}
    retry = config.operations.read_retry.model_dump()
    contracts = _Contracts(timings)
    contracts.warm_up()  # first, and on an empty inbox too: the rules check every list
    for found in discover(Path(inbox), config, as_of):
        result = FileResult(found.file, found.source, found.table, "",
                            found.extract_date, found.stale, age_days=found.age_days,
                            extract_kind=found.extract_kind)
        files.append(result)
        if found.reason:  # quarantined whole, never read: hashed here (the others as read)
            try:
                result.sha256 = with_retry(sha256_of, found.path, found.path, **retry)
            except OSError as exc:
                log.warning("%s: unreadable: %s", found.file, exc)
            quarantine.append(_whole_file(found, result, found.reason))
        else:
            usable[found.table].append((result, found))

    progress.report("ingest", "found", total=len(files))
    names_cache = NameCache()  # raw name -> (name, pinyin), across the tables of this run
    tables: dict[str, TableResult] = {}
    validations: dict = {}
    batch_rows = config.operations.ingest.batch_rows
    reads = _ReadAhead([(result, found, config.sources.tables[name])
                        for name in config.sources.tables for result, found in usable[name]],
                       retry, quarantine, timings, batch_rows)
    # One writer thread appends a batch to the warehouse while the next one is staged;
    # it is joined before the transaction ends either way.
    with transaction(con), Writer() as writer, \
            ThreadPoolExecutor(1, thread_name_prefix="ingest-normalise") as normaliser:
        staged: list[tuple[TableStager, Future]] = []  # tables being written, in order
        held: list[tuple[str, str, int]] = []  # (table, file, rows) read while an earlier
        #                                        table is being written: its lines wait

        def report_file(found: InboxFile, rows: int) -> None:
            collect(wait=False)
            if staged:
                held.append((found.table, found.file, rows))
            else:
                progress.report("ingest", "file", found.file, rows=rows)

        def release(table: str | None) -> None:
            """The held file lines of ``table`` (all of them when None), in reading order."""
            for item in [h for h in held if table is None or h[0] == table]:
                held.remove(item)
                progress.report("ingest", "file", item[1], rows=item[2])

        def collect(wait: bool) -> None:
            while staged and (wait or staged[0][1].done()):
                stager, done = staged.pop(0)
                done.result()
                name = stager.name
                release(name)
                quarantine.extend(stager.quarantine)
                if stager.validations:
                    validations[name] = stager.validations
                progress.report("ingest", "table", name, rows=stager.rows)
                tables[name] = TableResult(name, stager.spec.source, len(stager.results),
                                           stager.rows, bool(stager.validations),
                                           stager.gx_failed)
                log.info("%s: %d files, %d rows staged, %d quarantined, %d duplicates", name,
                         len(stager.results), stager.rows, len(stager.quarantine),
                         sum(stager.duplicates.values()))
                release(staged[0][0].name if staged else None)
        # Batches are normalised on their own thread, one batch ahead of the contract
        # check here (each thread's Python and the native work of the others overlap).
        ahead: deque[tuple[TableStager, Future | None]] = deque()  # None: finish the table

        def advance(limit: int) -> None:
            """Check the prepared batches in order until ``limit`` are left."""
            while ahead and (len(ahead) > limit or ahead[0][1] is None):
                stager, prepared = ahead.popleft()
                if prepared is None:
                    staged.append((stager, stager.finish()))
                    collect(wait=False)
                else:
                    stager.check(prepared.result())
        try:
            for name, spec in config.sources.tables.items():
                stager = TableStager(con, name, spec, config, contracts, as_of, timings,
                                     names_cache, writer)
                batch: list = []
                for part in reads.parts(len(usable[name]), report_file):
                    if batch and sum(p[2].read for p in batch) + part[2].read > batch_rows:
                        ahead.append((stager, normaliser.submit(stager.prepare, batch)))
                        advance(1)
                        batch = []
                    batch.append(part)
                ahead.append((stager, normaliser.submit(stager.prepare, batch)))
                del batch
                ahead.append((stager, None))
                advance(1)
            advance(0)
            collect(wait=True)
        finally:
            reads.close()
        quarantine.sort(key=lambda q: (q["file"], q["row"] is not None, q["row"] or 0))
        write_ingest_tables(con, config, {t: r.rows for t, r in tables.items()},
                            quarantine_table(quarantine), files_table(files))
    return IngestResult(as_of=as_of, files=files, tables=tables, validations=validations,
                        timings={k: round(v, 3) for k, v in timings.items()},
                        quarantined_rows=sum(q["row"] is not None for q in quarantine))
