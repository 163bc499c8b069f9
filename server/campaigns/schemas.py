"""Wire shapes of the campaign and survey-results API."""

from __future__ import annotations

from datetime import date
from typing import Literal

from ninja import Schema
from pydantic import Field


class CampaignIn(Schema):
    unit: str = Field(description="The school unit's code.")
    respondent_group: Literal["pupils", "parents"]
    opens_on: date
    closes_on: date
    questionnaire: str = Field("", description="Questionnaire key; chosen from the unit if empty.")
    years: str = Field("", max_length=16, description="Pupils' school years, e.g. 4–9.")
    respondent_codes: int = Field(0, ge=0, le=1000, description="One-time codes to print.")


class CampaignDatesIn(Schema):
    opens_on: date
    closes_on: date


class CampaignOut(Schema):
    code: str
    url: str
    unit: str
    unit_name: str
    respondent_group: str
    questionnaire: str
    years: str
    opens_on: date
    closes_on: date
    is_open: bool = Field(description="Takes answers today.")
    is_closed: bool = Field(
        description="Closed (from 00:00 Stockholm time after closes_on): its answers count."
    )
    responses: int = Field(description="Responses so far (a count; results are elsewhere).")
    response_rate: float | None = Field(
        description="Pupils' responses per pupil of the unit; none for parents."
    )
    respondent_codes: int
    respondent_codes_unused: int
    poster_png: str
    poster_pdf: str
    slips_pdf: str | None
    synthetic: bool


class IndexResultOut(Schema):
    index: str
    name: str
    suppressed: bool = Field(description="Too few answers: no number is given.")
    respondents: int | None
    raw: float | None = Field(description="The unit's own mean, 0-10 (raw).")
    ci_low: float | None = Field(description="95 % interval of the raw mean.")
    ci_high: float | None
    shrunk: float | None = Field(description="Shrunk toward the city mean (for ranking).")
    city_mean: float | None
    response_rate: float | None


class UnitResultOut(Schema):
    unit: str
    unit_name: str
    site: str
    site_name: str
    group: str
    group_label: str
    suppressed: bool
    respondents: int | None
    response_rate: float | None
    indices: list[IndexResultOut]


class ResultsOut(Schema):
    threshold: int
    results: list[UnitResultOut]


class CityResultOut(Schema):
    group: str
    index: str
    name: str
    units: int = Field(description="Units shown (not suppressed).")
    mean: float | None
    q1: float | None
    median: float | None
    q3: float | None
