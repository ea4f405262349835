"""Find the files of the inbox and say which table each one feeds (CONTRACT §1).

Layout: ``inbox/<source>/<table>[_<suffix>].<ext>``. A suffix of 8, 6 or 4
digits is the extract date (YYYYMMDD), month (YYYYMM) or year (YYYY); any
other suffix is just a name. A file that cannot feed a table is found anyway,
with the reason it is quarantined whole.
"""
from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from transforms.config import Config

log = logging.getLogger(__name__)

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".xls": "xls", ".parquet": "parquet"}
_EXTRACT = re.compile(r"^(\d{4})(\d{2})?(\d{2})?$")

# Whole-file reasons found before a file is opened.
UNSUPPORTED_FORMAT = "unsupported_format"
UNKNOWN_SOURCE = "unknown_source"
UNKNOWN_TABLE = "unknown_table"
WRONG_SOURCE = "wrong_source"


@dataclass(frozen=True)
class InboxFile:
    path: Path
    file: str                     # path relative to the inbox, '/'-separated
    source: str                   # the source folder ('' when the file is not in one)
    table: str                    # the configured table, else the file's stem
    fmt: str | None               # csv, xlsx, xls, parquet
    extract_date: dt.date | None  # first day of the extract's date, month or year
    stale: bool
    reason: str | None            # why the file is quarantined whole, found by name alone
    extract_kind: str | None = None  # 'day', 'month', 'year' (the suffix), None without one
    age_days: int | None = None      # days from the end of the extract's period to the as-of date


EXTRACT_KINDS = {8: "day", 6: "month", 4: "year"}


def extract_period(suffix: str) -> tuple[dt.date, dt.date] | None:
    """(first, last) day of the period a digit suffix names, or None."""
    m = _EXTRACT.match(suffix)
    if not m or len(suffix) not in (4, 6, 8):
        return None
    year = int(m.group(1))
    try:
        if m.group(3):
            day = dt.date(year, int(m.group(2)), int(m.group(3)))
            return day, day
        if m.group(2):
            month = int(m.group(2))
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last)
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except (ValueError, calendar.IllegalMonthError):
        return None


def match_table(stem: str, tables: list[str]) -> tuple[str, str] | None:
    """(table, suffix) for a file stem ``<table>[_<suffix>]``; the longest table name wins."""
    stem = stem.lower()
    for table in sorted(tables, key=len, reverse=True):
        if stem == table:
            return table, ""
        if stem.startswith(table + "_"):
            return table, stem[len(table) + 1:]
    return None


def sha256_of(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def classify(path: Path, inbox: Path, config: Config, as_of: dt.date) -> InboxFile:
    """What one inbox file is: its source, table, format, extract date, staleness."""
    rel = path.relative_to(inbox)
    file = rel.as_posix()
    parts = rel.parts
    source = parts[0] if len(parts) > 1 else ""
    name = Path(parts[-1])
    fmt = FORMATS.get(name.suffix.lower())
    tables = config.sources.tables
    matched = match_table(name.stem, list(tables))
    table = matched[0] if matched else name.stem
    extract_date, stale, kind, age = None, False, None, None
    if matched and matched[1]:
        period = extract_period(matched[1])
        if period:
            extract_date, kind = period[0], EXTRACT_KINDS[len(matched[1])]
            age = (as_of - period[1]).days
            # An extract is stale when even the last day of its period is too old. A
            # year's file (contributions_2022) is that year's history, never stale.
            stale = kind != "year" and age > config.policy.stale_extract_days
        elif matched[1].isdigit():
            log.warning("%s: suffix %s is no date; read as a plain name", file, matched[1])
    if fmt is None:
        reason = UNSUPPORTED_FORMAT
    elif len(parts) != 2 or source not in config.sources.by_source():
        reason = UNKNOWN_SOURCE
    elif not matched:
        reason = UNKNOWN_TABLE
    elif tables[table].source != source:
        reason = WRONG_SOURCE
    else:
        reason = None
    return InboxFile(path, file, source, table, fmt, extract_date, stale, reason, kind, age)


def discover(inbox: Path, config: Config, as_of: dt.date) -> list[InboxFile]:
    """Every file under the inbox, sorted by its relative path."""
    if not inbox.is_dir():
        log.warning("inbox %s does not exist: every table is missing tonight", inbox)
        return []
    paths = sorted((p for p in inbox.rglob("*") if p.is_file()),
                   key=lambda p: p.relative_to(inbox).as_posix())
    found = [classify(p, inbox, config, as_of) for p in paths]
    for f in found:
        if f.reason:
            log.warning("%s: quarantined whole (%s)", f.file, f.reason)
        elif f.stale:
            log.warning("%s: stale extract of %s", f.file, f.extract_date)
    log.info("inbox %s: %d files, %d usable", inbox, len(found),
             sum(f.reason is None for f in found))
    return found
