"""What every export writer returns, and how files are written (atomically, hashed)."""
from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from transforms import lists_schema

log = logging.getLogger(__name__)


class ExportError(RuntimeError):
    """An input table of the export breaks its interface (architecture.md stage 4)."""


@dataclass(frozen=True)
class OutputFile:
    """One file written under --out, as the manifest lists it.

    ``rows`` counts data rows: CSV rows below the header, list rows over all
    sheets of a workbook; 0 for report.html, which holds no data rows.
    ``note`` says why a file is header-only (its input table was missing).
    """
    file: str  # posix path relative to --out
    rows: int
    sha256: str
    note: str | None = None

    def as_manifest(self) -> dict:
        entry = {"file": self.file, "rows": self.rows, "sha256": self.sha256}
        if self.note:
            entry["note"] = self.note
        return entry


def sha256_of(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def temp_path(path: Path) -> Path:
    """Where a file is written before it replaces ``path`` (no half-written outputs)."""
    return path.with_name(f".{path.name}.tmp")


def publish(out: Path, tmp: Path, path: Path, rows: int, note: str | None = None) -> OutputFile:
    """Move a finished temp file into place and describe it."""
    os.replace(tmp, path)
    entry = OutputFile(path.relative_to(out).as_posix(), rows, sha256_of(path), note)
    log.info("wrote %s (%d rows%s)", entry.file, rows, f"; {note}" if note else "")
    return entry


def write_bytes(out: Path, path: Path, data: bytes, rows: int,
                note: str | None = None) -> OutputFile:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    tmp.write_bytes(data)
    return publish(out, tmp, path, rows, note)


def quote(identifier: str) -> str:
    """A DuckDB identifier; callers pass only names from lists_schema / architecture.md."""
    return '"' + identifier.replace('"', '""') + '"'


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str] | None:
    """Column name -> DuckDB type of a table or view, or None when it does not exist."""
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_name = $t order by table_catalog = 'temp', ordinal_position",
        {"t": table}).fetchall()
    if not rows:
        return None
    found: dict[str, str] = {}
    for name, dtype in rows:
        found.setdefault(name, dtype)
    return found


def require_columns(table: str, found: dict[str, str], wanted: tuple[str, ...]) -> None:
    missing = [c for c in wanted if c not in found]
    if missing:
        raise ExportError(f"export: table {table} lacks columns {missing} "
                          f"(architecture.md stage 3 / lists_schema)")
    internal = {c for name in lists_schema.LISTS for c in lists_schema.internal_columns(name)}
    extra = [c for c in found if c not in wanted and c not in internal]
    if extra:
        log.warning("export: table %s has columns %s not in the contract; not exported",
                    table, extra)
