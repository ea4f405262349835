"""report.html: the run in Chinese for the county data officer (CONTRACT.md §3).

Self-contained (inline CSS, no scripts, no external hosts: county servers
have no internet). Rendered from templates/report.html.j2 with autoescaping.
"""
from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from pathlib import Path

import duckdb
import jinja2

from transforms import lists_schema
from transforms.config import County
from transforms.export import figures, labels, report_headline
from transforms.export.csv_lists import list_table
from transforms.export.files import OutputFile, quote, table_columns, write_bytes
from transforms.export.workbook_summary import percent_text
from transforms.sqlfile import run_sql

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parent / "templates"
TOP_QUARANTINE_REASONS = 15
RUN_INFO = {"version": "版本", "inbox": "收件目录", "out": "输出目录", "warehouse": "数据仓库文件",
            "started": "开始时间", "finished": "结束时间", "duration": "用时（秒）",
            "config": "配置目录", "mask_ids": "工作簿身份证号码脱敏", "as_of": "数据截止日期",
            "executor": "运行方式"}


def write_report(con: duckdb.DuckDBPyConnection, out: Path, county: County, as_of: dt.date,
                 run_info: dict, *, target_rate: Decimal | None = None) -> OutputFile:
    """Render report.html under ``out``. ``run_info`` is shown as given at the end (keys
    in RUN_INFO get Chinese labels; ``timings`` as a table of steps in Chinese).
    ``target_rate`` is Config.policy.target_rate: the county row's gap and the charts
    use it (without it the county gap is the townships' gaps added up)."""
    out = Path(out)
    context = build_context(con, out, county, as_of, run_info, target_rate)
    html = _environment().get_template("report.html.j2").render(**context)
    return write_bytes(out, out / "report.html", html.encode("utf-8"), 0)


def build_context(con, out: Path, county: County, as_of: dt.date, run_info: dict,
                  target_rate: Decimal | None) -> dict:
    townships = [t.name for t in county.townships] + [county.unknown_township]
    progress = figures.read_progress(con, townships)
    inputs = _inputs(con, as_of)
    counts, missing_lists = _list_counts(con, townships)
    stats, _, with_status = figures.list_stats(con, townships[:-1], townships[-1])
    quarantine = _rows(con, "quarantine", "export/quarantine_reasons",
                       {"top": TOP_QUARANTINE_REASONS})
    for row in quarantine:
        row["label"] = labels.reason_with_code(row["reason"])
    total = progress_total(progress, target_rate)
    target_label = percent_text(target_rate) if target_rate is not None else ""
    info = {k: v for k, v in run_info.items() if k != "timings"}
    return {
        "county": county,
        "as_of": as_of.isoformat(),
        "headline": report_headline.headline(as_of, stats, with_status, total, target_label,
                                              inputs),
        "charts": report_headline.charts(con, counts, progress, target_rate, target_label,
                                         [n for n in lists_schema.LISTS
                                          if n not in missing_lists]),
        "money": report_headline.money_rows(stats, townships),
        "money_labels": [(c, labels.MONEY_AT_STAKE[c]) for c in figures.MONEY_COLUMNS],
        "run_info": [(RUN_INFO.get(k, k), _shown(v)) for k, v in info.items()],
        "timings": [(labels.STEP.get(k, k), v) for k, v in (run_info.get("timings") or {}).items()],
        "inputs": inputs,
        "totals": {k: sum(int(r[k] or 0) for r in inputs)
                   for k in ("read", "accepted", "quarantined", "duplicates")},
        "stale": [r for r in inputs if r.get("stale")],
        "history": [r for r in inputs if r.get("history")],
        "skipped": _rows(con, "skipped_checks", "export/skipped_checks"),
        "lists": [(n, labels.LIST_TITLE[n]) for n in lists_schema.LISTS],
        "missing_lists": [labels.LIST_TITLE[n] for n in missing_lists],
        "counts": counts,
        "new_counts": report_headline.new_per_township(stats, with_status),
        "progress": progress,
        "progress_total": total,
        "target_rate": target_rate,
        "target_label": target_label,
        "quarantine": quarantine,
        "quarantine_total": _count(con, "quarantine"),
        "data_docs": _data_docs(out),
        "files": _files(out),
        "source_label": lambda s: labels.SOURCE.get(s, s),
        "table_label": lambda t: labels.with_code(t, labels.TABLE) if t else t,
        "status_label": lambda s: labels.FILE_STATUS.get(s, s),
        "reason_label": lambda r: labels.reason_with_code(r) if r else r,
    }


def _inputs(con, as_of: dt.date) -> list[dict]:
    """ingest_files as the report shows them: age and kind of extract where the table
    has them (``age_days``, ``extract_kind``), and an old year's file marked history."""
    rows = _rows(con, "ingest_files", "export/inputs")
    found = table_columns(con, "ingest_files") or {}
    extra = {}
    if "age_days" in found and "extract_kind" in found:
        extra = {(f, s, t): (a, k) for f, s, t, a, k in con.execute(
            'select file, source, "table", age_days, extract_kind from ingest_files').fetchall()}
    for row in rows:
        age, kind = extra.get((row["file"], row["source"], row["table"]), (None, None))
        if age is None and row.get("extract_date") is not None:
            age = (as_of - row["extract_date"]).days
        row["age_days"], row["extract_kind"] = age, kind
        row["history"] = bool(kind == "year" and not row.get("stale")
                              and row.get("extract_date") is not None
                              and row["extract_date"].year < as_of.year)
    return rows


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                             autoescape=jinja2.select_autoescape(["html", "j2"]),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = figures.rate_text
    env.filters["blank"] = lambda v: "—" if v is None or v == "" else v
    env.filters["yuan"] = report_headline.yuan
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


def progress_total(rows: list[dict], target_rate: Decimal | None = None) -> dict | None:
    """The county row: sums, and rates and gap from the sums (figures.county_total).
    Without a target rate the gap is the townships' gaps added up."""
    if not rows:
        return None
    if target_rate is not None:
        return figures.county_total(rows, target_rate, labels.COUNTY_TOTAL)
    total = figures.county_total(rows, Decimal(1), labels.COUNTY_TOTAL)
    gaps = [r["gap_to_target"] for r in rows if r.get("gap_to_target") is not None]
    total["gap_to_target"] = sum(gaps) if gaps else None
    total["participation_rate"] = figures.rate(total["insured"], total["eligible"])
    return total


def _data_docs(out: Path) -> str | None:
    folder = out / "data_docs"
    if (folder / "index.html").is_file():
        return "data_docs/index.html"
    return "data_docs/" if folder.is_dir() else None


def _files(out: Path) -> list[str]:
    """Outputs already written beside the report, as relative links."""
    found = [p for pattern in ("lists/*.csv", "*.csv", "*.xlsx", "townships/*.xlsx")
             for p in out.glob(pattern) if p.is_file()]
    return sorted(p.relative_to(out).as_posix() for p in found)
