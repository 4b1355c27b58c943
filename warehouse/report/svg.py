"""Inline SVG charts (no scripts, no external resources): bars, grouped bars, donuts.

Geometry uses float ratios; every number printed on a chart goes through :mod:`warehouse.report.fmt`
(Decimal quantize), so displayed money never passes through float.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from decimal import Decimal
from html import escape

from warehouse.report.fmt import money, pct, ratio_pct

PALETTE = ("#3b6ea5", "#e0893a", "#4f9d69", "#c8553d", "#8a6fb0", "#d4a72c", "#5aa5b5", "#b5657f",
           "#7d8c3c", "#8c8c8c")
GREY = "#c9ced6"
FONT = 12
EMPTY = '<p class="empty">暂无数据</p>'

Formatter = Callable[[Decimal | None], str]


def text_width(text: str, size: int = FONT) -> float:
    """Approximate rendered width: CJK full width, Latin about 0.6 em."""
    return sum(size if unicodedata.east_asian_width(ch) in ("W", "F") else size * 0.6 for ch in text)


def clip(text: str, max_px: float, size: int = FONT) -> str:
    if text_width(text, size) <= max_px:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + "…", size) > max_px:
            break
        out += ch
    return out + "…"


def _svg(width: int, height: int, title: str, body: str) -> str:
    t = escape(title)
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{t}"><title>{t}</title>{body}</svg>'
    )


def _f(x: float) -> str:
    return f"{x:.1f}"


def hbar_chart(
    items: Sequence[tuple[str, Decimal | None]],
    title: str,
    value_fmt: Formatter = money,
    width: int = 460,
    highlight: str | None = None,
    color: str = PALETTE[0],
) -> str:
    """Horizontal bars, one per (label, value); negative values extend left of a zero line."""
    data = [(label, v) for label, v in items if v is not None]
    if not data:
        return EMPTY
    row_h, top = 22, 6
    label_w = min(170.0, max(text_width(lbl) for lbl, _ in data) + 8)
    value_w = max(text_width(value_fmt(v)) for _, v in data) + 10
    plot_w = max(60.0, width - label_w - value_w - 8)
    lo = min(Decimal(0), min(v for _, v in data))
    hi = max(Decimal(0), max(v for _, v in data))
    span = float(hi - lo) or 1.0
    zero_x = label_w + plot_w * float(-lo) / span
    height = top + row_h * len(data) + 4
    parts = []
    for i, (label, v) in enumerate(data):
        y = top + i * row_h
        x0 = label_w + plot_w * float(min(v, Decimal(0)) - lo) / span
        w = max(plot_w * abs(float(v)) / span, 1.0 if v != 0 else 0.0)
        fill = PALETTE[1] if highlight is not None and label == highlight else (PALETTE[3] if v < 0 else color)
        parts.append(
            f'<text x="{_f(label_w - 6)}" y="{y + 15}" text-anchor="end" class="lbl">'
            f"{escape(clip(label, label_w - 8))}<title>{escape(label)}</title></text>"
            f'<rect x="{_f(x0)}" y="{y + 4}" width="{_f(w)}" height="{row_h - 8}" rx="2" fill="{fill}">'
            f"<title>{escape(label)}：{escape(value_fmt(v))}</title></rect>"
        )
        tx = x0 + w + 4 if v >= 0 else zero_x + 4
        parts.append(f'<text x="{_f(tx)}" y="{y + 15}" class="val">{escape(value_fmt(v))}</text>')
    parts.append(f'<line x1="{_f(zero_x)}" y1="{top}" x2="{_f(zero_x)}" y2="{height - 4}" stroke="#888" '
                 'stroke-width="0.8"/>')
    return _svg(width, height, title, "".join(parts))


def grouped_bar_chart(
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Decimal | None]]],
    title: str,
    value_fmt: Formatter = money,
    width: int = 460,
    height: int = 240,
) -> str:
    """Vertical bars per category, one bar per series (e.g. 上年 / 本年), with a legend."""
    values = [v for _, vs in series for v in vs if v is not None]
    if not values:
        return EMPTY
    top, bottom, left = 42, 36, 12
    plot_h = height - top - bottom
    hi = max(max(values), Decimal(0))
    lo = min(min(values), Decimal(0))
    span = float(hi - lo) or 1.0
    base_y = top + plot_h * float(hi) / span
    group_w = (width - 2 * left) / max(1, len(categories))
    bar_w = min(46.0, group_w * 0.7 / max(1, len(series)))
    parts = []
    for si, (name, _) in enumerate(series):  # legend
        lx = left + si * 90
        parts.append(f'<rect x="{lx}" y="6" width="12" height="12" rx="2" fill="{PALETTE[si % len(PALETTE)]}"/>'
                     f'<text x="{lx + 16}" y="16" class="lbl">{escape(name)}</text>')
    for ci, cat in enumerate(categories):
        gx = left + ci * group_w + (group_w - bar_w * len(series)) / 2
        for si, (name, vs) in enumerate(series):
            v = vs[ci] if ci < len(vs) else None
            x = gx + si * bar_w
            if v is None:
                parts.append(f'<text x="{_f(x + bar_w / 2)}" y="{_f(base_y - 4)}" text-anchor="middle" '
                             'class="val">—</text>')
                continue
            h = plot_h * abs(float(v)) / span
            y = base_y - h if v >= 0 else base_y
            parts.append(
                f'<rect x="{_f(x + 2)}" y="{_f(y)}" width="{_f(bar_w - 4)}" height="{_f(max(h, 1.0))}" rx="2" '
                f'fill="{PALETTE[si % len(PALETTE)]}"><title>{escape(cat)} {escape(name)}：'
                f"{escape(value_fmt(v))}</title></rect>"
                f'<text x="{_f(x + bar_w / 2)}" y="{_f(y - 4 if v >= 0 else y + h + 12)}" text-anchor="middle" '
                f'class="val small">{escape(value_fmt(v))}</text>'
            )
        parts.append(f'<text x="{_f(left + ci * group_w + group_w / 2)}" y="{height - 14}" text-anchor="middle" '
                     f'class="lbl">{escape(clip(cat, group_w - 4))}</text>')
    parts.append(f'<line x1="{left}" y1="{_f(base_y)}" x2="{width - left}" y2="{_f(base_y)}" stroke="#888" '
                 'stroke-width="0.8"/>')
    return _svg(width, height, title, "".join(parts))


def _arc(cx: float, cy: float, r_out: float, r_in: float, a0: float, a1: float) -> str:
    large = 1 if a1 - a0 > math.pi else 0

    def pt(r: float, a: float) -> str:
        return f"{_f(cx + r * math.sin(a))} {_f(cy - r * math.cos(a))}"

    return (f"M {pt(r_out, a0)} A {_f(r_out)} {_f(r_out)} 0 {large} 1 {pt(r_out, a1)} "
            f"L {pt(r_in, a1)} A {_f(r_in)} {_f(r_in)} 0 {large} 0 {pt(r_in, a0)} Z")


def donut_chart(
    items: Sequence[tuple[str, Decimal | None]],
    title: str,
    value_fmt: Formatter = money,
    width: int = 460,
    center_label: str = "合计",
) -> str:
    """Shares of a whole as a donut with a legend (label, value, share). Non-positive parts are left out."""
    data = [(label, v) for label, v in items if v is not None and v > 0]
    total = sum((v for _, v in data), Decimal(0))
    if not data or total <= 0:
        return EMPTY
    r_out, r_in = 78.0, 48.0
    cx, cy = 92.0, 96.0
    legend_x = 190.0
    height = max(196, 24 + 22 * len(data))
    parts = []
    angle = 0.0
    for i, (label, v) in enumerate(data):
        share = ratio_pct(v, total) or Decimal(0)
        color = PALETTE[i % len(PALETTE)]
        a1 = angle + 2 * math.pi * float(v / total)
        tip = f"{escape(label)}：{escape(value_fmt(v))}（{escape(pct(share))}）"
        if len(data) == 1:
            parts.append(f'<circle cx="{cx}" cy="{cy}" r="{(r_out + r_in) / 2}" fill="none" stroke="{color}" '
                         f'stroke-width="{r_out - r_in}"><title>{tip}</title></circle>')
        else:
            parts.append(f'<path d="{_arc(cx, cy, r_out, r_in, angle, min(a1, angle + 2 * math.pi - 1e-4))}" '
                         f'fill="{color}" stroke="#fff" stroke-width="1"><title>{tip}</title></path>')
        angle = a1
        ly = 20 + i * 22
        legend = f"{clip(label, width - legend_x - 150)}"
        parts.append(
            f'<rect x="{legend_x}" y="{ly - 10}" width="12" height="12" rx="2" fill="{color}"/>'
            f'<text x="{legend_x + 18}" y="{ly}" class="lbl">{escape(legend)}<title>{escape(label)}</title></text>'
            f'<text x="{width - 58}" y="{ly}" text-anchor="end" class="val">{escape(value_fmt(v))}</text>'
            f'<text x="{width - 4}" y="{ly}" text-anchor="end" class="val muted">{escape(pct(share))}</text>'
        )
    parts.append(f'<text x="{cx}" y="{cy - 4}" text-anchor="middle" class="lbl muted">{escape(center_label)}</text>'
                 f'<text x="{cx}" y="{cy + 14}" text-anchor="middle" class="val strong">'
                 f"{escape(value_fmt(total))}</text>")
    return _svg(width, height, title, "".join(parts))


UP, DOWN = "#b4412f", "#2f7d4f"  # increases red, decreases green, as read in China


def spark_bar(value: Decimal | None, maximum: Decimal | None, width: int = 90, color: str | None = None) -> str:
    """A tiny inline bar for table cells (value relative to the column's maximum)."""
    if value is None or maximum is None or maximum <= 0:
        return ""
    w = max(1.0, width * min(1.0, abs(float(value / maximum))))
    fill = color or (DOWN if value < 0 else UP)
    return (f'<svg class="spark" width="{width}" height="10" viewBox="0 0 {width} 10" aria-hidden="true">'
            f'<rect x="0" y="1" width="{_f(w)}" height="8" rx="2" fill="{fill}"/></svg>')
