"""The worker process of the export: ``python -m transforms.export.export_worker FOLDER OUT``.

xlsxwriter is pure Python, so a second core writes county.xlsx and a share of the
township workbooks while the run writes the others (county_workbook.py,
``PendingCountyWorkbook``; workbooks.py). A fresh interpreter, not multiprocessing: a
fork would copy the run's DuckDB and Prefect threads mid-work, and spawn runs the
caller's main module again. It starts at the beginning of the export, so its start-up
(the interpreter, xlsxwriter) overlaps the run's CSVs.

The run sends messages in order: one pickle file each in FOLDER (beside the outputs),
its name a line on the worker's stdin; the end of stdin ends the work.

- ``("header", args)``: ``county_workbook.CountyBook``'s arguments;
- ``("list", name, rows)``: one list's rendered rows as ``(cells, height)`` tuples (a
  ``list_rows.Row`` each; None: the table is missing), in the lists' order: the worker
  writes that county.xlsx sheet while the run renders the next list;
- ``("townships", jobs)``: township workbooks to write (``workbooks._workbook``'s
  arguments, the rows as indices into the lists), into the temp files the run then
  publishes; the worker says ``townships`` on stdout when they are written.

At the end of stdin it finishes county.xlsx into OUT (the output's temp file) and says
``county``. A failure exits non-zero with the traceback on stderr, which the run raises.
"""
from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from transforms.export.files import temp_path


class ExportWorker:
    """The run's side: start the worker, send it messages, wait for what it wrote."""

    def __init__(self, out: Path, file: str, header: tuple) -> None:
        self._out = out
        self._folder = temp_path(out / file).with_suffix(".worker")
        shutil.rmtree(self._folder, ignore_errors=True)
        self._folder.mkdir(parents=True)
        self._county_tmp = temp_path(out / file)
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by finish/stop)
        self._township_tmps: list[Path] = []
        self._sent = 0
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "transforms.export.export_worker", str(self._folder),
             str(self._county_tmp)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=self._errors, env=env)
        self._send(("header", header))

    def _send(self, message: tuple) -> None:
        path = self._folder / f"{self._sent:04d}.pickle"
        self._sent += 1
        path.write_bytes(pickle.dumps(message, pickle.HIGHEST_PROTOCOL))
        try:
            self._proc.stdin.write(path.name.encode() + b"\n")
            self._proc.stdin.flush()
        except BrokenPipeError:  # the worker died: finish() says why
            pass

    def send_list(self, name: str, rows: list | None) -> None:
        self._send(("list", name, None if rows is None else [(r.cells, r.height)
                                                             for r in rows]))

    def send_townships(self, jobs: list[tuple[Path, tuple]]) -> None:
        """``jobs``: (the workbook's temp file, ``_workbook``'s arguments with the rows
        as ``{list: indices or None}``); no message follows."""
        self._township_tmps = [tmp for tmp, _ in jobs]
        self._send(("townships", [(str(tmp), args) for tmp, args in jobs]))
        self._proc.stdin.close()

    def townships_written(self) -> None:
        """Wait until the workbooks of ``send_townships`` are in their temp files."""
        if self._proc.stdout.readline().strip() != b"townships":
            self.finish()  # raises the worker's error
            raise RuntimeError("export worker ended before writing its township workbooks")

    def finish(self) -> None:
        """Wait for county.xlsx in its temp file; raise the worker's error if it failed."""
        if not self._proc.stdin.closed:
            self._proc.stdin.close()
        self._proc.stdout.read()
        code = self._proc.wait()
        shutil.rmtree(self._folder, ignore_errors=True)
        self._errors.seek(0)
        errors = self._errors.read().decode("utf-8", "replace")
        self._errors.close()
        if code != 0:
            for tmp in [self._county_tmp, *self._township_tmps]:
                tmp.unlink(missing_ok=True)
            raise RuntimeError(f"export worker failed ({code}):\n{errors[-4000:]}")

    def stop(self) -> None:
        """Kill the worker and remove everything it and this side wrote."""
        self._proc.kill()
        self._proc.wait()
        for stream in (self._proc.stdin, self._proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        shutil.rmtree(self._folder, ignore_errors=True)
        for tmp in [self._county_tmp, *self._township_tmps]:
            tmp.unlink(missing_ok=True)
        self._errors.close()


def main(folder: Path, out: Path) -> None:
    from transforms.export.county_workbook import CountyBook
    from transforms.export.list_rows import Row
    from transforms.export.workbooks import _workbook

    book, lists = None, {}
    for line in sys.stdin.buffer:
        kind, *message = pickle.loads((folder / line.strip().decode()).read_bytes())
        if kind == "header":
            book = CountyBook(*message[0])
        elif kind == "list":
            name, rows = message
            lists[name] = None if rows is None else [Row(c, h) for c, h in rows]
            book.add_list(name, lists[name])
        elif kind == "townships":
            for tmp, (*args, indices, progress, stats, with_status, stamp) in message[0]:
                rows = {name: (None if lists[name] is None or indices[name] is None
                               else [lists[name][i] for i in indices[name]])
                        for name in lists}
                data, _ = _workbook(*args, rows, progress, stats, with_status, stamp)
                Path(tmp).write_bytes(data)
            sys.stdout.write("townships\n")
            sys.stdout.flush()
    data, _ = book.finish()
    out.write_bytes(data)
    sys.stdout.write("county\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
