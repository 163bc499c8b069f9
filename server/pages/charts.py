"""Small inline SVG charts for the planner pages: no JavaScript library, no CDN."""

from __future__ import annotations

from collections.abc import Sequence
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
