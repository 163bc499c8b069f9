"""The packaged questionnaire files (surveys/questionnaires/*.toml) against their rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from surveys.questionnaire import (
    INDEX_CODES,
    Questionnaire,
    load_all,
    load_common,
    load_questionnaire,
    questionnaire_keys,
    ui_text,
)

FOLDER = Path(__file__).resolve().parents[2] / "surveys" / "questionnaires"

KEYS = ["parents", "pupils", "pupils_young"]
LANGUAGES = ["sv", "en", "ar", "so", "fa"]
RIGHT_TO_LEFT = {"ar", "fa"}
NEEDS_REVIEW = {"ar", "so", "fa"}  # not yet checked by a native speaker

# key: (respondent group, years, item count range, least items per index)
EXPECTED = {
    "pupils": ("pupils", [4, 5, 6, 7, 8, 9], range(20, 25), 2),
    "pupils_young": ("pupils", [0, 1, 2, 3], range(10, 13), 1),
    "parents": ("parents", list(range(10)), range(16, 21), 2),
}
ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF]")


def every_text(questionnaire: Questionnaire) -> list[tuple[str, dict[str, str]]]:
    """Every translated text of a questionnaire, with where it is."""
    texts = [("title", questionnaire.title), ("intro", questionnaire.intro)]
    texts += [(f"item {item.code}", item.text) for item in questionnaire.items]
    return texts


def test_it_finds_the_three_questionnaires() -> None:
    assert questionnaire_keys() == KEYS
    assert sorted(path.name for path in FOLDER.glob("*.toml")) == [
        "common.toml",
        *(f"{key}.toml" for key in KEYS),
    ]


def test_it_validates_every_questionnaire_file() -> None:
    questionnaires = load_all()
    assert list(questionnaires) == KEYS
    for key, questionnaire in questionnaires.items():
        assert (questionnaire.key, questionnaire.version) == (key, "2026.1")


@pytest.mark.parametrize("key", KEYS)
def test_it_targets_the_right_respondents(key: str) -> None:
    group, years, _, _ = EXPECTED[key]
    questionnaire = load_questionnaire(key)
    assert (questionnaire.respondent_group, questionnaire.years) == (group, years)


@pytest.mark.parametrize("key", KEYS)
def test_it_has_a_number_of_items_that_fits_in_a_few_minutes(key: str) -> None:
    _, _, counts, _ = EXPECTED[key]
    assert len(load_questionnaire(key).items) in counts


@pytest.mark.parametrize("key", KEYS)
def test_it_covers_every_index_with_enough_items(key: str) -> None:
    _, _, _, least = EXPECTED[key]
    questionnaire = load_questionnaire(key)
    assert list(questionnaire.indices) == list(INDEX_CODES)
    counts = {code: len(questionnaire.items_of(code)) for code in INDEX_CODES}
    assert {code: count for code, count in counts.items() if count < least} == {}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("key", KEYS)
def test_it_has_every_text_in_every_language(key: str, lang: str) -> None:
    questionnaire = load_questionnaire(key)
    missing = [where for where, text in every_text(questionnaire) if not text.get(lang, "").strip()]
    assert missing == []


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "sv"])
@pytest.mark.parametrize("key", KEYS)
def test_it_translates_rather_than_copies_the_swedish(key: str, lang: str) -> None:
    questionnaire = load_questionnaire(key)
    copied = [where for where, text in every_text(questionnaire) if text[lang] == text["sv"]]
    assert copied == []


@pytest.mark.parametrize("lang", sorted(RIGHT_TO_LEFT))
@pytest.mark.parametrize("key", KEYS)
def test_it_writes_arabic_and_persian_in_arabic_script(key: str, lang: str) -> None:
    questionnaire = load_questionnaire(key)
    latin = [
        where for where, text in every_text(questionnaire) if not ARABIC_SCRIPT.search(text[lang])
    ]
    assert latin == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_it_has_every_form_text_in_every_language(lang: str) -> None:
    texts = load_common().texts
    assert {name for name, text in texts.items() if not text.get(lang, "").strip()} == set()
    labels = [step.label.get(lang, "") for step in load_common().scale]
    assert all(label.strip() for label in labels)


def test_it_has_the_form_texts_the_survey_pages_need() -> None:
    assert {
        "choose_language",
        "next",
        "previous",
        "submit",
        "thank_you",
        "survey_closed",
        "survey_unknown",
        "code_used",
        "privacy_title",
        "privacy_notice",
    } <= set(load_common().texts)
    assert ui_text("next", "sv") == "Nästa"
    assert ui_text("previous", "sv") == "Föregående"
    assert ui_text("submit", "sv") == "Skicka"
    assert ui_text("survey_closed", "sv") == "Enkäten är stängd."
    assert ui_text("code_used", "sv") == "Koden har redan använts."


@pytest.mark.parametrize("lang", LANGUAGES)
def test_it_fills_the_group_threshold_and_municipality_into_the_privacy_notice(lang: str) -> None:
    notice = ui_text("privacy_notice", lang, min_respondents=7, municipality="Lerums kommun")
    assert "7" in notice
    assert "IP" in notice
    assert "Lerums kommun" in notice
    assert "{" not in notice


@pytest.mark.parametrize("lang", LANGUAGES)
def test_it_names_the_municipality_in_the_thanks(lang: str) -> None:
    thanks = ui_text("thank_you_text", lang, municipality="Lerums kommun")
    assert "Lerums kommun" in thanks and "{" not in thanks


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_it_declares_every_language_with_its_direction_and_review_flag(key: str, lang: str) -> None:
    language = load_questionnaire(key).languages[lang]
    assert language.code == lang
    assert language.direction == ("rtl" if lang in RIGHT_TO_LEFT else "ltr")
    assert language.review_needed is (lang in NEEDS_REVIEW)


def test_it_names_each_language_in_itself() -> None:
    names = {code: language.name for code, language in load_common().languages.items()}
    assert names == {
        "sv": "Svenska",
        "en": "English",
        "ar": "العربية",
        "so": "Soomaali",
        "fa": "فارسی",
    }


def test_it_uses_the_agreed_answer_scale() -> None:
    scale = load_common().scale
    assert [(step.value, step.label["sv"]) for step in scale] == [
        (3, "Helt och hållet"),
        (2, "Till stor del"),
        (1, "Till viss del"),
        (0, "Inte alls"),
        (None, "Vet inte"),
    ]
    assert [step.dont_know for step in scale] == [False, False, False, False, True]


@pytest.mark.parametrize("key", KEYS)
def test_it_phrases_swedish_items_as_positive_statements(key: str) -> None:
    # Agreement must mean a good environment; a negation would flip an item's score.
    negated = [
        item.code
        for item in load_questionnaire(key).items
        if re.search(r"\b(inte|aldrig|ingen|inget|inga|dålig\w*)\b", item.text["sv"], re.I)
    ]
    assert negated == []


@pytest.mark.parametrize("name", ["common.toml", *(f"{key}.toml" for key in KEYS)])
def test_it_documents_its_structure_at_the_top_of_each_file(name: str) -> None:
    head = (FOLDER / name).read_text(encoding="utf-8").splitlines()[:12]
    assert all(line.startswith("#") for line in head)
    assert any("[[items]]" in line or "[[scale]]" in line for line in head)
