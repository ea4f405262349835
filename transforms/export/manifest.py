"""manifest.json (CONTRACT.md §3): what was read, what was skipped, what was written."""
from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import duckdb

from transforms.export.files import OutputFile, table_columns, write_bytes
from transforms.sqlfile import run_sql

log = logging.getLogger(__name__)

MANIFEST = "manifest.json"
_COUNTS = ("read", "accepted", "quarantined", "duplicates")


def write_manifest(con: duckdb.DuckDBPyConnection, out: Path, as_of: dt.date, version: str,
                   timings: dict, outputs: list[OutputFile]) -> Path:
    """Write manifest.json under ``out`` and return its path.

    ``outputs`` are the OutputFile entries of every writer; they are listed
    sorted by file. Keys are sorted and non-ASCII kept as is (UTF-8, no BOM).
    """
    out = Path(out)
    files = [o.file for o in outputs]
    duplicated = sorted({f for f in files if files.count(f) > 1})
    if duplicated:
        raise ValueError(f"manifest: outputs listed twice: {duplicated}")
    manifest = {
        "as_of": as_of.isoformat(),
        "version": version,
        "inputs": inputs(con),
        "skipped_checks": skipped_checks(con),
        "outputs": [o.as_manifest() for o in sorted(outputs, key=lambda o: o.file)],
        "timings": {str(k): round(float(v), 3) for k, v in sorted(timings.items())},
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    path = out / MANIFEST
    write_bytes(out, path, text.encode("utf-8"), len(outputs))
    return path


def inputs(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """One entry per file found in the inbox (ingest_files), sorted by file."""
    if table_columns(con, "ingest_files") is None:
        log.warning("manifest: table ingest_files missing; inputs left empty")
        return []
    cursor = run_sql(con, "export/inputs")
    names = [d[0] for d in cursor.description]
    entries = []
    for row in cursor.fetchall():
        entry = dict(zip(names, row))
        for key in _COUNTS:
            entry[key] = int(entry[key] or 0)
        date = entry["extract_date"]
        if date is not None:
            entry["extract_date"] = date.isoformat() if hasattr(date, "isoformat") else str(date)
        entry["stale"] = bool(entry["stale"])
        entries.append(entry)
    return entries


def skipped_checks(con: duckdb.DuckDBPyConnection) -> list[dict]:
    if table_columns(con, "skipped_checks") is None:
        return []
    cursor = run_sql(con, "export/skipped_checks")
    return [{"check": check, "reason": reason} for check, reason in cursor.fetchall()]
