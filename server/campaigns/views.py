"""The public survey form at /s/<code>/. Who may call: anyone with the campaign's code.

Nothing here reads or stores who answers: no name, address or user agent reaches the
database (the rate limit hashes the address into a cache key that expires). Nothing is
logged per response either, which would time-stamp each one: only refusals are logged,
with the campaign and the reason but not the address (`manage.py survey_daily_counts`
gives operators the daily numbers).
"""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from server.campaigns import codes, services, survey_form
from server.campaigns.models import Campaign, RespondentCode, campaign_is_open
from server.campaigns.ratelimit import (
    seconds_to_next_window,
    submission_allowed,
    submissions_exhausted,
)
from server.core.municipality import current_municipality
from shared.errors import NotFound
from surveys.questionnaire import Questionnaire, load_questionnaire, localize

logger = logging.getLogger(__name__)


def _refused(campaign: Campaign | None, reason: str) -> None:
    """One log line for a refused submission: the campaign and why, never who or where."""
    logger.info(
        "Survey submission refused: %s (campaign %s)",
        reason,
        campaign.code if campaign else "unknown",
    )


def _page(
    request: HttpRequest,
    questionnaire: Questionnaire | None,
    lang: str,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    languages = questionnaire.languages if questionnaire else None
    direction = languages[lang].direction if languages and lang in languages else "ltr"
    base = {
        "lang": lang,
        "dir": direction,
        "t": _Texts(lang),
        "languages": list(languages.values()) if languages else [],
    }
    response = render(request, template, {**base, **context}, status=status)
    response["Content-Language"] = lang
    # Answers must not linger in a shared computer's cache or history.
    response["Cache-Control"] = "no-store"
    return response


class _Texts:
    """`{{ t.next }}` in templates: the form text in the page's language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        return survey_form.text(name, self.lang)


def _message(
    request: HttpRequest,
    questionnaire: Questionnaire | None,
    lang: str,
    *,
    title: str,
    text: str,
    status: int,
    campaign: Campaign | None = None,
) -> HttpResponse:
    return _page(
        request,
        questionnaire,
        lang,
        "campaigns/survey_message.html",
        {"title": title, "text": text, "campaign": campaign},
        status=status,
    )


def _notice(
    request: HttpRequest,
    questionnaire: Questionnaire,
    lang: str,
    *,
    title_key: str,
    text_key: str,
    status: int,
    campaign: Campaign,
) -> HttpResponse:
    """A campaign's plain page (closed, code used, thanks) from two texts of the form."""
    return _message(
        request,
        questionnaire,
        lang,
        title=survey_form.text(title_key, lang, municipality=current_municipality().name),
        text=survey_form.text(text_key, lang, municipality=current_municipality().name),
        status=status,
        campaign=campaign,
    )


def _language(request: HttpRequest, questionnaire: Questionnaire) -> str:
    asked = request.POST.get("lang") or request.GET.get("lang")
    return survey_form.language_choose(
        questionnaire, asked=asked, accept_language=request.headers.get("Accept-Language", "")
    )


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, code: str) -> HttpResponse:
    try:
        campaign = services.campaign_get(code=code)
    except NotFound:
        if request.method == "POST":
            _refused(None, "unknown campaign")
        common = load_questionnaire("pupils")
        lang = _language(request, common)
        return _message(
            request,
            common,
            lang,
            title=survey_form.text("survey_unknown", lang),
            text="",
            status=404,
        )
    questionnaire = load_questionnaire(campaign.questionnaire)
    lang = _language(request, questionnaire)
    if campaign.code != code:
        return redirect(reverse("survey", args=[campaign.code]))
    if not campaign_is_open(campaign):
        if request.method == "POST":
            _refused(campaign, "closed")
        return _notice(
            request,
            questionnaire,
            lang,
            title_key="survey_closed",
            text_key="survey_closed_text",
            status=410,
            campaign=campaign,
        )
    if request.method == "GET":
        return _start(request, campaign, questionnaire, lang)
    return _step(request, campaign, questionnaire, lang)


def _start(
    request: HttpRequest,
    campaign: Campaign,
    questionnaire: Questionnaire,
    lang: str,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    municipality = current_municipality()
    return _page(
        request,
        questionnaire,
        lang,
        "campaigns/survey_start.html",
        {
            "campaign": campaign,
            "title": localize(questionnaire.title, lang),
            "intro": localize(questionnaire.intro, lang),
            "privacy": survey_form.text(
                "privacy_notice",
                lang,
                min_respondents=municipality.survey_threshold,
                municipality=municipality.name,
            ),
            "needs_code": campaign.codes.exists(),
            "error": error,
            "review_needed": questionnaire.languages[lang].review_needed,
        },
        status=status,
    )


def _code_problem(campaign: Campaign, code: str, lang: str) -> tuple[str, int] | None:
    """Why a one-time code cannot be used, with the page's status; None if it can."""
    if not campaign.codes.exists():
        return None
    row = RespondentCode.objects.filter(campaign=campaign, code=code).first()
    if row is None:
        return survey_form.text("code_invalid", lang), 400
    if row.used:
        return survey_form.text("code_used_text", lang), 409
    return None


def _limited(
    request: HttpRequest, campaign: Campaign, questionnaire: Questionnaire, lang: str
) -> HttpResponse:
    _refused(campaign, "rate limited")
    response = _message(
        request,
        questionnaire,
        lang,
        title=survey_form.text("too_many_answers", lang),
        text="",
        status=429,
        campaign=campaign,
    )
    response["Retry-After"] = str(seconds_to_next_window(campaign))
    return response


def _step(
    request: HttpRequest, campaign: Campaign, questionnaire: Questionnaire, lang: str
) -> HttpResponse:
    # Over the limit, every step says so before anything else: whether a one-time code
    # is right must not be learnt past the limit either.
    if submissions_exhausted(request, campaign):
        return _limited(request, campaign, questionnaire, lang)
    code = codes.normalize(request.POST.get("rcode", ""))
    problem = _code_problem(campaign, code, lang)
    if problem is not None:
        # A wrong or spent code counts like a submission, so codes cannot be guessed
        # faster than answers can be sent.
        if not submission_allowed(request, campaign):
            return _limited(request, campaign, questionnaire, lang)
        text, status = problem
        _refused(campaign, "one-time code used" if status == 409 else "unknown one-time code")
        if status == 409:
            return _notice(
                request,
                questionnaire,
                lang,
                title_key="code_used",
                text_key="code_used_text",
                status=409,
                campaign=campaign,
            )
        return _start(request, campaign, questionnaire, lang, error=text, status=status)
    try:
        answers = survey_form.answers_from_post(questionnaire, request.POST)
    except survey_form.BadAnswers:
        _refused(campaign, "answers no form sends")
        return _message(
            request,
            questionnaire,
            lang,
            title=survey_form.text("try_again", lang),
            text="",
            status=400,
            campaign=campaign,
        )
    parts = survey_form.sections(questionnaire, lang)
    try:
        shown = int(request.POST.get("step", "0"))
    except ValueError:
        shown = 0
    shown = min(max(shown, 0), len(parts))
    action = request.POST.get("action", "next")
    if action == "submit" and shown == len(parts):
        return _submit(request, campaign, questionnaire, lang, answers, code)
    target = shown - 1 if action == "back" else shown + 1
    return _step_page(request, campaign, questionnaire, lang, answers, code, target)


def _step_page(
    request: HttpRequest,
    campaign: Campaign,
    questionnaire: Questionnaire,
    lang: str,
    answers: dict[str, int | None],
    code: str,
    target: int,
    *,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """Part `target` (1-based) of the form, with the answers so far carried along."""
    parts = survey_form.sections(questionnaire, lang)
    target = min(max(target, 1), len(parts))
    section = parts[target - 1]
    here = {item.code for item in section.items}
    return _page(
        request,
        questionnaire,
        lang,
        "campaigns/survey_step.html",
        {
            "campaign": campaign,
            "title": localize(questionnaire.title, lang),
            "section": section,
            "step": target,
            "steps": len(parts),
            "progress": survey_form.text(
                "section_progress", lang, current=target, total=len(parts)
            ),
            "choices": survey_form.choices(questionnaire, lang),
            "items": [
                {
                    "code": item.code,
                    "text": localize(item.text, lang),
                    "value": survey_form.field_value(answers[item.code])
                    if item.code in answers
                    else "",
                }
                for item in section.items
            ],
            "carried": [
                (survey_form.FIELD_PREFIX + item, survey_form.field_value(value))
                for item, value in answers.items()
                if item not in here
            ],
            "rcode": code,
            "last": target == len(parts),
            # On the last part, say so if earlier parts left statements unanswered.
            "missing": not error
            and target == len(parts)
            and any(item.code not in answers for part in parts[:-1] for item in part.items),
            "error": error,
        },
        status=status,
    )


def _submit(
    request: HttpRequest,
    campaign: Campaign,
    questionnaire: Questionnaire,
    lang: str,
    answers: dict[str, int | None],
    code: str,
) -> HttpResponse:
    if not submission_allowed(request, campaign):
        return _limited(request, campaign, questionnaire, lang)
    try:
        services.response_submit(
            campaign=campaign, answers=answers, language=lang, respondent_code=code
        )
    except services.TooFewAnswers:
        _refused(campaign, "too few answers")
        return _step_page(
            request,
            campaign,
            questionnaire,
            lang,
            answers,
            code,
            len(survey_form.sections(questionnaire, lang)),
            error=survey_form.text("too_few_answers", lang),
            status=400,
        )
    # A code used meanwhile, or the campaign closed while the form was open.
    except services.CodeUsed:
        _refused(campaign, "one-time code used")
        return _notice(
            request,
            questionnaire,
            lang,
            title_key="code_used",
            text_key="code_used_text",
            status=409,
            campaign=campaign,
        )
    except services.CampaignClosed:
        _refused(campaign, "closed")
        return _notice(
            request,
            questionnaire,
            lang,
            title_key="survey_closed",
            text_key="survey_closed_text",
            status=410,
            campaign=campaign,
        )
    # Post/redirect/get: a reload of the thank-you page sends nothing twice.
    done = HttpResponseRedirect(f"{reverse('survey-thanks', args=[campaign.code])}?lang={lang}")
    done.status_code = 303
    return done


def thanks(request: HttpRequest, code: str) -> HttpResponse:
    try:
        campaign = services.campaign_get(code=code)
    except NotFound:
        return redirect(reverse("survey", args=[code]))
    questionnaire = load_questionnaire(campaign.questionnaire)
    lang = _language(request, questionnaire)
    return _notice(
        request,
        questionnaire,
        lang,
        title_key="thank_you",
        text_key="thank_you_text",
        status=200,
        campaign=campaign,
    )
