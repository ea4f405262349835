"""What report.html opens with: the headline paragraph a county leader reads first, the
money at stake, and the charts (inline SVG)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from markupsafe import Markup, escape

from transforms.export import figures, labels
from transforms.export.files import table_columns
from transforms.export.report_charts import PALETTE, bar_chart, rate_chart

METHOD_LABELS = {**labels.METHOD, "manual": "乡镇人工确认为同一人"}


def yuan(amount) -> str:
    return f"{Decimal(amount or 0):,.2f}"


def _county(stats: dict) -> dict:
    return figures.add_stats(figures.township_total(per) for per in stats.values())


def headline(as_of: dt.date, stats: dict, with_status: bool, total: dict | None,
             target_label: str, inputs: list[dict]) -> Markup:
    """One paragraph: cases tonight, new since the last run, the money at stake, the
    county's progress, and what is missing from tonight's data."""
    county = _county(stats)
    e = escape
    text = f"截至 {e(as_of.isoformat())}，本次比对共列出待核查案件 <strong>{county['rows']}</strong> 件"
    if with_status and county["status"] is not None:
        text += f"，其中新增 <strong>{county['status']['new']}</strong> 件（此前各次运行未列出）"
    money = county["money"]
    parts = [f"{e(labels.MONEY_AT_STAKE[c])} <strong>{yuan(money[c])}</strong> 元"
             for c in figures.MONEY_COLUMNS]
    text += "。涉及金额：" + "，".join(parts) + "。"
    if total and total.get("participation_rate") is not None:
        text += (f"全县参保率 <strong>{figures.rate_text(total['participation_rate'])}</strong>"
                 f"，距{e(target_label)}目标尚差 <strong>{total['gap_to_target']}</strong> 人")
        if total.get("completion_rate") is not None:
            text += f"；参保任务完成率 <strong>{figures.rate_text(total['completion_rate'])}</strong>"
        text += "。"
    stale = [r for r in inputs if r.get("stale")]
    if stale:
        text += f"有 <strong>{len(stale)}</strong> 个数据文件已过期，相关结果可能不准确（见文末）。"
    return Markup(text)


def money_rows(stats: dict, townships: list[str]) -> list[dict]:
    """Per township (with rows) the money of its lists, and the county total."""
    rows = []
    for township in townships:
        if township in stats:
            rows.append({"township": township,
                         "money": figures.township_total(stats[township])["money"]})
    if rows:
        rows.append({"township": "合计", "money": _county(stats)["money"]})
    return rows


def new_per_township(stats: dict, with_status: bool) -> dict[str, int] | None:
    if not with_status:
        return None
    out = {}
    for township, per in stats.items():
        status = figures.township_total(per)["status"]
        out[township] = status["new"] if status else 0
    out["合计"] = sum(out.values())
    return out


def charts(con, counts: list[dict], progress: list[dict], target_rate: Decimal | None,
           target_label: str, built: list[str]) -> list[Markup]:
    found = []
    townships = [r for r in counts if r["township"] != "合计"]
    if townships:
        legend = [labels.LIST_TITLE[n] for n in built]
        rows = [(r["township"], [r["values"][n] or 0 for n in built], str(r["total"]))
                for r in townships]
        found.append(bar_chart("各乡镇待核查案件数（按清单）", rows, legend=legend,
                               colors=PALETTE))
    if target_rate is not None and progress:
        chart = rate_chart(f"各乡镇参保率与{target_label}目标", progress, "participation_rate",
                           target_rate, f"目标 {target_label}")
        if chart:
            found.append(chart)
        chart = rate_chart("各乡镇参保任务完成率", progress, "completion_rate", Decimal(1),
                           "任务数 100%")
        if chart:
            found.append(chart)
    methods = _methods(con)
    if methods:
        rows = [(METHOD_LABELS.get(m, m), [n], str(n)) for m, n in methods]
        found.append(bar_chart("部门记录与参保台账的比对方式（已匹配记录数）", rows,
                               colors=("#5B9BD5",), label_width=200))
    return found


def _methods(con) -> list[tuple[str, int]]:
    if table_columns(con, "match_links") is None:
        return []
    order = list(METHOD_LABELS)
    rows = con.execute("select method, count(*) from match_links group by all").fetchall()
    return sorted(rows, key=lambda r: (order.index(r[0]) if r[0] in order else len(order),
                                       str(r[0])))
