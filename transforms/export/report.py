"""report.html: the run in Chinese for the county data officer (CONTRACT.md §3).

Self-contained (inline CSS, no scripts, no external hosts: county servers
have no internet). Rendered from templates/report.html.j2 with autoescaping.
"""
from __future__ import annotations

import datetime as dt
import logging
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import jinja2

from transforms import lists_schema
from transforms.config import County
from transforms.export import labels
from transforms.export.csv_lists import list_table
from transforms.export.files import OutputFile, quote, table_columns, write_bytes
from transforms.export.workbook_summary import percent_text
from transforms.sqlfile import run_sql

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent / "templates"
TOP_QUARANTINE_REASONS = 15
RUN_INFO = {"version": "版本", "inbox": "收件目录", "out": "输出目录", "warehouse": "数据仓库文件",
            "started": "开始时间", "finished": "结束时间", "duration": "用时（秒）",
            "config": "配置目录", "mask_ids": "工作簿身份证号码脱敏",
            "timings": "各步骤用时（秒）"}


def write_report(con: duckdb.DuckDBPyConnection, out: Path, county: County, as_of: dt.date,
                 run_info: dict, *, target_rate: Decimal | None = None) -> OutputFile:
    """Render report.html under ``out``. ``run_info`` is shown as given (keys
    in RUN_INFO get Chinese labels, a dict value as ``key value`` pairs).
    ``target_rate`` is Config.policy.target_rate; pass it so that the report
    names the target (progress.csv's gap_to_target already applies it)."""
    out = Path(out)
    context = build_context(con, out, county, as_of, run_info, target_rate)
    html = _environment().get_template("report.html.j2").render(**context)
    return write_bytes(out, out / "report.html", html.encode("utf-8"), 0)


def build_context(con, out: Path, county: County, as_of: dt.date, run_info: dict,
                  target_rate: Decimal | None) -> dict:
    townships = [t.name for t in county.townships] + [county.unknown_township]
    progress = _progress(con, townships)
    inputs = _rows(con, "ingest_files", "export/inputs")
    counts, missing_lists = _list_counts(con, townships)
    quarantine = _rows(con, "quarantine", "export/quarantine_reasons",
                       {"top": TOP_QUARANTINE_REASONS})
    for row in quarantine:
        row["label"] = labels.reason_with_code(row["reason"])
    return {
        "county": county,
        "as_of": as_of.isoformat(),
        "run_info": [(RUN_INFO.get(k, k), _shown(v)) for k, v in run_info.items()],
        "inputs": inputs,
        "totals": {k: sum(int(r[k] or 0) for r in inputs)
                   for k in ("read", "accepted", "quarantined", "duplicates")},
        "stale": [r for r in inputs if r.get("stale")],
        "skipped": _rows(con, "skipped_checks", "export/skipped_checks"),
        "lists": [(n, labels.LIST_TITLE[n]) for n in lists_schema.LISTS],
        "missing_lists": [labels.LIST_TITLE[n] for n in missing_lists],
        "counts": counts,
        "progress": progress,
        "progress_total": progress_total(progress),
        "target_rate": target_rate,
        "target_label": percent_text(target_rate) if target_rate is not None else "",
        "quarantine": quarantine,
        "quarantine_total": _count(con, "quarantine"),
        "data_docs": _data_docs(out),
        "files": _files(out),
        "source_label": lambda s: labels.SOURCE.get(s, s),
        "table_label": lambda t: labels.with_code(t, labels.TABLE) if t else t,
        "status_label": lambda s: labels.FILE_STATUS.get(s, s),
        "reason_label": lambda r: labels.reason_with_code(r) if r else r,
    }


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                             autoescape=jinja2.select_autoescape(["html", "j2"]),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = lambda v: "—" if v is None else f"{Decimal(v) * 100:.2f}%"
    env.filters["blank"] = lambda v: "—" if v is None or v == "" else v
    return env


def _shown(value) -> str:
    if isinstance(value, dict):
        return "；".join(f"{k} {v}" for k, v in value.items())
    return "" if value is None else str(value)


def _rows(con, table: str, sql_name: str, params: dict | None = None) -> list[dict]:
    if table_columns(con, table) is None:
        log.warning("report: table %s missing", table)
        return []
    cursor = run_sql(con, sql_name, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _count(con, table: str) -> int:
    if table_columns(con, table) is None:
        return 0
    return con.execute(f"select count(*) from {quote(table)}").fetchone()[0]


def _list_counts(con, townships: list[str]) -> tuple[list[dict], list[str]]:
    """Rows per township (configured order, then the unknown township, then any
    other name), one count per list; plus the lists that were not built."""
    per: dict[str, dict[str, int]] = {}
    missing = []
    for name in lists_schema.LISTS:
        table = list_table(name)
        if table_columns(con, table) is None:
            missing.append(name)
            continue
        sql = (f"select coalesce(township, $unknown), count(*) from {quote(table)} "
               "group by all")
        for township, n in con.execute(sql, {"unknown": townships[-1]}).fetchall():
            bucket = per.setdefault(township, {})
            bucket[name] = bucket.get(name, 0) + n
    order = townships[:-1] + sorted(set(per) - set(townships)) + townships[-1:]
    rows = []
    for township in order:
        if township == townships[-1] and township not in per:
            continue  # the unknown township only when a row has it
        values = {n: (None if n in missing else per.get(township, {}).get(n, 0))
                  for n in lists_schema.LISTS}
        rows.append({"township": township, "values": values,
                     "total": sum(v or 0 for v in values.values())})
    if rows:
        totals = {n: (None if n in missing else sum(r["values"][n] for r in rows))
                  for n in lists_schema.LISTS}
        rows.append({"township": "合计", "values": totals,
                     "total": sum(v or 0 for v in totals.values())})
    return rows, missing


def _progress(con, townships: list[str]) -> list[dict]:
    if table_columns(con, "progress") is None:
        return []
    cols = ", ".join(quote(c) for c in lists_schema.PROGRESS)
    cursor = con.execute(
        f"select {cols} from progress order by list_position($order, township) nulls last, "
        "township", {"order": townships})
    return [dict(zip(lists_schema.PROGRESS, row)) for row in cursor.fetchall()]


def progress_total(rows: list[dict]) -> dict | None:
    """The county row: sums, rates over the sums, the townships' gaps added up."""
    if not rows:
        return None

    def total(key):
        values = [r[key] for r in rows if r[key] is not None]
        return sum(values) if values else None

    def rate(part, whole):
        if part is None or not whole:
            return None
        return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP)

    sums = {k: total(k) for k in ("target", "completed", "eligible", "insured", "gap_to_target")}
    return {"township": "全县合计", **sums,
            "completion_rate": rate(sums["completed"], sums["target"]),
            "participation_rate": rate(sums["insured"], sums["eligible"])}


def _data_docs(out: Path) -> str | None:
    folder = out / "data_docs"
    if (folder / "index.html").is_file():
        return "data_docs/index.html"
    return "data_docs/" if folder.is_dir() else None


def _files(out: Path) -> list[str]:
    """Outputs already written beside the report, as relative links."""
    found = [p for pattern in ("lists/*.csv", "*.csv", "townships/*.xlsx")
             for p in out.glob(pattern) if p.is_file()]
    return sorted(p.relative_to(out).as_posix() for p in found)
