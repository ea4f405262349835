"""What one ingest run found: per-file counts and the data-contract results."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from transforms.ingest.staging import INGEST_FILES, QUARANTINE, arrow_schema

OK = "ok"
QUARANTINED = "quarantined"


@dataclass
class FileResult:
    """One inbox file: a row of ``ingest_files`` and an entry of the manifest's inputs."""
    file: str
    source: str
    table: str
    sha256: str
    extract_date: dt.date | None
    stale: bool
    read: int = 0
    accepted: int = 0
    quarantined: int = 0
    duplicates: int = 0
    status: str = OK
    reason: str | None = None
    age_days: int | None = None
    extract_kind: str | None = None

    def check(self) -> None:
        """Every row read is accepted, quarantined or dropped as a duplicate."""
        if self.read != self.accepted + self.quarantined + self.duplicates:
            raise AssertionError(
                f"{self.file}: read {self.read} != accepted {self.accepted} + quarantined "
                f"{self.quarantined} + duplicates {self.duplicates}")


@dataclass
class TableResult:
    table: str
    source: str
    files: int
    rows: int
    validated: bool          # a data contract ran on its rows
    gx_failed_rows: int = 0


@dataclass
class IngestResult:
    as_of: dt.date
    files: list[FileResult]
    tables: dict[str, TableResult]
    validations: dict[str, list[Any]] = field(default_factory=dict)  # table -> GX results, a batch each
    timings: dict[str, float] = field(default_factory=dict)    # seconds per step
    quarantined_rows: int = 0

    def file(self, name: str) -> FileResult:
        return next(f for f in self.files if f.file == name)


def files_table(files: list[FileResult]) -> pa.Table:
    names = [c for c, _ in INGEST_FILES]
    rows = [{c: getattr(f, c) for c in names} for f in files]
    return pa.Table.from_pylist(rows, schema=arrow_schema(INGEST_FILES))


def quarantine_table(rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=arrow_schema(QUARANTINE))
