"""The public survey form's logic, apart from HTTP: language, sections, answers from a POST.

The form works without JavaScript and keeps nothing on the server between steps: each
step posts its own answers and carries the earlier ones as hidden fields, so the only
row ever written is the finished response.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation.trans_real import parse_accept_lang_header

from surveys.questionnaire import SOURCE_LANGUAGE, Item, Questionnaire, localize, ui_text

DONT_KNOW = "x"
"""The radio value of "vet inte"; stored as NULL."""
FIELD_PREFIX = "a_"


@dataclass(frozen=True)
class Section:
    """One index's items: one step of the form."""

    index: str
    title: str
    items: list[Item]


def language_choose(
    questionnaire: Questionnaire, *, asked: str | None, accept_language: str
) -> str:
    """The respondent's choice if it is one of the questionnaire's languages, else the
    browser's first one that is, else Swedish."""
    if asked in questionnaire.languages:
        return asked
    for lang, _quality in parse_accept_lang_header(accept_language or ""):
        primary = lang.split("-")[0].lower()
        if primary in questionnaire.languages:
            return primary
    return SOURCE_LANGUAGE


def sections(questionnaire: Questionnaire, lang: str) -> list[Section]:
    """The questionnaire's indices in the order their first item appears."""
    order: list[str] = []
    for item in questionnaire.items:
        if item.index not in order:
            order.append(item.index)
    return [
        Section(
            index=code,
            title=localize(questionnaire.indices[code].name, lang),
            items=questionnaire.items_of(code),
        )
        for code in order
    ]


class BadAnswers(ValueError):
    """A posted answer that no form of ours could have sent."""


def answers_from_post(
    questionnaire: Questionnaire, data: Mapping[str, str]
) -> dict[str, int | None]:
    """Item code -> 0..3 or None ("vet inte") for every answered item in the POST."""
    known = questionnaire.item_index()
    answers: dict[str, int | None] = {}
    for key, raw in data.items():
        if not key.startswith(FIELD_PREFIX):
            continue
        item = key[len(FIELD_PREFIX) :]
        if item not in known:
            raise BadAnswers(f"unknown item {item!r}")
        if raw == DONT_KNOW:
            answers[item] = None
        elif raw in {"0", "1", "2", "3"}:
            answers[item] = int(raw)
        elif raw == "":
            continue
        else:
            raise BadAnswers(f"bad value for {item!r}")
    return answers


def field_value(value: int | None) -> str:
    return DONT_KNOW if value is None else str(value)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def choices(questionnaire: Questionnaire, lang: str) -> list[Choice]:
    """The five answer options, best first, "vet inte" last."""
    return [
        Choice(
            value=DONT_KNOW if step.value is None else str(step.value),
            label=localize(step.label, lang),
        )
        for step in questionnaire.scale
    ]


def text(name: str, lang: str, **values: object) -> str:
    return ui_text(name, lang, **values)
