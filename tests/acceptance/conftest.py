"""Acceptance tests: hand-made inboxes laid out per CONTRACT.md, judged by RULES.md.

Every inbox here is written by the test code itself (csv in UTF-8 / BOM / GBK,
xlsx with title rows, legacy xls, parquet), run through the real Prefect flow
(``flows.recon.recon_flow``) or the stage functions, and the written files are
read back as a county officer's tools would read them. Expectations are derived
by hand from RULES.md, the arithmetic in comments beside them.

Helpers (import them from ``tests.acceptance.conftest``):

- ``pid(birth, seq)``: a valid 18-character ID of county 620421 (``seq`` odd: a man).
- ``HEADERS[table]``: the headers the departments send today (CONTRACT §1).
- ``write_csv`` / ``write_xlsx`` / ``write_xls`` / ``write_parquet``: one inbox file.
- ``run_recon(inbox, out, warehouse)``: the flow, returning an ``Outputs``.
- ``Outputs``: lists, progress, quarantine, manifest and the warehouse, read back.
"""
from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from tests.support import valid_id
from transforms.config import load_config

AS_OF = dt.date(2025, 6, 30)
_CONFIG = load_config()
HEADERS = {name: [c.header for c in t.columns.values()]
           for name, t in _CONFIG.sources.tables.items()}


pid = valid_id  # pid(birth, seq): tests/support.py's factory (seq odd: a man)


def rows_of(table: str, dicts: list[dict], header: list[str] | None = None) -> list[list]:
    """Dict rows (keyed by today's headers) as lists in ``header`` order ('' when absent)."""
    header = header or HEADERS[table]
    return [[d.get(h, "") for h in header] for d in dicts]


def write_csv(path: Path, header: list[str], rows: list[list], encoding: str = "utf-8-sig",
              line_end: str = "\r\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, lineterminator=line_end)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, header: list[str], rows: list[list], titles: tuple[str, ...] = (),
               merge: bool = True) -> Path:
    """An xlsx (openpyxl): title rows (merged across the header's width) above the header.

    Cells keep their Python types: str stays text, int/float become numbers,
    date/datetime become date cells.
    """
    from openpyxl import Workbook

    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    sheet = book.active
    for i, title in enumerate(titles, start=1):
        sheet.cell(row=i, column=1, value=title)
        if merge and len(header) > 1:
            sheet.merge_cells(start_row=i, start_column=1, end_row=i, end_column=len(header))
    sheet.append(header)
    for row in rows:
        sheet.append([None if v == "" else v for v in row])
    book.save(path)
    return path


def write_xls(path: Path, header: list[str], rows: list[list], titles: tuple[str, ...] = ()) -> Path:
    """A legacy .xls (xlwt), title rows merged above the header."""
    import xlwt

    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    for i, title in enumerate(titles):
        sheet.write_merge(i, i, 0, len(header) - 1, title)
    base = len(titles)
    for j, text in enumerate(header):
        sheet.write(base, j, text)
    for i, row in enumerate(rows, start=base + 1):
        for j, value in enumerate(row):
            if value != "" and value is not None:
                sheet.write(i, j, value)
    book.save(str(path))
    return path


def write_parquet(path: Path, header: list[str], rows: list[list], types: dict | None = None) -> Path:
    """A parquet file; every column text unless ``types`` gives an Arrow type for it."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    types = types or {}
    columns = {}
    for j, name in enumerate(header):
        values = [None if r[j] == "" else r[j] for r in rows]
        columns[name] = pa.array(values, types.get(name, pa.string()))
    pq.write_table(pa.table(columns), path)
    return path


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


class Outputs:
    """What one run wrote, read back from disk (and its warehouse, read-only)."""

    def __init__(self, out: Path, warehouse: Path, inbox: Path):
        self.out, self.warehouse, self.inbox = out, warehouse, inbox

    def list(self, name: str) -> list[dict]:
        return read_csv(self.out / "lists" / f"{name}.csv")

    def header(self, relative: str) -> list[str]:
        with open(self.out / relative, encoding="utf-8-sig", newline="") as handle:
            return next(csv.reader(handle))

    @property
    def progress(self) -> list[dict]:
        return read_csv(self.out / "progress.csv")

    @property
    def quarantine(self) -> list[dict]:
        return read_csv(self.out / "quarantine.csv")

    @property
    def manifest(self) -> dict:
        return json.loads((self.out / "manifest.json").read_text(encoding="utf-8"))

    def input(self, file: str) -> dict:
        found = [i for i in self.manifest["inputs"] if i["file"] == file]
        assert found, f"{file} not in manifest inputs"
        return found[0]

    def skipped(self) -> set[str]:
        return {s["check"] for s in self.manifest["skipped_checks"]}

    def sql(self, query: str, params: dict | None = None) -> list[tuple]:
        con = duckdb.connect(str(self.warehouse), read_only=True)
        try:
            return con.execute(query, params or {}).fetchall()
        finally:
            con.close()


def run_recon(inbox: Path, out: Path, warehouse: Path, as_of: dt.date = AS_OF) -> Outputs:
    """One run of the real flow (the one `recon run` and the nightly schedule call)."""
    from flows.recon import recon_flow

    recon_flow(inbox=inbox, out=out, as_of=as_of, warehouse=warehouse)
    return Outputs(out, warehouse, inbox)


def project(rows: list[dict], columns: tuple[str, ...]) -> list[tuple]:
    """Rows as tuples of some columns, in file order."""
    return [tuple(r[c] for c in columns) for r in rows]


@pytest.fixture(scope="session")
def county_run(tmp_path_factory, prefect_harness):
    """The hand-made county of tests/acceptance/county.py through the flow, once."""
    from tests.acceptance.county import write_inbox

    base = tmp_path_factory.mktemp("acceptance_county")
    write_inbox(base / "inbox")
    return run_recon(base / "inbox", base / "out", base / "warehouse.duckdb")


@pytest.fixture(scope="session")
def messy_run(tmp_path_factory, prefect_harness):
    """The messy inbox of tests/acceptance/messy.py through the flow, once."""
    from tests.acceptance.messy import write_inbox

    base = tmp_path_factory.mktemp("acceptance_messy")
    write_inbox(base / "inbox")
    return run_recon(base / "inbox", base / "out", base / "warehouse.duckdb")
