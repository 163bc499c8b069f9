"""The HTML of a school's popup on the priority map.

One function, so the popup looks the same whether it is inlined in a small map or served
by the API (`popup_url`) and fetched on click in a map of many schools.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any, Final
from urllib.parse import quote

from maps.texts import texts

PILLAR_LABELS: Final[dict[str, str]] = {
    "condition": "Skick",
    "experience": "Upplevelse",
    "equity": "Likvärdighet",
}
MISSING_COLOUR: Final = "#9e9e9e"
ACT_NOW_COLOUR: Final = "#d7191c"


def site_link(template: str, code: str) -> str:
    """`template` with "{code}" replaced by the URL-quoted site code."""
    return template.replace("{code}", quote(str(code), safe=""))


def _number(value: Any) -> float | None:
    """A finite float, or None for NaN, None and non-numbers."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _bar(
    label: str, value: float | None, colour: Callable[[float], str], missing: str = "saknas"
) -> str:
    if value is None:
        cell = f'<td colspan="2" style="color:{MISSING_COLOUR}">{missing}</td>'
        return f"<tr><td>{label}</td>{cell}</tr>"
    width = max(0.0, min(100.0, value))
    return (
        f'<tr><td>{label}</td><td style="width:100px">'
        '<div style="background:#eee;width:100px;height:9px">'
        f'<div class="skm-bar" style="width:{width:.0f}px;height:9px;'
        f'background:{colour(width)}"></div></div></td>'
        f'<td style="text-align:right">{value:.0f}</td></tr>'
    )


def _defects(defects: Any, heading: str = "Värsta brister:") -> str:
    if not isinstance(defects, Sequence) or isinstance(defects, str) or not defects:
        return ""

    def item(d: Any) -> str:
        if not (isinstance(d, Sequence) and not isinstance(d, str) and len(d) >= 3):
            return f"<li>{escape(str(d))}</li>"
        where = f" ({escape(str(d[1]))})" if d[1] else ""  # most elements have no location
        return f"<li>{escape(str(d[0]))}{where}: <b>{escape(str(d[2]))}</b></li>"

    items = "".join(item(d) for d in defects)
    return f'<div>{heading}</div><ul style="margin:0 0 4px 16px;padding:0">{items}</ul>'


def _survey(row: Mapping[str, Any], t: Mapping[str, str]) -> str:
    coverage = _number(row.get("survey_coverage"))
    if coverage is not None:
        return t["survey_share"].format(p=f"{coverage * 100:.0f}")
    has_survey = row.get("has_survey")
    if has_survey is None or (isinstance(has_survey, float) and math.isnan(has_survey)):
        return ""
    return t["survey_yes"] if bool(has_survey) else t["survey_no"]


def popup_html(
    code: str,
    row: Mapping[str, Any],
    *,
    colour: Callable[[float], str],
    site_url: str = "/sites/{code}/",
    schools: int | None = None,
    lang: str = "sv",
) -> str:
    """A school's popup: name, rank and rank interval, pillar bars, defects, survey, link.

    `row` is one row of the ranking frame (a Series or a dict) and `code` its site code;
    `colour` maps 0..100 to the bars' colours (the map's colour scale); `schools` is the
    number ranked, shown as "rang 3 av 138"; `lang` "sv" or "en". Every text from the
    data is escaped.
    """
    t = texts(lang)
    parts = [f'<div class="skm-popup" style="min-width:220px"><b>{escape(str(row["name"]))}</b>']
    district = row.get("district")
    if isinstance(district, str) and district:
        parts.append(f'<div style="color:#555">{escape(district)}</div>')
    rank = _number(row.get("rank"))
    if rank is not None:
        of = f" {t['of']} {schools}" if schools else ""
        low, high = _number(row.get("rank_p05")), _number(row.get("rank_p95"))
        interval = (
            f' <span class="skm-rank-interval">({t["interval"]} {low:.0f}–{high:.0f})</span>'
            if low is not None and high is not None
            else ""
        )
        parts.append(f"<div>{t['rank']} <b>{rank:.0f}</b>{of}{interval}</div>")
    p_top = _number(row.get("p_top_n"))
    if p_top is not None:
        parts.append(f"<div>{t['p_top']}: {p_top * 100:.0f} %</div>")
    priority = _number(row.get("priority"))
    parts.append(
        f"<div>{t['priority_layer']} <b>{priority:.0f}</b> {t['of_100']}</div>"
        if priority is not None
        else f"<div>{t['priority_layer']} {t['missing']}</div>"
    )
    if bool(row.get("act_now", False)):
        parts.append(
            f'<div style="color:{ACT_NOW_COLOUR};font-weight:bold">{t["act_now_long"]}</div>'
        )
    bars = "".join(
        _bar(t[pillar], _number(row.get(pillar)), colour, t["missing"]) for pillar in PILLAR_LABELS
    )
    parts.append(f'<table class="skm-pillars" style="margin:4px 0">{bars}</table>')
    parts.append(_defects(row.get("top_defects"), t["worst"]))
    survey = _survey(row, t)
    if survey:
        parts.append(f"<div>{survey}</div>")
    link = escape(site_link(site_url, code))
    parts.append(
        f'<div style="margin-top:4px"><a href="{link}" target="_top">{t["open_site"]}</a></div>'
    )
    parts.append("</div>")
    return "".join(parts)
