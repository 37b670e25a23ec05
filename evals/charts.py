"""Inline SVG charts for the report: metrics per kind as bars, metrics over runs as lines.

Plain SVG strings, no script and no external asset, so the report renders offline and in a
headless browser exactly as in a person's."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence

# Colour-blind-safe palette (Okabe & Ito), one colour per metric, in the order the metrics come.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
FONT = "font-family='system-ui,sans-serif' font-size='12'"


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _legend(metrics: Sequence[str], x: float, width: float) -> tuple[list[str], float]:
    """Legend entries wrapped to the width; returns them and the height they take."""
    parts, dx, y = [], 0.0, 14.0
    for i, name in enumerate(metrics):
        item_w = 24 + 7 * len(name)
        if dx and x + dx + item_w > width:
            dx, y = 0.0, y + 16
        colour = PALETTE[i % len(PALETTE)]
        parts.append(
            f"<rect x='{x + dx:.1f}' y='{y - 9}' width='10' height='10' fill='{colour}'/>"
            f"<text x='{x + dx + 14:.1f}' y='{y}' {FONT}>{_esc(name)}</text>"
        )
        dx += item_w
    return parts, y + 14


def bars_svg(
    per_kind: Mapping[str, Mapping[str, float | None]],
    metrics: Sequence[str],
    counts: Mapping[str, int] | None = None,
    width: int = 760,
) -> str:
    """Horizontal bars, one group per kind and one bar per metric, each scaled 0..1."""
    label_w, bar_h, gap = 150, 12, 14
    plot_w = width - label_w - 60
    legend, top = _legend(metrics, label_w, width)
    group_h = len(metrics) * (bar_h + 2) + gap
    height = top + group_h * max(1, len(per_kind)) + 10
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' role='img' class='chart' width='{width}' "
        f"height='{height}' viewBox='0 0 {width} {height}'>",
        *legend,
    ]
    for g, (kind, values) in enumerate(per_kind.items()):
        y0 = top + g * group_h
        label = f"{kind} ({counts[kind]})" if counts and kind in counts else kind
        parts.append(
            f"<text x='{label_w - 8}' y='{y0 + group_h / 2 - 2:.1f}' text-anchor='end' "
            f"{FONT}>{_esc(label)}</text>"
        )
        for i, name in enumerate(metrics):
            y = y0 + i * (bar_h + 2)
            value = values.get(name)
            parts.append(
                f"<rect x='{label_w}' y='{y}' width='{plot_w}' height='{bar_h}' fill='#eef1f6'/>"
            )
            if value is None:
                parts.append(
                    f"<text x='{label_w + 4}' y='{y + 10}' {FONT} fill='#5b6475'>n/a</text>"
                )
                continue
            w = max(0.0, min(1.0, value)) * plot_w
            colour = PALETTE[i % len(PALETTE)]
            parts.append(
                f"<rect x='{label_w}' y='{y}' width='{w:.1f}' height='{bar_h}' fill='{colour}'>"
                f"<title>{_esc(kind)} {_esc(name)} {value:.3f}</title></rect>"
                f"<text x='{label_w + plot_w + 6}' y='{y + 10}' {FONT}>{value:.2f}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def trend_svg(
    runs: Sequence[tuple[str, Mapping[str, float | None]]],
    metrics: Sequence[str],
    width: int = 760,
    height: int = 260,
) -> str:
    """One line per metric across runs (oldest left), y from 0 to 1; a gap where a run lacks it."""
    left, right, bottom = 44, 20, 44
    legend, top = _legend(metrics, left, width)
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(runs) - 1)

    def x(i: int) -> float:
        return left + (i * step if len(runs) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + (1 - max(0.0, min(1.0, v))) * plot_h

    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' role='img' class='chart' width='{width}' "
        f"height='{height}' viewBox='0 0 {width} {height}'>",
        *legend,
    ]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        parts.append(
            f"<line x1='{left}' x2='{left + plot_w}' y1='{y(tick):.1f}' y2='{y(tick):.1f}' "
            f"stroke='#dde1e8'/><text x='{left - 6}' y='{y(tick) + 4:.1f}' text-anchor='end' "
            f"{FONT}>{tick:.2f}</text>"
        )
    every = max(1, math.ceil(90 / step)) if len(runs) > 1 else 1  # labels ~90 px apart
    for i, (label, _) in enumerate(runs):
        if i % every and i != len(runs) - 1:
            continue
        name, _, when = label.partition(" (")
        anchor = "start" if i == 0 and len(runs) > 1 else "end" if i == len(runs) - 1 else "middle"
        anchor = "middle" if len(runs) == 1 else anchor
        parts.append(
            f"<text x='{x(i):.1f}' y='{top + plot_h + 16}' text-anchor='{anchor}' {FONT}>"
            f"<title>{_esc(label)}</title>{_esc(name[:18])}"
            f"<tspan x='{x(i):.1f}' dy='14' fill='#5b6475'>{_esc(when.rstrip(')'))}</tspan></text>"
        )
    for m, name in enumerate(metrics):
        colour = PALETTE[m % len(PALETTE)]
        # Earlier metrics draw wider, so lines on the same values show as stacked bands.
        stroke = 1.5 * (len(metrics) - m)
        points = [(i, values.get(name)) for i, (_, values) in enumerate(runs)]
        segment: list[str] = []
        for i, value in [*points, (len(points), None)]:
            if value is not None:
                segment.append(f"{x(i):.1f},{y(value):.1f}")
                continue
            if len(segment) > 1:
                parts.append(
                    f"<polyline fill='none' stroke='{colour}' stroke-width='{stroke:g}' "
                    f"points='{' '.join(segment)}'/>"
                )
            segment = []
        for i, value in points:
            if value is not None:
                parts.append(
                    f"<circle cx='{x(i):.1f}' cy='{y(value):.1f}' r='3.5' fill='{colour}'>"
                    f"<title>{_esc(runs[i][0])} {_esc(name)} {value:.3f}</title></circle>"
                )
    parts.append("</svg>")
    return "".join(parts)
