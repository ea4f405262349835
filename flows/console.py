"""What the officer sees while `recon run` works: progress from the first
second, then a summary in Chinese. The library stays silent; this module turns
``transforms.progress`` events into rich progress (a terminal) or one plain line
per event (cron, journald, a pipe), and sets up logging so that ``-v`` shows our
debug lines and never our dependencies'.
"""
from __future__ import annotations

import contextlib
import logging
import sys
import time

from rich.console import Console
from rich.logging import RichHandler
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from transforms.export.labels import STEP
from transforms.progress import Event

OUR_LOGGERS = ("flows", "transforms", "expectations", "synth", "tests", "benchmarks")
STEP_LABEL = {**{k: v for k, v in STEP.items() if k in ("ingest", "match", "rules", "cases",
                                                          "export", "publish")},
              "lock": "数据仓库"}
err = Console(stderr=True, highlight=False)
out = Console(highlight=False)


def setup_logging(verbose: bool) -> None:
    """Our loggers: DEBUG with -v, else warnings of flows/ and errors, through rich.
    Every other logger (Prefect, httpx, GX, graphviz, …) stays at WARNING."""
    if err.is_terminal:
        handler: logging.Handler = RichHandler(console=err, show_path=False, markup=False,
                                               rich_tracebacks=False, log_time_format="%H:%M:%S")
    else:  # cron, journald, a pipe: one unwrapped line per record
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in OUR_LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        # without -v: the run's own warnings (a stale lock taken over, a killed run's
        # folder cleaned); the steps' warnings are in the summary, report and manifest
        quiet = logging.WARNING if name == "flows" else logging.ERROR
        logger.setLevel(logging.DEBUG if verbose else quiet)
        logger.propagate = False
    logging.getLogger().setLevel(logging.WARNING)


@contextlib.contextmanager
def prefect_console_silenced():
    """During `recon run` Prefect's own console lines (a failed task's traceback,
    state changes) stay off the officer's screen; they still reach the API."""
    from prefect.logging.handlers import PrefectConsoleHandler

    handlers = [h for name in ("", "prefect", "uvicorn")
                for h in logging.getLogger(name).handlers
                if isinstance(h, PrefectConsoleHandler)]
    levels = [h.level for h in handlers]
    for handler in handlers:
        handler.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for handler, level in zip(handlers, levels):
            handler.setLevel(level)


class RunView:
    """A ``transforms.progress`` listener; a context manager around the run."""

    def __init__(self, console: Console = err, live: bool | None = None):
        self.console = console
        self.live = console.is_terminal if live is None else live
        self.tasks: dict[str, int] = {}
        self.started: dict[str, float] = {}
        self.progress = None
        if self.live:
            self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                     BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                     console=console, transient=False)

    def __enter__(self):
        if self.progress:
            self.progress.start()
        return self

    def __exit__(self, *exc):
        if self.progress:
            self.progress.stop()

    def line(self, text: str) -> None:
        if self.progress:
            self.progress.console.print(text)
        else:
            self.console.print(text, soft_wrap=True)

    def _task(self, step: str, total: float | None = None) -> int | None:
        if not self.progress:
            return None
        if step not in self.tasks:
            self.tasks[step] = self.progress.add_task(STEP_LABEL.get(step, step), total=total)
        return self.tasks[step]

    def __call__(self, event: Event) -> None:
        step, what = event.step, event.what
        label = STEP_LABEL.get(step, step)
        if step == "lock":
            if what == "waiting":
                self.line(f"数据仓库正被占用，等待中（最多 {event.total or 0:.0f} 秒）：{event.name}")
            elif what == "stale":
                self.line(f"上次运行未正常结束，接管其遗留的锁：{event.name}")
            return
        if what == "start" and step in STEP_LABEL:
            self.started[step] = time.monotonic()
            if self.progress:
                self._task(step)
            else:
                self.line(f"▶ {label}")
            return
        if what == "found" and step == "ingest":
            task = self._task("ingest")
            if task is not None:
                self.progress.update(task, total=event.total)
            else:
                self.line(f"  收件箱中共 {event.total:.0f} 个文件")
            return
        if (step, what) in (("ingest", "file"), ("rules", "list"), ("export", "list"),
                            ("export", "workbook")):
            rows = f"{event.rows:,} 行" if event.rows is not None else ""
            task = self._task(step)
            if task is not None:
                self.progress.update(task, advance=1,
                                     description=f"{label}  {event.name}  {rows}".rstrip())
            else:
                self.line(f"  {event.name}  {rows}".rstrip())
            return
        if what == "table" and step == "ingest" and not self.progress:
            self.line(f"  表 {event.name}：入库 {event.rows:,} 行")
            return
        if what == "done" and step in STEP_LABEL:
            seconds = time.monotonic() - self.started.get(step, time.monotonic())
            task = self.tasks.get(step)
            if task is not None:
                total = self.progress.tasks[task].total
                self.progress.update(task, description=f"{label} 完成（{seconds:.1f} 秒）",
                                     total=total or 1, completed=total or 1)
            else:
                self.line(f"✓ {label} 完成（{seconds:.1f} 秒）")


def list_label(table: str) -> str:
    from transforms.export.labels import LIST_TITLE

    name = table.removeprefix("list_")
    if name == "progress":
        return "参保进度（乡镇）"
    return LIST_TITLE.get(name, name)


def summary(result: dict, elapsed: float) -> None:
    """The end of a run: each list in Chinese with its count, and where to look."""
    from transforms import lists_schema

    ingest = result["summaries"].get("ingest", {})
    table = Table(title=f"对账完成：{result['as_of']}（用时 {elapsed:.1f} 秒）", title_justify="left")
    table.add_column("清单")
    table.add_column("人数/行数", justify="right")
    counts = result["counts"]
    for name in lists_schema.LISTS:
        key = name if name == "review_queue" else f"list_{name}"
        if key in counts:
            table.add_row(list_label(name), f"{counts[key]:,}")
    table.add_section()
    if "new_cases" in result:
        table.add_row("本次新增案件", f"{result['new_cases']:,}")
    statuses = result.get("case_statuses") or {}
    if statuses:
        from transforms.export.labels import STATUS

        parts = [f"{STATUS.get(k, k)} {statuses[k]:,}" for k in (*STATUS, "held") if k in statuses]
        table.add_row("案件状态", "，".join(parts).replace("held", "因核查结果暂不列出"))
    table.add_row("隔离的数据行", f"{ingest.get('quarantined_rows', 0):,}")
    if ingest.get("quarantined_files"):
        table.add_row("整文件隔离", f"{ingest['quarantined_files']:,}")
    out.print(table)
    stale = ingest.get("stale_files") or []
    if stale:
        limit = ingest.get("stale_after_days")
        out.print(f"注意：{len(stale)} 个文件的数据已过期（提取超过 {limit} 天）：",
                  soft_wrap=True, markup=False)
        for entry in stale:
            age = f"，已 {entry['age_days']} 天" if entry.get("age_days") is not None else ""
            out.print(f"  {entry['file']}（提取日期 {entry['extract_date']}{age}）",
                      soft_wrap=True, markup=False)
    for skipped in result.get("skipped_checks", []):
        out.print(f"已跳过检查 {skipped['check']}：{skipped['reason']}", soft_wrap=True)
    out.print(f"报告：{result['out']}/report.html", soft_wrap=True, markup=False)
    out.print(f"输出目录：{result['out']}（隔离明细见 quarantine.csv）", soft_wrap=True,
              markup=False)


def fail(message: str, code: int) -> None:
    err.print(message, soft_wrap=True, markup=False)
    sys.exit(code)
