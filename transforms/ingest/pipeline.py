"""Stage 1: the inbox into ``stg_*``, ``quarantine``, ``ingest_files``, ``table_status``.

Per table: read its files as text, normalise set-wise, quarantine the rows a
check rejects, drop exact duplicates (DuckDB), quarantine the rows the table's
data contract rejects (GX), write ``stg_<table>``. One table's raw text is in
memory at a time; every table is replaced inside one transaction.
"""
from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import json
import logging
import threading
import time
from collections import Counter
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from transforms import progress
from transforms.config import Config, Table
from transforms.ingest import csv_fast
from transforms.ingest.columns import NameCache, normalise_columns, row_reasons
from transforms.ingest.discover import InboxFile, discover, sha256_of
from transforms.ingest.frame import FIELD_COUNT_MISMATCH, RawFile, from_arrow, from_grid
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
from transforms.ingest.staging import (
    arrow_schema,
    duplicate_key,
    find_duplicates,
    staging_columns,
    transaction,
    write_ingest_tables,
    write_staged,
)
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


def _quarantine_row(found: InboxFile, table: str, row: int | None, reason: str,
                    raw: dict) -> dict:
    return {"source": found.source, "table": table, "file": found.file, "row": row,
            "reason": reason, "raw": json.dumps(raw, ensure_ascii=False)}


def _whole_file(found: InboxFile, result: FileResult, reason: str, detail: str = "") -> dict:
    log.warning("%s: quarantined whole: %s %s", found.file, reason, detail)
    result.status, result.reason = QUARANTINED, reason
    raw = {"说明": WHOLE_FILE.get(reason, reason)}
    if detail:
        raw["detail"] = detail.replace(str(found.path), found.file)
    return _quarantine_row(found, found.table, None, reason, raw)


def _count(values: pa.Array) -> Counter:
    if not len(values):
        return Counter()
    counts = pc.value_counts(values)
    return Counter(dict(zip(counts.field("values").to_pylist(),
                            counts.field("counts").to_pylist())))


def _kept(table: pa.Table, keep: pa.Array) -> pa.Table:
    """The rows of ``table`` where ``keep`` holds (the table itself when it holds everywhere)."""
    return table if pc.all(keep).as_py() else table.filter(keep)


class TableStager:
    """Stages the readable files of one table and keeps their accounting."""

    def __init__(self, name: str, spec: Table, config: Config,
                 parts: list[tuple[FileResult, InboxFile, RawFile]],
                 names_cache: NameCache | None = None):
        self.name, self.spec, self.config, self.parts = name, spec, config, parts
        sizes = [raw.columns.num_rows for _, _, raw in parts]
        self.offsets = [sum(sizes[:i]) for i in range(len(sizes))]
        self.n = sum(sizes)
        self.quarantine: list[dict] = []
        self.names_cache = names_cache if names_cache is not None else NameCache()
        self.duplicates: Counter = Counter()
        self.gx_failed = 0

    def _concat(self, piece) -> pa.Array:
        return pa.concat_arrays([piece(found, raw) for _, found, raw in self.parts])

    def _quarantine_positions(self, positions: list[int], reasons: list[str]) -> None:
        """Quarantine rows by their position in the table (files concatenated in order)."""
        by_part: dict[int, list[tuple[int, str]]] = {}
        for position, reason in zip(positions, reasons):
            part = bisect.bisect_right(self.offsets, position) - 1
            by_part.setdefault(part, []).append((position - self.offsets[part], reason))
        for part, items in sorted(by_part.items()):
            _, found, raw = self.parts[part]
            local = [p for p, _ in items]
            numbers = raw.row_numbers.take(pa.array(local, pa.int64())).to_pylist()
            for (_, reason), number, values in zip(items, numbers, raw.raw_rows(local)):
                self.quarantine.append(_quarantine_row(found, self.name, number, reason, values))

    def stage(self, con: duckdb.DuckDBPyConnection, runner_factory, as_of: dt.date,
              timings: dict) -> tuple[pa.Table, object]:
        """The accepted rows as ``stg_<table>`` rows, and the contract's validation result."""
        for _, found, raw in self.parts:
            for number, values in raw.mismatched:
                self.quarantine.append(_quarantine_row(found, self.name, number,
                                                       FIELD_COUNT_MISMATCH, values))
        columns = staging_columns(self.spec)
        if self.n == 0:
            return arrow_schema(columns).empty_table(), None
        start = time.perf_counter()
        texts = {k: self._concat(lambda f, raw, k=k: raw.text(k)) for k in self.spec.columns}
        numeric = self._concat(lambda f, raw: raw.numeric_id if raw.numeric_id is not None
                               else pa.repeat(False, raw.columns.num_rows))
        out, errors = normalise_columns(self.spec, texts, numeric, self.config.county,
                                        self.names_cache)
        reasons = row_reasons(self.spec, out, texts, errors, self.n)
        del texts, numeric, errors  # one table at a time in memory: drop what is done
        # _rid n is the row at position n - 1 of the files concatenated in path order.
        out["_rid"] = pa.array(range(1, self.n + 1), pa.int64())
        out["_file"] = self._concat(lambda f, raw: pa.repeat(pa.scalar(f.file, pa.string()),
                                                            raw.columns.num_rows))
        out["_row"] = self._concat(lambda f, raw: raw.row_numbers)
        out["_extract_date"] = self._concat(lambda f, raw: pa.repeat(
            pa.scalar(f.extract_date, pa.date32()), raw.columns.num_rows))
        staged = pa.table([out[c] for c, _ in columns], schema=arrow_schema(columns))
        rejected = pc.is_valid(reasons)
        self._quarantine_positions(pc.indices_nonzero(rejected).to_pylist(),
                                   reasons.filter(rejected).to_pylist())
        # Rows leave through one mask, applied once at the end: a filter copies every
        # column, and most tables lose no row or a handful.
        keep = pc.invert(rejected)
        files_of = out.pop("_file")
        del out, reasons, rejected
        timings["normalise"] = timings.get("normalise", 0) + time.perf_counter() - start

        start = time.perf_counter()
        keys = [duplicate_key(k, c.type) for k, c in self.spec.columns.items()]
        duplicates = find_duplicates(con, _kept(staged.select(["_rid", "_file", "_row", *keys]),
                                                keep), self.spec.money_table)
        if len(duplicates):
            keep = pc.and_(keep, pc.invert(pc.is_in(staged.column("_rid"), duplicates)))
        self.duplicates = _count(files_of.take(pc.subtract(duplicates, 1)))
        timings["duplicates"] = timings.get("duplicates", 0) + time.perf_counter() - start

        validation = None
        if pc.any(keep).as_py():
            from expectations.contracts import failing_rows

            runner = runner_factory()
            start = time.perf_counter()
            validation = runner.validate(self.name, staged, as_of, keep)
            failing = failing_rows(validation)
            if failing:
                rids = sorted(failing)
                self._quarantine_positions([r - 1 for r in rids], [failing[r] for r in rids])
                keep = pc.and_(keep, pc.invert(pc.is_in(
                    staged.column("_rid"), pa.array(rids, pa.int64()))))
            self.gx_failed = len(failing)
            timings["contracts"] = timings.get("contracts", 0) + time.perf_counter() - start
        return _kept(staged, keep), validation

    def account(self, staged: pa.Table) -> None:
        """Set each file's counts; every row read is accepted, quarantined or a duplicate."""
        quarantined = Counter(q["file"] for q in self.quarantine)
        accepted = _count(staged.column("_file"))
        for result, _, _ in self.parts:
            result.accepted = accepted[result.file]
            result.quarantined = quarantined[result.file]
            result.duplicates = self.duplicates[result.file]
            result.check()


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


def ingest(con: duckdb.DuckDBPyConnection, inbox: Path, config: Config,
           as_of: dt.date) -> IngestResult:
    """Read the inbox and replace the stage-1 tables (docs/architecture.md)."""
    timings: dict[str, float] = {}
    files: list[FileResult] = []
    quarantine: list[dict] = []
    usable: dict[str, list[tuple[FileResult, InboxFile]]] = {t: [] for t in config.sources.tables}
    retry = config.operations.read_retry.model_dump()
    for found in discover(Path(inbox), config, as_of):
        try:
            sha = with_retry(sha256_of, found.path, found.path, **retry)
        except OSError as exc:
            sha, found = "", dataclasses.replace(found, reason=CORRUPT_FILE)
            log.warning("%s: unreadable: %s", found.file, exc)
        result = FileResult(found.file, found.source, found.table, sha,
                            found.extract_date, found.stale, age_days=found.age_days,
                            extract_kind=found.extract_kind)
        files.append(result)
        if found.reason:
            quarantine.append(_whole_file(found, result, found.reason))
        else:
            usable[found.table].append((result, found))

    progress.report("ingest", "found", total=len(files))
    contracts = _Contracts(timings)
    names_cache = NameCache()  # raw name -> (name, pinyin), across the tables of this run
    contracts.warm_up()  # also on an empty inbox: the rules check every list with GX
    tables: dict[str, TableResult] = {}
    validations: dict = {}
    with transaction(con):
        for name, spec in config.sources.tables.items():
            start = time.perf_counter()
            parts = []
            for result, found in usable[name]:
                try:
                    raw = with_retry(read_raw, found.path, found, spec, **retry)
                except OSError as exc:
                    exc = WholeFileError(CORRUPT_FILE, f"read failed: {exc}")
                    quarantine.append(_whole_file(found, result, exc.reason, exc.detail))
                    continue
                except WholeFileError as exc:
                    quarantine.append(_whole_file(found, result, exc.reason, exc.detail))
                    continue
                result.read = raw.read
                progress.report("ingest", "file", found.file, rows=raw.read)
                if raw.unmapped:
                    log.info("%s: columns not used: %s", found.file, ", ".join(raw.unmapped))
                parts.append((result, found, raw))
            timings["read"] = timings.get("read", 0) + time.perf_counter() - start
            stager = TableStager(name, spec, config, parts, names_cache)
            staged, validation = stager.stage(con, contracts, as_of, timings)
            stager.account(staged)
            quarantine += stager.quarantine
            if validation is not None:
                validations[name] = validation
            start = time.perf_counter()
            write_staged(con, name, spec, staged)
            timings["write"] = timings.get("write", 0) + time.perf_counter() - start
            progress.report("ingest", "table", name, rows=staged.num_rows)
            tables[name] = TableResult(name, spec.source, len(parts), staged.num_rows,
                                       validation is not None, stager.gx_failed)
            log.info("%s: %d files, %d rows staged, %d quarantined, %d duplicates", name,
                     len(parts), staged.num_rows, len(stager.quarantine),
                     sum(stager.duplicates.values()))
        quarantine.sort(key=lambda q: (q["file"], q["row"] is not None, q["row"] or 0))
        write_ingest_tables(con, config, {t: r.rows for t, r in tables.items()},
                            quarantine_table(quarantine), files_table(files))
    return IngestResult(as_of=as_of, files=files, tables=tables, validations=validations,
                        timings={k: round(v, 3) for k, v in timings.items()},
                        quarantined_rows=sum(q["row"] is not None for q in quarantine))
