"""What the site page shows: facts, units, latest grades with photos, history, surveys."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from server.campaigns.selectors import (
    context_index_names,
    context_results,
    imported_origins,
    reference_values,
    shown_results,
)
from server.inspections.catalogues import element_name
from server.inspections.models import Inspection
from server.inspections.selectors import latest_ratings, visible_photo_hashes
from server.schools.models import SchoolUnit, Site
from shared.errors import NotFound
from shared.grades import SEVERITY, Grade
from surveys.questionnaire import load_all, localize


@dataclass(frozen=True)
class RatingRow:
    element: str
    location: str
    grade: str
    urgency: int | None
    cost_sek: float | None
    observed_at: datetime
    note: str
    photos: list[str]


@dataclass(frozen=True)
class HistoryPoint:
    when: datetime
    condition: float
    ratings: int
    synthetic: bool


@dataclass(frozen=True)
class SurveyRow:
    unit: str
    group: str
    index: str
    respondents: int | None
    """None for a suppressed row: it shows "för få svar" and no number at all."""
    suppressed: bool
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    origin: str = ""
    """Where an imported result comes from ("Skolinspektionen, vt 2025"); empty for ours."""
    references: str = ""
    """The published municipality, region and national values beside it, as one text."""


@dataclass(frozen=True)
class SitePage:
    site: Site
    units: list[SchoolUnit]
    ratings: list[RatingRow]
    history: list[HistoryPoint]
    surveys: list[SurveyRow] = field(default_factory=list)
    context: list[SurveyRow] = field(default_factory=list)
    """Context indices: imported areas with no counterpart among ours, never ranked."""

    @property
    def photo_count(self) -> int:
        return sum(len(r.photos) for r in self.ratings)


def _condition(grades: list[str]) -> float | None:
    """Mean severity 0..100 of the scored grades (A 0 .. D 100); N is not scored."""
    scored = [SEVERITY[Grade(g)] for g in grades if g in "ABCD"]
    return sum(scored) / len(scored) if scored else None


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _index_names(lang: str) -> dict[str, str]:
    """Index code -> its name in `lang` (Swedish when the questionnaire lacks it)."""
    names: dict[str, str] = {}
    for questionnaire in load_all().values():
        for code, index in questionnaire.indices.items():
            names.setdefault(code, localize(index.name, lang))
    return names


def implausible_labels(flags: Any) -> list[str]:
    """The values a ranking row left out, named as a planner knows them."""
    facts = {
        "replacement_value_sek": _("återanskaffningsvärde"),
        "yard_area_m2": _("skolgårdsyta"),
        "pupils": _("elevantal"),
        "socioeconomic_need": _("socioekonomiskt behov"),
        "newly_arrived_share": _("andel nyanlända"),
    }
    labels = []
    for flag in flags if isinstance(flags, list) else []:
        code = str(flag)
        if code.startswith("ratings."):
            labels.append(
                _("mängd eller kostnad för %(element)s")
                % {"element": element_name(code.removeprefix("ratings."))}
            )
        else:
            labels.append(str(facts.get(code, code)))
    return labels


def pillar_values(row: Any) -> list[tuple[str, float | None]]:
    """The three pillars of a ranking row as (label, value); None where a site lacks one."""
    if row is None:
        return []
    labels = {"condition": _("Skick"), "experience": _("Upplevelse"), "equity": _("Likvärdighet")}
    return [(label, _float(row.get(key))) for key, label in labels.items()]


def _references(values: dict[str, tuple[str, float]] | None) -> str:
    """ "Kommunen 7,5 · Riket 7,6": the published aggregates beside a school's value."""
    if not values:
        return ""
    labels = {"municipality": _("Kommunen"), "region": _("Regionen"), "national": _("Riket")}
    return " · ".join(
        f"{labels[level]} {number_format(values[level][1], 1)}"
        for level in ("municipality", "region", "national")
        if level in values
    )


def site_surveys(*, site: Site) -> tuple[list[SurveyRow], list[SurveyRow]]:
    """The site's units' survey indices (own campaigns and imported results) as published
    (`shown_results`, what the ranking and the results pages read); a suppressed one has
    no number, not even its count. Then the context indices of imported results: shown
    with their source, never ranked."""
    units = {u.id: u.name for u in site.units.all()}
    if not units:
        return [], []
    shown = shown_results()
    mine = shown[shown["unit"].isin(list(units))].sort_values(["unit", "group", "index"])
    lang = "en" if (get_language() or "sv").startswith("en") else "sv"
    indices = _index_names(lang)
    groups = {"pupils": _("Elever"), "parents": _("Vårdnadshavare")}
    origins = imported_origins(unit_ids=list(units))
    references = reference_values()
    rows = []
    for record in mine.to_dict("records"):
        suppressed = bool(record["suppressed"])
        key = (record["unit"], str(record["group"]), str(record["index"]))
        rows.append(
            SurveyRow(
                unit=units[record["unit"]],
                group=str(groups.get(record["group"], record["group"])),
                index=indices.get(str(record["index"]), str(record["index"])),
                respondents=None if suppressed else int(record["respondents"]),
                suppressed=suppressed,
                mean=_float(record["mean"]),
                ci_low=_float(record["ci_low"]),
                ci_high=_float(record["ci_high"]),
                origin=origins.get(key, ""),
                references=_references(references.get(key[1:])),
            )
        )
    name = context_index_names(lang=lang)
    context = [
        SurveyRow(
            unit=units[record["unit"]],
            group=str(groups.get(record["group"], record["group"])),
            index=name(record["index"]),
            respondents=None if record["suppressed"] else record["respondents"],
            suppressed=record["suppressed"],
            mean=record["mean"],
            ci_low=record["ci_low"],
            ci_high=record["ci_high"],
            origin=record["origin"],
            references=_references(references.get((record["group"], record["index"]))),
        )
        for record in sorted(
            context_results(unit_ids=list(units)),
            key=lambda r: (units[r["unit"]], r["group"], r["index"]),
        )
    ]
    return rows, context


def site_page_get(*, code: str) -> SitePage:
    """Everything the site page shows; NotFound for an unknown or removed site."""
    site = (
        Site.objects.select_related("district", "district__parent")
        .filter(code=code, removed_at__isnull=True)
        .first()
    )
    if site is None:
        raise NotFound(f"There is no active site with code '{code}'.")
    latest = list(latest_ratings(site_ids=[site.id]).order_by("element", "location"))
    # Only stored photos that no administrator has hidden get a thumbnail.
    visible = visible_photo_hashes(hashes=[h for r in latest for h in r.photos or []])
    ratings = [
        RatingRow(
            element=element_name(r.element),
            location=r.location,
            grade=r.grade,
            urgency=r.urgency,
            cost_sek=r.estimated_cost_sek,
            observed_at=r.observed_at,
            note=r.note,
            photos=[h for h in r.photos or [] if h in visible],
        )
        for r in latest
    ]
    ratings.sort(key=lambda r: ("DCBAN".find(r.grade), r.element, r.location))
    history = []
    finished = (
        Inspection.objects.filter(site=site, finished_at__isnull=False)
        .prefetch_related("ratings")
        .order_by("finished_at")
    )
    for inspection in finished:
        grades = [r.grade for r in inspection.ratings.all()]
        condition = _condition(grades)
        if condition is not None and inspection.finished_at is not None:
            history.append(
                HistoryPoint(inspection.finished_at, condition, len(grades), inspection.synthetic)
            )
    surveys, context = site_surveys(site=site)
    return SitePage(
        site=site,
        units=list(site.units.filter(removed_at__isnull=True).order_by("name")),
        ratings=ratings,
        history=history,
        surveys=surveys,
        context=context,
    )


def plan_items_for_site(items: pd.DataFrame | list[dict[str, Any]], code: str) -> list[dict]:
    """The rows of a plan's chosen items that belong to the site `code`."""
    rows = items.to_dict("records") if isinstance(items, pd.DataFrame) else list(items)
    return [row for row in rows if str(row.get("site")) == code]
