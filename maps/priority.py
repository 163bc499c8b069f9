"""The priority map: every school coloured by need, with the layers a planner switches.

`priority_map` takes the ranking frame (see `server.planning.ranking.rank`, plus `lat`,
`lon` and optionally `rank_p05`, `rank_p95`, `p_top_n`, `survey_coverage`) and returns a
`folium.Map`. Everything shown on the map is on one 0..100 need scale (higher = more
need), so one legend serves the priority, the pillars and the districts.

Schools are drawn from compact column data by a little JavaScript (`maps.schools`), not
as one folium object per marker; with many schools (`scale`) they are clustered and
their popups fetched from `popup_url` on click, so the HTML stays near 80 bytes a school.
Call `maps.assets.use_local_assets` on the result before serving it.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import Any, Final

import folium
import numpy as np
import pandas as pd
from branca.colormap import LinearColormap, linear
from folium import plugins
from folium.map import CustomPane

from maps.popup import ACT_NOW_COLOUR, PILLAR_LABELS, popup_html
from maps.schools import MapNote, SchoolData, SchoolLayer, SearchOpensPopup
from maps.texts import texts
from maps.tiles import TILES_ATTRIBUTION, TILES_URL

REQUIRED_COLUMNS: Final = (
    "name",
    "district",
    "pupils",
    "rank",
    "priority",
    *PILLAR_LABELS,
    "act_now",
    "lat",
    "lon",
)
SCALE_THRESHOLD: Final = 1000
"""Above this many schools the map clusters them and fetches popups on click."""

PRIORITY_LAYER: Final = "Prioritet"
ACT_NOW_LAYER: Final = "Åtgärda nu"
HEAT_LAYER: Final = "D-brister (värmekarta)"
DISTRICT_LAYER: Final = "Områden: elevviktat behov"
CITY_AREA_LAYER: Final = "Stadsområden: elevviktat behov"
FUNDED_LAYER: Final = "Finansieras år {year}"
FUNDED_COLOUR: Final = "#2166ac"
SYNTHETIC_NOTE: Final = "Syntetiska data"

_RADIUS_PX: Final = (4, 16)
_DEGREES: Final = 4  # decimals of a coordinate: about 10 m, plenty for a school site
_NO_DATA: Final = "#cccccc"
_MAX_ZOOM: Final = 18


def need_scale(lang: str = "sv") -> LinearColormap:
    """The sequential 0..100 colour scale of need, captioned in `lang`."""
    scale = linear.YlOrRd_09.scale(0, 100)
    scale.caption = texts(lang)["caption"]
    scale.tick_labels = [0, 25, 50, 75, 100]
    scale.width = 300
    return scale


def html_size(m: folium.Map) -> int:
    """Bytes of the map's whole HTML page (UTF-8)."""
    return len(m.get_root().render().encode("utf-8"))


def _require(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s) {', '.join(missing)}")


def _ints(values: pd.Series) -> list[int | None]:
    """0..100 values as whole numbers, None where missing: all a colour needs."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    return [None if math.isnan(v) else round(v) for v in numbers]


def _radii(pupils: pd.Series) -> list[int]:
    """Circle radius in px, area proportional to pupils (a sqrt scale)."""
    counts = pd.to_numeric(pupils, errors="coerce").fillna(0).clip(lower=0).to_numpy(dtype=float)
    top = max(float(counts.max(initial=0.0)), 1.0)
    low, high = _RADIUS_PX
    return [round(r) for r in low + (high - low) * np.sqrt(counts / top)]


def _columns(
    schools: pd.DataFrame,
    scale: LinearColormap,
    *,
    site_url: str,
    popup_url: str | None,
    inline_popups: bool,
    lang: str,
) -> dict[str, Any]:
    codes = [str(code) for code in schools.index]
    columns: dict[str, Any] = {
        "code": codes,
        "name": schools["name"].astype(str).tolist(),
        "lat": schools["lat"].astype(float).round(_DEGREES).tolist(),
        "lon": schools["lon"].astype(float).round(_DEGREES).tolist(),
        "r": _radii(schools["pupils"]),
        "v": {key: _ints(schools[key]) for key in ("priority", *PILLAR_LABELS)},
        "act": np.flatnonzero(schools["act_now"].fillna(False).astype(bool).to_numpy()).tolist(),
        "palette": [scale.rgb_hex_str(v) for v in range(101)],
        "siteUrl": site_url,
        "popupUrl": popup_url,
        "popup": None,
        "t": {
            key: texts(lang)[word]
            for key, word in (
                ("priority", "priority_layer"),
                ("missing", "missing"),
                ("of_100", "of_100"),
                ("act_now", "act_now"),
                ("open_site", "open_site"),
                ("loading", "loading"),
                ("failed", "failed"),
            )
        },
    }
    if inline_popups:
        colour = scale.rgb_hex_str
        columns["popup"] = [
            popup_html(code, row, colour=colour, site_url=site_url, schools=len(schools), lang=lang)
            for code, (_, row) in zip(codes, schools.iterrows(), strict=True)
        ]
    return columns


def district_need(ranking: pd.DataFrame, column: str = "district") -> pd.DataFrame:
    """Per district: pupil-weighted mean priority (`need`), `schools`, `pupils`.

    A school with no pupils recorded weighs nothing, unless no school in the district
    has any, when the plain mean is used. Schools without a priority are left out.
    """
    frame = pd.DataFrame(
        {
            "district": ranking[column],
            "priority": pd.to_numeric(ranking["priority"], errors="coerce"),
            "pupils": pd.to_numeric(ranking["pupils"], errors="coerce").fillna(0).clip(lower=0),
        }
    )
    rows = []
    for district, group in frame.groupby("district", sort=True):
        known = group[group["priority"].notna()]
        weight = known["pupils"].sum()
        if known.empty:
            need = math.nan
        elif weight > 0:
            need = float((known["priority"] * known["pupils"]).sum() / weight)
        else:
            need = float(known["priority"].mean())
        rows.append((district, need, len(group), int(group["pupils"].sum())))
    return pd.DataFrame(rows, columns=["district", "need", "schools", "pupils"]).set_index(
        "district"
    )


def _district_layer(
    districts: Mapping[str, Any],
    ranking: pd.DataFrame,
    scale: LinearColormap,
    prop: str,
    *,
    column: str = "district",
    layer: str = DISTRICT_LAYER,
    show: bool = True,
    lang: str = "sv",
) -> folium.GeoJson:
    t = texts(lang)
    need = district_need(ranking, column)
    features = []
    for feature in districts.get("features", []):
        properties = feature.get("properties") or {}
        name = properties.get(prop)
        if name in need.index:
            row = need.loc[name]
            value = None if math.isnan(row["need"]) else round(float(row["need"]))
            schools, pupils = int(row["schools"]), int(row["pupils"])
        else:
            value, schools, pupils = None, 0, 0
        features.append(
            {
                "type": "Feature",
                "geometry": copy.deepcopy(feature["geometry"]),
                "properties": {
                    "namn": str(properties.get("label", name)),
                    "behov": t["no_schools"] if value is None else str(value),
                    "need": value,
                    "skolor": schools,
                    "elever": pupils,
                },
            }
        )

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        value = feature["properties"]["need"]
        return {
            "fillColor": _NO_DATA if value is None else scale.rgb_hex_str(value),
            "fillOpacity": 0.1 if value is None else 0.35,
            "color": "#555555",
            "weight": 1,
        }

    return folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        name=layer,
        show=show,
        style_function=style,
        highlight_function=lambda _: {"weight": 3, "color": "#222222"},
        tooltip=folium.GeoJsonTooltip(
            fields=["namn", "behov", "skolor", "elever"],
            aliases=[t["district"], t["need"], t["schools"], t["pupils"]],
        ),
        pane="skm-districts",
    )


def _heat_layer(defects: pd.DataFrame, name: str = HEAT_LAYER) -> plugins.HeatMap:
    _require(defects, ("lat", "lon"), "defects")
    points = pd.DataFrame(
        {
            "lat": defects["lat"].astype(float).round(4),
            "lon": defects["lon"].astype(float).round(4),
            "weight": defects["weight"].astype(float) if "weight" in defects else 1.0,
        }
    ).dropna()
    points = points.groupby(["lat", "lon"], as_index=False)["weight"].sum()
    top = points["weight"].max() if len(points) else 1.0
    points["weight"] = (points["weight"] / (top if top > 0 else 1.0)).round(3)
    return plugins.HeatMap(
        points[["lat", "lon", "weight"]].to_numpy().tolist(),
        name=name,
        show=False,
        radius=18,
        blur=15,
        min_opacity=0.3,
    )


def _funded_layers(
    data: SchoolData,
    schools: pd.DataFrame,
    plan_years: pd.DataFrame,
    show: bool,
    lang: str = "sv",
) -> list[SchoolLayer]:
    _require(plan_years, ("site", "year"), "plan_years")
    position = {str(code): i for i, code in enumerate(schools.index)}
    funded = plan_years.assign(site=plan_years["site"].astype(str))
    funded = funded[funded["site"].isin(position)]
    layers = []
    for year, group in funded.groupby("year", sort=True):
        subset = sorted({position[code] for code in group["site"]})
        label = texts(lang)["funded_layer"].format(year=int(year))
        layers.append(
            SchoolLayer(
                data,
                label,
                subset=subset,
                style="ring",
                colour=FUNDED_COLOUR,
                css_class="skm-funded",
                label=label.lower(),
                show=show,
            )
        )
    return layers


def _notes(synthetic: bool, left_out: int, scale: bool, lang: str = "sv") -> list[MapNote]:
    t = texts(lang)
    key = t["key"].format(act=ACT_NOW_COLOUR, funded=FUNDED_COLOUR)
    if scale:
        key += t["key_scale"]
    if left_out:
        key += t["left_out"].format(n=left_out)
    notes = [
        MapNote(
            key,
            css_class="skm-key",
            css="background:rgba(255,255,255,.9);padding:4px 8px;border-radius:4px;"
            "max-width:320px;font:12px/1.4 sans-serif",
        )
    ]
    if synthetic:
        notes.append(
            MapNote(
                t["synthetic"],
                css_class="skm-synthetic",
                css="background:#fff3cd;border:2px solid #b8860b;padding:6px 10px;"
                "border-radius:4px;font:14px/1.3 sans-serif",
                position="topleft",
            )
        )
    return notes


def priority_map(
    ranking: pd.DataFrame,
    *,
    districts: Mapping[str, Any] | None = None,
    district_property: str = "name",
    city_areas: Mapping[str, Any] | None = None,
    city_area_property: str = "name",
    plan_years: pd.DataFrame | None = None,
    show_funded: bool = False,
    defects: pd.DataFrame | None = None,
    site_url: str = "/sites/{code}/",
    popup_url: str | None = None,
    tiles: bool = True,
    synthetic: bool = False,
    scale: bool | None = None,
    lang: str = "sv",
    center: tuple[float, float] | None = None,
    zoom: int = 12,
) -> folium.Map:
    """The priority map of the schools in `ranking` (indexed by site code).

    Layers (LayerControl): priority (act-now schools outlined red), each pillar,
    act-now pins, one ring layer per plan year (`plan_years`: columns `site`, `year`),
    a heat map of D-grade defects (`defects`: `lat`, `lon`, optional `weight`), and the
    districts (`districts`: a GeoJSON FeatureCollection whose `district_property`
    names the district as the ranking's `district` column does) shaded by pupil-weighted
    need; likewise `city_areas` (hidden at first) against the ranking's `city_area` column.
    A feature's optional `label` property is the name its tooltip shows. Search by
    school name, full screen, a legend, and a "Syntetiska data" note when `synthetic`.
    `site_url` and `popup_url` are URL templates with "{code}".

    `show_funded` shows the plan-year rings at first (the plan page's map of funded schools).

    `scale` (default: more than SCALE_THRESHOLD schools) clusters the schools and, given
    `popup_url`, fetches each popup on click instead of writing it into the page.
    `tiles=False` adds no background tiles (offline tests). Schools without coordinates
    are left out and counted in the map's key. `lang` ("sv", default, or "en") is the
    language of every word on the map (`maps.texts`).

    `center` (lat, lon) and `zoom`: the view the map opens at (the municipality's); with
    no centre it opens fitted to the schools.
    """
    t = texts(lang)
    _require(ranking, REQUIRED_COLUMNS, "ranking")
    located = ranking["lat"].notna() & ranking["lon"].notna()
    schools = ranking[located]
    if scale is None:
        scale = len(schools) > SCALE_THRESHOLD
    colours = need_scale(lang)

    m = folium.Map(
        location=list(center) if center is not None else None,
        tiles=None,
        prefer_canvas=scale,
        control_scale=True,
        zoom_start=max(1, min(zoom, _MAX_ZOOM)) if center is not None else 12,
    )
    # Clustering needs the map's own zoom range; tiles would otherwise set it.
    m.options["max_zoom"] = _MAX_ZOOM
    if center is None and len(schools):
        # Before any layer, so the schools are laid out (and clustered) once, at this view.
        m.fit_bounds(
            [
                [schools["lat"].min(), schools["lon"].min()],
                [schools["lat"].max(), schools["lon"].max()],
            ],
            padding=(20, 20),
        )
    if tiles:
        folium.TileLayer(
            TILES_URL,
            attr=TILES_ATTRIBUTION,
            name="Bakgrundskarta",
            control=False,
            max_zoom=_MAX_ZOOM,
        ).add_to(m)
    # Districts sit in their own pane under the schools, whatever order layers are toggled.
    CustomPane("skm-districts", z_index=350).add_to(m)
    # A collection without features (no boundaries known) draws no layer: folium's
    # tooltip would refuse it.
    if districts is not None and districts.get("features"):
        _district_layer(
            districts, ranking, colours, district_property, layer=t["district_layer"], lang=lang
        ).add_to(m)
    if city_areas is not None and city_areas.get("features"):
        _require(ranking, ("city_area",), "ranking")
        _district_layer(
            city_areas,
            ranking,
            colours,
            city_area_property,
            column="city_area",
            layer=t["city_area_layer"],
            show=False,
            lang=lang,
        ).add_to(m)

    data = SchoolData(
        _columns(
            schools,
            colours,
            site_url=site_url,
            popup_url=popup_url,
            inline_popups=not scale,
            lang=lang,
        )
    )
    data.add_to(m)
    priority = SchoolLayer(
        data, t["priority_layer"], outline=True, cluster=scale, css_class="skm-school skm-priority"
    )
    priority.add_to(m)
    for pillar in PILLAR_LABELS:
        SchoolLayer(
            data, t[pillar], value=pillar, cluster=scale, css_class=f"skm-{pillar}", show=False
        ).add_to(m)
    SchoolLayer(
        data,
        t["act_now_layer"],
        subset=data.columns["act"],
        style="pin",
        cluster=scale,
        label=t["act_now_tip"],
    ).add_to(m)
    if plan_years is not None:
        for layer in _funded_layers(data, schools, plan_years, show_funded, lang):
            layer.add_to(m)
    if defects is not None:
        _heat_layer(defects, t["heat_layer"]).add_to(m)

    plugins.Search(
        priority,
        search_label="name",
        placeholder=t["search"],
        search_zoom=15,
        position="topleft",
    ).add_to(m)
    SearchOpensPopup(data, priority).add_to(m)
    plugins.Fullscreen(
        position="topleft",
        title=t["fullscreen"],
        title_cancel=t["fullscreen_cancel"],
        force_separate_button=True,
    ).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    colours.add_to(m)
    for note in _notes(synthetic, int((~located).sum()), scale, lang):
        note.add_to(m)
    return m
