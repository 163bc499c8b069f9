"""Writes for survey campaigns: opening one, its one-time codes, anonymous responses, and
deleting the answers once the retention period has passed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef

from server.campaigns import codes
from server.campaigns.models import (
    FIXED_MESSAGE,
    Answer,
    Campaign,
    RespondentCode,
    Response,
    campaign_is_open,
    campaign_opened,
    local_today,
)
from server.core.data_version import bump
from server.schools.models import SchoolUnit
from shared.errors import AppError, Conflict, ErrorDetail, InvalidInput, NotFound
from surveys.questionnaire import ANSWER_VALUES, QuestionnaireError, load_questionnaire

MAX_RESPONDENT_CODES = 1000


class CampaignClosed(AppError):
    """The campaign exists but does not take answers today (not yet open, or closed)."""

    status = 410
    code = "campaign_closed"


class CampaignFixed(Conflict):
    """The campaign has opened: its dates, unit and group can no longer change."""

    code = "campaign_fixed"


class TooFewAnswers(InvalidInput):
    """Fewer than half the questionnaire's items answered ("vet inte" counts as an answer)."""

    code = "too_few_answers"


class CodeUsed(Conflict):
    code = "code_used"


class CodeInvalid(InvalidInput):
    code = "code_invalid"


def questionnaire_for(*, unit: SchoolUnit, respondent_group: str) -> str:
    """The questionnaire that fits a unit and group: the short one for units up to year 3."""
    if respondent_group == Campaign.Group.PARENTS:
        return "parents"
    return "pupils_young" if unit.year_to <= 3 else "pupils"


@dataclass(frozen=True)
class NewCampaign:
    """A campaign as a planner asks for it; the API's CampaignIn and the page's form map to it."""

    unit_code: str
    respondent_group: str
    opens_on: date
    closes_on: date
    questionnaire: str = ""
    years: str = ""
    respondent_codes: int = 0


def campaign_create(*, data: NewCampaign, code: str | None = None) -> Campaign:
    """Open a campaign; InvalidInput, field by field, for anything that does not fit."""
    problems: list[ErrorDetail] = []
    unit = SchoolUnit.objects.filter(code=data.unit_code).first()
    if unit is None:
        problems.append(ErrorDetail(field="unit", message="Okänd skolenhet / unknown school unit."))
    if data.respondent_group not in Campaign.Group.values:
        problems.append(
            ErrorDetail(field="respondent_group", message="Välj elever eller vårdnadshavare.")
        )
    if data.closes_on < data.opens_on:
        problems.append(
            ErrorDetail(
                field="closes_on", message="Slutdatum före startdatum / closes before it opens."
            )
        )
    if not 0 <= data.respondent_codes <= MAX_RESPONDENT_CODES:
        problems.append(
            ErrorDetail(
                field="respondent_codes", message=f"0 till {MAX_RESPONDENT_CODES} engångskoder."
            )
        )
    key = data.questionnaire
    if unit is not None and not problems:
        key = key or questionnaire_for(unit=unit, respondent_group=data.respondent_group)
        try:
            questionnaire = load_questionnaire(key)
        except QuestionnaireError:
            problems.append(ErrorDetail(field="questionnaire", message="Okänd enkät."))
        else:
            if questionnaire.respondent_group != data.respondent_group:
                problems.append(
                    ErrorDetail(
                        field="questionnaire",
                        message="Enkäten är för en annan svarsgrupp / for another group.",
                    )
                )
    if problems:
        raise InvalidInput(
            "Kampanjen kunde inte öppnas / the campaign has invalid values.", problems
        )
    assert unit is not None
    with transaction.atomic():
        campaign = Campaign.objects.create(
            code=code
            or codes.new_code(
                codes.CAMPAIGN_CODE_LENGTH,
                taken=lambda c: Campaign.objects.filter(code=c).exists(),
            ),
            questionnaire=key,
            unit=unit,
            respondent_group=data.respondent_group,
            years=data.years,
            opens_on=data.opens_on,
            closes_on=data.closes_on,
        )
        if data.respondent_codes:
            respondent_codes_add(campaign=campaign, count=data.respondent_codes)
    return campaign


def campaign_dates_change(
    *, campaign: Campaign, opens_on: date, closes_on: date, now: datetime | None = None
) -> Campaign:
    """Move a campaign that has not opened yet; CampaignFixed once it has opened.

    Once answers can come in, the close date is the moment they are published: a planner
    who could move it could publish one state, then another, and difference the two.
    """
    stored = Campaign.objects.get(pk=campaign.pk)  # as stored, not as the caller holds it
    if campaign_opened(stored, now):
        raise CampaignFixed(FIXED_MESSAGE, [ErrorDetail(field="closes_on", message=FIXED_MESSAGE)])
    if closes_on < opens_on:
        raise InvalidInput(
            "Slutdatum före startdatum / closes before it opens.",
            [ErrorDetail(field="closes_on", message="Slutdatum före startdatum.")],
        )
    stored.opens_on, stored.closes_on = opens_on, closes_on
    stored.save(update_fields=["opens_on", "closes_on"])
    return stored


def respondent_codes_add(*, campaign: Campaign, count: int) -> list[str]:
    """Add `count` fresh one-time codes to the campaign; returns them."""
    existing = set(campaign.codes.values_list("code", flat=True))
    fresh: list[str] = []
    while len(fresh) < count:
        code = codes.new_code(codes.RESPONDENT_CODE_LENGTH)
        if code not in existing:
            existing.add(code)
            fresh.append(code)
    RespondentCode.objects.bulk_create(
        [RespondentCode(campaign=campaign, code=code) for code in fresh]
    )
    return fresh


def campaign_get(*, code: str) -> Campaign:
    campaign = Campaign.objects.select_related("unit").filter(code=codes.normalize(code)).first()
    if campaign is None:
        raise NotFound("Okänd enkät / unknown survey.")
    return campaign


def answers_check(
    *, campaign: Campaign, answers: Mapping[str, int | None]
) -> dict[str, int | None]:
    """The answers if every item is the campaign's, every value 0..3 or None ("vet inte"),
    and at least half the items are answered: an empty or near-empty response would be a
    cheap way to stuff a campaign. An item left out is unanswered; "vet inte" is an answer.
    """
    questionnaire = load_questionnaire(campaign.questionnaire)
    items = questionnaire.item_index()
    problems = [
        ErrorDetail(field=f"answers.{item}", message="Okänt påstående / unknown item.")
        for item in answers
        if item not in items
    ]
    problems += [
        ErrorDetail(field=f"answers.{item}", message="Svaret ska vara 0-3 eller tomt.")
        for item, value in answers.items()
        if value is not None and (isinstance(value, bool) or value not in ANSWER_VALUES)
    ]
    if problems:
        raise InvalidInput("Svaren har ogiltiga värden / invalid answers.", problems)
    if 2 * len(answers) < len(items):
        raise TooFewAnswers(
            f"Svara på minst hälften av påståendena ({(len(items) + 1) // 2} av {len(items)}) "
            "/ answer at least half of the items.",
            [ErrorDetail(field="answers", message=f"{len(answers)} av {len(items)} besvarade.")],
        )
    return dict(answers)


def response_submit(
    *,
    campaign: Campaign,
    answers: Mapping[str, int | None],
    language: str,
    respondent_code: str = "",
    now: datetime | None = None,
) -> Response:
    """Store one anonymous response: its answers, its language and the day, nothing else.

    A campaign with one-time codes takes a response only with an unused code of its own,
    spent in the same transaction (a conditional UPDATE, so two phones with one code
    cannot both get in).
    """
    if not campaign_is_open(campaign, now):
        raise CampaignClosed("Enkäten tar inte emot svar / the survey is closed.")
    checked = answers_check(campaign=campaign, answers=answers)
    index_of = load_questionnaire(campaign.questionnaire).item_index()
    with transaction.atomic():
        if campaign.codes.exists():
            code = codes.normalize(respondent_code)
            known = RespondentCode.objects.filter(campaign=campaign, code=code)
            if not code or not known.exists():
                raise CodeInvalid(
                    "Koden finns inte / unknown code.",
                    [ErrorDetail(field="respondent_code", message="Okänd kod.")],
                )
            if known.filter(used=False).update(used=True) != 1:
                raise CodeUsed("Koden har redan använts / the code has been used.")
        response = Response.objects.create(
            campaign=campaign, submitted_on=local_today(now), language=language[:8]
        )
        try:
            Answer.objects.bulk_create(
                [
                    Answer(response=response, item=item, index=index_of[item], value=value)
                    for item, value in checked.items()
                ]
            )
        except IntegrityError as exc:  # pragma: no cover - answers_check keeps this out
            raise InvalidInput("Svaren kunde inte sparas.") from exc
    return response


def survey_answers_purge(*, now: datetime, dry_run: bool = False) -> int:
    """Delete the responses and answers of campaigns closed at least
    `settings.RETAIN_SURVEY_ANSWERS_DAYS` whole days ago; returns how many responses
    (would) go.

    A campaign closes at 00:00 Europe/Stockholm after its close date (`campaign_closed`);
    its answers go on the day it has been closed that many whole days. The campaign's
    published result is computed from its answers and goes with them: its unit and group
    then have no result (missing in the ranking) until a newer campaign closes. That is
    the point of retention; the campaign itself (unit, dates, code) stays.
    """
    cutoff = local_today(now) - timedelta(days=settings.RETAIN_SURVEY_ANSWERS_DAYS)
    due = Response.objects.filter(campaign__closes_on__lt=cutoff)
    if dry_run:
        return due.count()
    campaigns = Campaign.objects.filter(closes_on__lt=cutoff).filter(
        Exists(Response.objects.filter(campaign=OuterRef("pk")))
    )
    deleted = 0
    # One campaign per transaction: a school's answers at a time, whatever the city's size,
    # and a run stopped halfway has kept or deleted whole campaigns.
    for campaign_id in list(campaigns.values_list("pk", flat=True)):
        with transaction.atomic():
            Answer.objects.filter(response__campaign_id=campaign_id).delete()
            _, counts = Response.objects.filter(campaign_id=campaign_id).delete()
            bump()  # a closed campaign's result is gone
        deleted += counts.get(Response._meta.label, 0)
    return deleted
