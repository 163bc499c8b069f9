"""Deterministic synthetic demo data: building attributes, needs, inspections, survey answers.

Nothing here is real. Every value it makes is stored with a synthetic flag and shown as such.
Each site and unit draws from its own random stream (seed + its code), so adding or removing
a school never changes what the others get.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from server.demo.reference import SiteRecord, UnitRecord
from shared.catalogue import Catalogue, Element
from surveys.questionnaire import Questionnaire

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DATA_DATE = date(2026, 11, 20)  # the synthetic data describe the city as of this day
# The autumn survey campaigns, closed before DATA_DATE: only closed campaigns are published.
CAMPAIGN_OPENS, CAMPAIGN_CLOSES = date(2026, 10, 12), date(2026, 11, 6)
NAMESPACE = uuid.UUID("5b0c7d1e-3f52-4c2b-9a51-2f3d5e6a7b80")

# The generator's model of the city: areas differ in need and in yard space per pupil.
AREA_NEED = {"nordost": 72.0, "hisingen": 55.0, "sydvast": 38.0, "centrum": 30.0}
AREA_YARD_PER_PUPIL = {"nordost": 42.0, "hisingen": 34.0, "sydvast": 36.0, "centrum": 15.0}
# Which elements pupils and parents feel in each survey index.
INDEX_ELEMENTS = {
    "indoor_climate": ["ventilation", "heating_cooling", "windows_doors", "lighting_electrical"],
    "toilets": ["toilets"],
    "cleanliness": ["interior_surfaces", "toilets"],
    "schoolyard": ["play_equipment", "greenery", "shade", "surfacing", "seating", "sports_areas"],
    "safety": ["fencing_traffic", "yard_lighting", "fire_safety"],
    "learning_premises": ["learning_spaces", "furniture"],
}
NOTES = {
    "C": [
        "Tydligt slitage, åtgärd behövs.",
        "Fungerar delvis, återkommande felanmälningar.",
        "Skador på flera ställen.",
    ],
    "D": [
        "Uttjänt, risk för haveri.",
        "Ur funktion sedan flera veckor.",
        "Allvarliga skador, bör åtgärdas snarast.",
    ],
}
GRADES = ["A", "B", "C", "D"]
# Urgency of a D grade by whether the element can carry a safety defect (catalogue flag).
# Only a worn-out element that can injure someone is an urgency-1 "act now", and only some
# of those D grades (most worn-out roofs leak rather than shed parts). 15 % of them leaves
# 12-23 of the 138 demo sites with a safety defect to act on (19 with the default seed):
# about one in eight, not none and not most. Other elements are planned work, never 1.
SAFETY_SHARE_OF_D = 0.15
_D_URGENCY = {
    True: [SAFETY_SHARE_OF_D, 0.5, 0.5 - SAFETY_SHARE_OF_D],
    False: [0.0, 0.57, 0.43],
}
LANGUAGES = ["sv", "en", "ar", "so", "fa"]


def rng_for(seed: int, *keys: str) -> np.random.Generator:
    """A random stream of its own for each key, stable across runs and Python versions."""
    digest = hashlib.sha256("/".join(keys).encode()).digest()
    return np.random.default_rng([seed, int.from_bytes(digest[:8], "big")])


@dataclass(frozen=True)
class SiteAttributes:
    floor_area_m2: float
    yard_area_m2: float
    year_built: int
    replacement_value_sek: int


@dataclass(frozen=True)
class UnitNeed:
    socioeconomic_need: float
    newly_arrived_share: float


@dataclass(frozen=True)
class SyntheticRating:
    element: str
    location: str
    grade: str
    urgency: int | None
    note: str
    quantity: float | None
    observed_at: datetime
    lat: float
    lon: float
    accuracy_m: float


@dataclass
class SyntheticInspection:
    uuid: uuid.UUID
    site_code: str
    started_at: datetime
    finished_at: datetime | None
    ratings: list[SyntheticRating] = field(default_factory=list)


@dataclass
class SyntheticCampaign:
    code: str
    unit_code: str
    questionnaire: str
    respondent_group: str
    years: str
    opens_on: date
    closes_on: date
    # One row per respondent: (day, language, {item: value or None for "vet inte"}).
    responses: list[tuple[date, str, dict[str, int | None]]] = field(default_factory=list)


def site_attributes(site: SiteRecord, city_area: str, seed: int) -> SiteAttributes:
    rng = rng_for(seed, "site", site.code)
    floor_area = max(600.0, site.pupils * rng.uniform(8.0, 13.0))
    yard_per_pupil = AREA_YARD_PER_PUPIL.get(city_area, 30.0) * rng.lognormal(0.0, 0.35)
    year_built = int(
        rng.choice([1905, 1935, 1955, 1965, 1972, 1985, 2000, 2015]) + rng.integers(0, 8)
    )
    return SiteAttributes(
        floor_area_m2=round(floor_area, -1),
        yard_area_m2=round(max(800.0, site.pupils * yard_per_pupil), -1),
        year_built=min(year_built, 2022),
        replacement_value_sek=int(round(floor_area * rng.uniform(32_000, 42_000), -5)),
    )


def unit_need(unit: UnitRecord, city_area: str, seed: int) -> UnitNeed:
    rng = rng_for(seed, "unit", unit.code)
    need = AREA_NEED.get(city_area, 50.0) + rng.normal(0.0, 12.0)
    if unit.school_form == "anpassad_grundskola":
        need += 5.0
    need = float(np.clip(need, 2.0, 98.0))
    newly_arrived = float(np.clip(0.01 + need / 100 * rng.uniform(0.03, 0.22), 0.0, 0.6))
    return UnitNeed(round(need, 1), round(newly_arrived, 3))


def element_quantity(element: Element, attrs: SiteAttributes) -> float:
    """A plausible quantity in the element's unit, from the catalogue's rule of thumb."""
    estimate = element.quantity_estimate.quantity(
        floor_area=attrs.floor_area_m2, yard_area=attrs.yard_area_m2
    )
    if element.unit in {"st", "site"}:
        return float(max(1, round(estimate)))
    return float(round(estimate, -1) or 10)


def inspections_for_site(
    site: SiteRecord,
    attrs: SiteAttributes,
    catalogue: Catalogue,
    seed: int,
) -> list[SyntheticInspection]:
    """0 to 3 visits between 2023 and the data date; grades drift worse and are sometimes fixed."""
    rng = rng_for(seed, "inspections", site.code)
    visits = int(rng.choice([0, 1, 2, 3], p=[0.08, 0.3, 0.35, 0.27]))
    if not visits:
        return []
    first, last = date(2023, 3, 1), DATA_DATE - timedelta(days=7)
    offsets = sorted(rng.choice((last - first).days, size=visits, replace=False))
    renovated = (
        attrs.year_built
        if rng.random() < 0.5
        else int(rng.integers(attrs.year_built, max(attrs.year_built, 2020) + 1))
    )
    age = (DATA_DATE.year - renovated) / 60.0
    site_effect = rng.normal(0.0, 0.25)
    latent = {e.code: age + site_effect + rng.normal(0.0, 0.35) for e in catalogue.elements}
    absent = {"sports_hall"} if site.pupils < 300 and rng.random() < 0.4 else set()
    locations = {"toilets": ["Hus A", "Hus B"]} if site.pupils > 400 else {}

    result = []
    previous_day: date | None = None
    for n, offset in enumerate(offsets):
        day = first + timedelta(days=int(offset))
        if previous_day is not None:
            years = (day - previous_day).days / 365.0
            for code in latent:
                # Unrepaired things wear; now and then something is renovated.
                latent[code] = 0.0 if rng.random() < 0.08 else latent[code] + 0.12 * years
        previous_day = day
        start = datetime.combine(day, time(8, 0), STOCKHOLM) + timedelta(
            minutes=int(rng.integers(0, 120))
        )
        inspection = SyntheticInspection(
            uuid=uuid.uuid5(NAMESPACE, f"{seed}/{site.code}/{n}"),
            site_code=site.code,
            started_at=start,
            finished_at=None,
        )
        observed = start
        for element in catalogue.elements:
            for location in locations.get(element.code, [""]):
                observed += timedelta(minutes=int(rng.integers(2, 7)))
                inspection.ratings.append(
                    _rating(
                        element,
                        location,
                        latent[element.code] + rng.normal(0, 0.15),
                        element.code in absent,
                        attrs,
                        site,
                        observed,
                        rng,
                    )
                )
        unfinished = n == visits - 1 and rng.random() < 0.05
        inspection.finished_at = None if unfinished else observed + timedelta(minutes=10)
        result.append(inspection)
    return result


def _rating(
    element: Element,
    location: str,
    score: float,
    absent: bool,
    attrs: SiteAttributes,
    site: SiteRecord,
    observed: datetime,
    rng: np.random.Generator,
) -> SyntheticRating:
    grade = "N" if absent else GRADES[int(np.digitize(score, [0.55, 1.1, 1.7]))]
    urgency = None
    if grade == "C":
        urgency = int(rng.choice([2, 3, 4], p=[0.3, 0.4, 0.3]))
    elif grade == "D":
        # One draw either way, so the streams after it do not shift with the catalogue flag.
        urgency = int(rng.choice([1, 2, 3], p=_D_URGENCY[element.safety_relevant]))
    quantity = None if grade == "N" else element_quantity(element, attrs)
    if quantity is not None and location:
        quantity = round(quantity / 2)
    note = str(rng.choice(NOTES[grade])) if grade in NOTES else ""
    return SyntheticRating(
        element=element.code,
        location=location,
        grade=grade,
        urgency=urgency,
        note=note,
        quantity=quantity,
        observed_at=observed,
        lat=round(site.lat + rng.normal(0, 0.0003), 6),
        lon=round(site.lon + rng.normal(0, 0.0005), 6),
        accuracy_m=round(float(rng.uniform(4.0, 15.0)), 1),
    )


def index_condition(inspections: list[SyntheticInspection]) -> dict[str, float]:
    """Mean severity (0 good .. 1 bad) of the elements behind each index, from the last visit."""
    if not inspections:
        return {}
    grades = {
        r.element: GRADES.index(r.grade) / 3 for r in inspections[-1].ratings if r.grade != "N"
    }
    result = {}
    for index, codes in INDEX_ELEMENTS.items():
        values = [grades[c] for c in codes if c in grades]
        if values:
            result[index] = sum(values) / len(values)
    return result


def campaigns_for_unit(
    unit: UnitRecord,
    need: UnitNeed,
    condition: dict[str, float],
    questionnaires: dict[str, Questionnaire],
    seed: int,
    taken_codes: set[str],
) -> list[SyntheticCampaign]:
    """An autumn campaign for pupils and one for parents, answered in line with the
    condition; closed before `DATA_DATE`, so their results are published."""
    rng = rng_for(seed, "campaigns", unit.code)
    if rng.random() < 0.12:
        return []
    opens, closes = CAMPAIGN_OPENS, CAMPAIGN_CLOSES
    campaigns = []
    young = unit.year_to <= 3
    first_year = unit.year_from if young else max(unit.year_from, 4)
    share_surveyed = (unit.year_to - first_year + 1) / (unit.year_to - unit.year_from + 1)
    groups = [
        (
            "pupils_young" if young else "pupils",
            "pupils",
            min(60, round(unit.pupils * share_surveyed * rng.uniform(0.45, 0.85))),
        ),
        ("parents", "parents", min(30, round(unit.pupils * rng.uniform(0.08, 0.35)))),
    ]
    years = f"{'F' if first_year == 0 else first_year}–{unit.year_to}"
    languages_p = _language_weights(need.newly_arrived_share)
    for key, group, respondents in groups:
        questionnaire = questionnaires[key]
        campaign = SyntheticCampaign(
            code=_campaign_code(rng, taken_codes),
            unit_code=unit.code,
            questionnaire=key,
            respondent_group=group,
            years=years if group == "pupils" else "",
            opens_on=opens,
            closes_on=closes,
        )
        items = [(item.code, item.index) for item in questionnaire.items]
        means = np.array(
            [
                2.6
                - 1.8 * condition.get(index, 0.4)
                - 0.4 * need.socioeconomic_need / 100
                + (0.15 if group == "parents" else 0.0)
                for _, index in items
            ]
        )
        raw = rng.normal(means, 0.8, size=(respondents, len(items)))
        values = np.clip(np.rint(raw), 0, 3).astype(int)
        dont_know = rng.random(size=values.shape) < 0.06
        days = rng.integers(0, (closes - opens).days + 1, size=respondents)
        langs = rng.choice(LANGUAGES, size=respondents, p=languages_p)
        for r in range(respondents):
            answers = {
                code: None if dont_know[r, i] else int(values[r, i])
                for i, (code, _) in enumerate(items)
            }
            campaign.responses.append(
                (opens + timedelta(days=int(days[r])), str(langs[r]), answers)
            )
        campaigns.append(campaign)
    return campaigns


def _language_weights(newly_arrived_share: float) -> list[float]:
    other = min(0.5, 0.1 + newly_arrived_share)
    return [1 - other, other * 0.2, other * 0.4, other * 0.2, other * 0.2]


_CODE_ALPHABET = list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")


def _campaign_code(rng: np.random.Generator, taken: set[str]) -> str:
    while True:
        code = "".join(rng.choice(_CODE_ALPHABET, size=6))
        if code not in taken:
            taken.add(code)
            return code
