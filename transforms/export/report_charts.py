"""Inline SVG charts for report.html: no script, no font or file from anywhere.

One kind of chart serves them all: horizontal bars, one row per category, stacked
when a row has several values, with an optional reference line (the target).
"""
from __future__ import annotations

import math
from decimal import Decimal
from xml.sax.saxutils import escape

from markupsafe import Markup

from transforms.export.figures import rate_text

PALETTE = ("#2F75B5", "#C00000", "#ED7D31", "#7030A0", "#70AD47", "#FFC000", "#5B9BD5",
           "#A5A5A5")
GOOD, SHORT = "#70AD47", "#ED7D31"
LABEL_W, VALUE_W, ROW_H, TOP = 110, 90, 22, 34


def _t(x, y, text, **attrs) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(str(text))}</text>'


def bar_chart(title: str, rows: list[tuple], *, x_min: float = 0.0,
              x_max: float | None = None, colors=PALETTE, legend: list[str] | None = None,
              ref: tuple[float, str] | None = None, ticks=(), width: int = 860,
              label_width: int = LABEL_W) -> Markup:
    """``rows``: (category, [values stacked], text after the bar[, colour of this row]).
    Values are on the axis from ``x_min`` to ``x_max``; a stack starts at ``x_min``."""
    legend_rows = _legend_layout(legend or [], label_width, width)
    top = TOP + 20 * (max(r for r, _ in legend_rows) + 1 if legend_rows else 0)
    plot_w = width - label_width - VALUE_W
    bottom = top + ROW_H * len(rows)
    height = bottom + 28
    if x_max is None:
        x_max = max([x_min + sum(r[1]) for r in rows] + [x_min + 1])
    span = (x_max - x_min) or 1

    def x(value: float) -> float:
        return label_width + plot_w * (min(max(value, x_min), x_max) - x_min) / span

    # inline SVG in HTML needs no xmlns: the report names no outside address at all
    out = [(f'<svg role="img" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" class="chart">'),
           f"<title>{escape(title)}</title>",
           _t(4, 18, title, font_size=15, font_weight="bold")]
    for k, (name, (line, lx)) in enumerate(zip(legend or [], legend_rows)):
        ly = TOP + 20 * line
        out.append(f'<rect x="{lx}" y="{ly - 8}" width="12" height="12" '
                   f'fill="{colors[k % len(colors)]}"/>')
        out.append(_t(lx + 16, ly + 2, name, font_size=12))
    for value, label in ticks:
        tx = x(value)
        out.append(f'<line x1="{tx:.1f}" y1="{top - 4}" x2="{tx:.1f}" y2="{bottom}" '
                   'stroke="#ddd"/>')
        out.append(_t(tx, bottom + 14, label, font_size=11, text_anchor="middle", fill="#666"))
    shown_labels = []
    for i, row in enumerate(rows):
        category, values, shown = row[:3]
        own = row[3] if len(row) > 3 else None
        y = top + ROW_H * i
        out.append(_t(label_width - 6, y + 15, category, font_size=12, text_anchor="end"))
        start = x_min
        for k, value in enumerate(values):
            if value <= 0:
                continue
            x0, x1 = x(start), x(start + value)
            color = own or colors[k % len(colors)]
            out.append(f'<rect x="{x0:.1f}" y="{y + 3}" width="{max(x1 - x0, 0.5):.1f}" '
                       f'height="{ROW_H - 6}" fill="{color}"/>')
            start += value
        # value labels after the target line, with a white halo so the line never hides them
        shown_labels.append(_t(x(start) + 4, y + 15, shown, font_size=12, paint_order="stroke",
                               stroke="#fff", stroke_width=3))
    if ref is not None:
        rx = x(ref[0])
        out.append(f'<line x1="{rx:.1f}" y1="{top - 6}" x2="{rx:.1f}" y2="{bottom}" '
                   'stroke="#C00000" stroke-width="2" stroke-dasharray="6 3"/>')
        out.append(_t(rx, top - 9, ref[1], font_size=12, text_anchor="middle", fill="#C00000"))
    out.extend(shown_labels)
    out.append("</svg>")
    return Markup("\n".join(out))


def _legend_layout(names: list[str], left: int, width: int) -> list[tuple[int, int]]:
    """(line, x) of each legend entry, wrapping before the right edge."""
    out, line, x = [], 0, left
    for name in names:
        size = 28 + 13 * len(name)
        if x + size > width and x > left:
            line, x = line + 1, left
        out.append((line, x))
        x += size
    return out


def ticks_between(low: float, high: float) -> list[float]:
    """Round tick values (1, 2, 5 steps) from low to high, at most 8."""
    for step in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0):
        if (high - low) / step <= 7:
            break
    first = math.ceil(low / step - 1e-9)
    return [k * step for k in range(first, int(high / step + 1e-9) + 1)]


def rate_chart(title: str, rows: list[dict], key: str, target: Decimal,
               target_label: str) -> Markup | None:
    """One bar per township for a rate, green at or above the target, orange below; the
    axis starts a little below the lowest rate so that small gaps stay visible."""
    rated = [r for r in rows if r.get(key) is not None]
    if not rated:
        return None
    low = min([float(r[key]) for r in rated] + [float(target)])
    x_min = max(0.0, int(low * 20) / 20 - 0.05)
    x_max = max([1.0] + [float(r[key]) for r in rated])
    bars = [(r["township"], [float(r[key]) - x_min], rate_text(r[key]),
             GOOD if r[key] >= target else SHORT) for r in rated]
    return bar_chart(title, bars, x_min=x_min, x_max=x_max,
                     ref=(float(target), target_label),
                     ticks=[(t, f"{t * 100:.0f}%") for t in ticks_between(x_min, x_max)])
