"""A school's map popup, served by the API so a map of many schools carries no popup HTML."""

from __future__ import annotations

from django.utils.translation import get_language

from maps.popup import popup_html
from maps.priority import need_scale
from server.inspections.catalogues import element_name
from server.planning.selectors import RankingQuery, ranking_get
from shared.errors import NotFound

SITE_PAGE = "/sites/{code}/"


def site_popup_html(*, code: str, query: RankingQuery) -> str:
    """The popup of one active site in the ranking `query` asks for (the map's); NotFound
    for a code that ranking does not hold.

    The survey line says only whether shown results exist: groups under the suppression
    threshold never reach the ranking (see `loading.load_experience`), so none shows here.
    """
    frame = ranking_get(query).frame
    if code not in frame.index:
        raise NotFound(f"There is no active site with code '{code}' in this ranking.")
    lang = get_language() or "sv"
    colour = need_scale(lang).rgb_hex_str
    row = frame.loc[code].copy()
    row["top_defects"] = [(element_name(e), loc, g) for e, loc, g in row["top_defects"]]
    return popup_html(code, row, colour=colour, site_url=SITE_PAGE, schools=len(frame), lang=lang)
