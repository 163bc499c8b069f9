"""Small inline SVG charts for the planner pages: no JavaScript library, no CDN."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

_W, _H, _PAD_L, _PAD_B, _PAD_T, _PAD_R = 560, 220, 44, 36, 14, 14


def line_chart(
    points: Sequence[tuple[str, float]], *, title: str, y_label: str, y_max: float = 100.0
) -> str:
    """A line of (x label, value) points on 0..y_max, each point a circle with a tooltip.

    Circles carry class "pt" so a test can count them.
    """
    inner_w, inner_h = _W - _PAD_L - _PAD_R, _H - _PAD_T - _PAD_B
    n = len(points)

    def x(i: int) -> float:
        return _PAD_L + (inner_w / 2 if n == 1 else inner_w * i / (n - 1))

    def y(v: float) -> float:
        return _PAD_T + inner_h * (1 - max(0.0, min(v, y_max)) / y_max)

    parts = [
        f'<svg class="chart line-chart" role="img" viewBox="0 0 {_W} {_H}" '
        f'width="100%" style="max-width:{_W}px"><title>{escape(title)}</title>'
    ]
    for tick in range(0, 101, 25):
        value = y_max * tick / 100
        parts.append(
            f'<line x1="{_PAD_L}" x2="{_W - _PAD_R}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="#e5e7eb"/><text x="{_PAD_L - 6}" y="{y(value) + 4:.1f}" '
            f'text-anchor="end" font-size="11">{value:.0f}</text>'
        )
    parts.append(
        f'<text x="12" y="{_PAD_T + inner_h / 2:.0f}" font-size="11" '
        f'transform="rotate(-90 12 {_PAD_T + inner_h / 2:.0f})" '
        f'text-anchor="middle">{escape(y_label)}</text>'
    )
    if n:
        path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, (_, v) in enumerate(points))
        parts.append(f'<polyline points="{path}" fill="none" stroke="#0b5d8a" stroke-width="2"/>')
    for i, (label, value) in enumerate(points):
        parts.append(
            f'<circle class="pt" cx="{x(i):.1f}" cy="{y(value):.1f}" r="4" fill="#0b5d8a">'
            f"<title>{escape(label)}: {value:.0f}</title></circle>"
            f'<text x="{x(i):.1f}" y="{_H - 14}" font-size="11" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def grouped_bars(
    groups: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float]]],
    *,
    title: str,
    y_label: str,
) -> str:
    """Bars of shares 0..1 per group, one bar per series (name, colour, values), a legend.

    Bars carry class "bar" so a test can count them.
    """
    inner_w, inner_h = _W - _PAD_L - _PAD_R, _H - _PAD_T - _PAD_B - 18
    top = max([v for _, _, values in series for v in values] + [0.25])
    slot = inner_w / max(len(groups), 1)
    width = slot * 0.8 / max(len(series), 1)

    def y(v: float) -> float:
        return _PAD_T + 18 + inner_h * (1 - v / top)

    parts = [
        f'<svg class="chart bar-chart" role="img" viewBox="0 0 {_W} {_H}" '
        f'width="100%" style="max-width:{_W}px"><title>{escape(title)}</title>'
    ]
    for tick in (0.0, 0.5, 1.0):
        value = top * tick
        parts.append(
            f'<line x1="{_PAD_L}" x2="{_W - _PAD_R}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="#e5e7eb"/><text x="{_PAD_L - 6}" y="{y(value) + 4:.1f}" '
            f'text-anchor="end" font-size="11">{value * 100:.0f} %</text>'
        )
    parts.append(
        f'<text x="12" y="{_PAD_T + 18 + inner_h / 2:.0f}" font-size="11" '
        f'transform="rotate(-90 12 {_PAD_T + 18 + inner_h / 2:.0f})" '
        f'text-anchor="middle">{escape(y_label)}</text>'
    )
    for s, (name, colour, values) in enumerate(series):
        parts.append(
            f'<rect x="{_PAD_L + 190 * s}" y="2" width="10" height="10" fill="{colour}"/>'
            f'<text x="{_PAD_L + 190 * s + 14}" y="11" font-size="11">{escape(name)}</text>'
        )
        for g, value in enumerate(values):
            left = _PAD_L + slot * g + slot * 0.1 + width * s
            parts.append(
                f'<rect class="bar" x="{left:.1f}" y="{y(value):.1f}" width="{width:.1f}" '
                f'height="{y(0) - y(value):.1f}" fill="{colour}">'
                f"<title>{escape(name)} {escape(groups[g])}: {value * 100:.0f} %</title></rect>"
            )
    for g, label in enumerate(groups):
        parts.append(
            f'<text x="{_PAD_L + slot * (g + 0.5):.1f}" y="{_H - 14}" font-size="11" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class ScatterPoint:
    """One point of `scatter_chart`: where it lies, its label beside it, its tooltip, and
    whether it is the one to highlight (drawn larger, class "pt current")."""

    x: float
    y: float
    label: str
    tooltip: str
    current: bool = False
    data: str = ""
    """A value for the circle's `data-value`, for a test or a script to read."""


@dataclass(frozen=True)
class _Box:
    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: _Box) -> bool:
        return not (
            self.right <= other.left
            or other.right <= self.left
            or self.bottom <= other.top
            or other.bottom <= self.top
        )


def _label_place(
    cx: float, cy: float, chars: int, taken: Sequence[_Box], right_edge: float, top_edge: float
) -> tuple[_Box, str, float, float]:
    """Where a point's label goes: the first of upper right, lower left, lower right,
    upper left (then further out) that overlaps no point or label placed so far and stays
    inside the plot; else upper right. Returns its box, text anchor and text position."""
    width, height = 7.5 * chars, 14.0
    tries = [(9, -9), (-9, 19), (9, 19), (-9, -9), (9, -24), (-9, 33), (9, 33), (-9, -24)]
    first = None
    for dx, dy in tries:
        left = cx + dx if dx > 0 else cx + dx - width
        box = _Box(left, cy + dy - height + 2, left + width, cy + dy + 2)
        found = (box, "start" if dx > 0 else "end", cx + dx, cy + dy)
        first = first or found
        inside = box.right <= right_edge + 20 and box.top >= top_edge - 14
        if inside and not any(box.overlaps(other) for other in taken):
            return found
    assert first is not None
    return first


def _span(low: float, high: float, least: float, margin: float) -> tuple[float, float]:
    """low..high with a margin (a share of the range, so no point sits on the frame),
    widened about its middle to at least `least`; from 0 rather than below it when the
    data are not negative."""
    data_low = low
    pad = (high - low) * margin
    low, high = low - pad, high + pad
    if high - low < least:
        middle = (low + high) / 2
        low, high = middle - least / 2, middle + least / 2
    if low < 0 <= data_low:
        low, high = 0.0, high - low
    return low, high


def _digits(ticks: Sequence[float]) -> int:
    """The decimals that tell ticks this far apart from each other."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    return max(0, -math.floor(math.log10(step) + 1e-9))


def _nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """About `count` round tick values covering low..high (1, 2 or 5 times a power of ten)."""
    if high <= low:  # one value: an axis around it
        pad = abs(low) / 10 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step + 1e-9)
    last = math.ceil(high / step - 1e-9)
    return [n * step for n in range(first, last + 1)]


def scatter_chart(
    points: Sequence[ScatterPoint],
    *,
    title: str,
    x_label: str,
    y_label: str,
    x_format: Callable[[float, int], str],
    y_format: Callable[[float, int], str],
    min_span: tuple[float, float] = (0.0, 0.0),
) -> str:
    """Points joined from left to right, each labelled; axes span the data with round
    ticks, which `x_format(value, decimals)` and `y_format` write (decimals enough for
    the step between ticks). An axis spans at least `min_span` (x, y): differences
    too small to matter are not blown up to fill the chart.

    Circles carry class "pt" (and "current" on the highlighted one) so a test can find them.
    """
    # Narrower than the other charts, larger type: it stays legible scaled down on a phone.
    w, h, left, bottom, top, right = 480, 320, 64, 46, 16, 20
    inner_w, inner_h = w - left - right, h - top - bottom
    xs, ys = [p.x for p in points] or [0.0], [p.y for p in points] or [0.0]
    x_ticks = _nice_ticks(*_span(min(xs), max(xs), min_span[0], 0.05))
    y_ticks = _nice_ticks(*_span(min(ys), max(ys), min_span[1], 0.1))
    x_digits, y_digits = _digits(x_ticks), _digits(y_ticks)

    def x(v: float) -> float:
        return left + inner_w * (v - x_ticks[0]) / (x_ticks[-1] - x_ticks[0])

    def y(v: float) -> float:
        return top + inner_h * (1 - (v - y_ticks[0]) / (y_ticks[-1] - y_ticks[0]))

    parts = [
        f'<svg class="chart scatter-chart" role="img" viewBox="0 0 {w} {h}" width="100%">'
        f"<title>{escape(title)}</title>"
    ]
    for tick in y_ticks:
        parts.append(
            f'<line x1="{left}" x2="{w - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#e5e7eb"/><text x="{left - 6}" y="{y(tick) + 4:.1f}" '
            f'text-anchor="end" font-size="12">{escape(y_format(tick, y_digits))}</text>'
        )
    for tick in x_ticks:
        parts.append(
            f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{top}" y2="{h - bottom}" '
            f'stroke="#e5e7eb"/><text x="{x(tick):.1f}" y="{h - bottom + 16}" '
            f'text-anchor="middle" font-size="12">{escape(x_format(tick, x_digits))}</text>'
        )
    parts.append(
        f'<text x="{left + inner_w / 2:.0f}" y="{h - 6}" font-size="13" '
        f'text-anchor="middle">{escape(x_label)}</text>'
        f'<text x="14" y="{top + inner_h / 2:.0f}" font-size="12" '
        f'transform="rotate(-90 14 {top + inner_h / 2:.0f})" '
        f'text-anchor="middle">{escape(y_label)}</text>'
    )
    if len(points) > 1:
        path = " ".join(
            f"{x(p.x):.1f},{y(p.y):.1f}" for p in sorted(points, key=lambda p: (p.x, -p.y))
        )
        parts.append(f'<polyline points="{path}" fill="none" stroke="#9ecae1" stroke-width="2"/>')
    taken = [_Box(x(p.x) - 7, y(p.y) - 7, x(p.x) + 7, y(p.y) + 7) for p in points]
    for p in points:
        colour, radius = ("#b2182b", 7) if p.current else ("#0b5d8a", 4.5)
        cx, cy = x(p.x), y(p.y)
        box, anchor, tx, ty = _label_place(cx, cy, len(p.label), taken, w - right, top)
        taken.append(box)
        weight = ' font-weight="bold"' if p.current else ""
        parts.append(
            f'<circle class="pt{" current" if p.current else ""}" cx="{cx:.1f}" '
            f'cy="{cy:.1f}" r="{radius}" fill="{colour}" data-value="{escape(p.data)}">'
            f"<title>{escape(p.tooltip)}</title></circle>"
            f'<text class="pt-label" x="{tx:.1f}" y="{ty:.1f}" font-size="13" '
            f'text-anchor="{anchor}" fill="{colour}"{weight}>{escape(p.label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
