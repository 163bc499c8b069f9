"""The planner's dashboard: key figures and the priority map, from the ranking."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd
from django.core.cache import cache
from django.templatetags.static import static
from django.utils.translation import get_language

from maps.assets import use_local_assets
from maps.priority import priority_map
from server.core.municipality import current_municipality
from server.inspections.catalogues import element_name
from server.planning.models import SavedPlan
from server.planning.selectors import Ranking
from server.schools.models import District

MAP_CACHE_SECONDS: Final = 3600


@dataclass(frozen=True)
class KeyFigures:
    sites: int
    inspected: int
    share_cd: float | None
    repair_need_sek: float
    fci: float | None
    act_now: int
    with_survey: int
    synthetic: bool
    data_date: Any
    first_date: Any = None


def key_figures(ranking: Ranking) -> KeyFigures:
    frame, ratings = ranking.frame, ranking.ratings
    graded = ratings[ratings["grade"].isin(list("ABCD"))]
    repair = float(ratings["estimated_cost_sek"].fillna(0).sum())
    inspected = frame[frame["inspected"]]
    return KeyFigures(
        sites=len(frame),
        inspected=int(frame["inspected"].sum()),
        share_cd=float(graded["grade"].isin(["C", "D"]).mean()) if len(graded) else None,
        repair_need_sek=repair,
        fci=float(inspected["fci"].mean()) if len(inspected) else None,
        act_now=int(frame["act_now"].sum()),
        with_survey=int(frame["has_survey"].sum()),
        synthetic=ranking.synthetic,
        data_date=ranking.data_date,
        first_date=ratings["observed_at"].min() if len(ratings) else None,
    )


def district_geojson(kind: str = "district") -> dict[str, Any]:
    """Boundaries of the districts (named as the ranking's `district`) or of the city
    areas (keyed by code as the ranking's `city_area`, labelled by name)."""
    key = "name" if kind == "district" else "code"
    features = [
        {
            "type": "Feature",
            "properties": {"name": getattr(d, key), "label": d.name},
            "geometry": d.boundary,
        }
        for d in District.objects.filter(kind=kind).exclude(boundary=None)
    ]
    return {"type": "FeatureCollection", "features": features}


def with_element_names(frame: pd.DataFrame) -> pd.DataFrame:
    """The ranking with its top defects named as the catalogue names them, not by code."""
    named = [
        [(element_name(e), loc, grade) for e, loc, grade in defects]
        for defects in frame["top_defects"]
    ]
    return frame.assign(top_defects=named)


def municipality_view() -> dict[str, Any]:
    """The view the maps open at: the municipality's centre and zoom, or (no centre set)
    none, so the map fits the schools."""
    municipality = current_municipality()
    if municipality.center is None:
        return {"center": None}
    return {"center": municipality.center, "zoom": municipality.zoom}


def ranking_map_html(
    ranking: Ranking,
    *,
    plan_years: pd.DataFrame | None = None,
    tiles: bool = True,
    show_funded: bool = False,
) -> str:
    """The priority map of `ranking` as a whole HTML page, its files served by us."""
    defects = ranking.ratings[ranking.ratings["grade"] == "D"].join(
        ranking.frame[["lat", "lon"]], on="site"
    )
    m = priority_map(
        with_element_names(ranking.frame),
        districts=district_geojson(),
        city_areas=district_geojson("city_area"),
        defects=defects[["lat", "lon"]],
        plan_years=plan_years,
        show_funded=show_funded,
        site_url="/sites/{code}/",
        popup_url=popup_url(ranking),
        tiles=tiles,
        synthetic=ranking.synthetic,
        lang=get_language() or "sv",
        **municipality_view(),
    )
    use_local_assets(m, lambda path: static(f"maps/vendor/{path}"))
    return str(m.get_root().render())


def popup_url(ranking: Ranking) -> str:
    """The URL template a map's popups are fetched from: the ranking's own query, so a
    popup shows the numbers of the map it is on."""
    query = ranking.query.as_query()
    return "/api/v1/sites/{code}/popup" + (f"?{query}" if query else "")


def cached_map_html(name: str, ranking: Ranking, extra: str, build: Callable[[], str]) -> str:
    """A map's HTML, built once per data version, ranking query, language and `extra`
    (what else it shows): a page and the map frame it embeds are two requests for the
    same map. The cache holds no nonce: each response stamps its own."""
    key = (
        f"pages:map:v1:{name}:{get_language() or 'sv'}:{ranking.version}:"
        f"{ranking.query.key}:{extra}"
    )
    html = cache.get(key)
    if not isinstance(html, str):
        html = build()
        cache.set(key, html, MAP_CACHE_SECONDS)
    return html


def dashboard_extra() -> str:
    """What the dashboard map shows besides the ranking: the latest saved plan's rings."""
    saved = SavedPlan.objects.values_list("pk", flat=True).first()
    return f"plan={saved}"


def dashboard_map_html(ranking: Ranking, *, tiles: bool = True) -> str:
    """The dashboard's map of `ranking`, with the latest saved plan's funded schools."""
    saved = SavedPlan.objects.first()
    plan_years = None
    if saved is not None:
        plan_years = pd.DataFrame(saved.result.get("items", []), columns=["site", "year"])
    return ranking_map_html(ranking, plan_years=plan_years, tiles=tiles)
