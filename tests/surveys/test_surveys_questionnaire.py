"""The questionnaire models, loader and scoring (surveys/questionnaire.py), on small files."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys.questionnaire import (
    ANSWER_VALUES,
    INDEX_CODES,
    Questionnaire,
    QuestionnaireError,
    answer_score,
    load_common,
    load_questionnaire,
    localize,
    questionnaire_keys,
    read_common,
    read_questionnaire,
    ui_text,
)

PACKAGED = Path(__file__).resolve().parents[2] / "surveys" / "questionnaires"

SCALE = [(3, "Helt och hållet"), (2, "Till stor del"), (1, "Till viss del"), (0, "Inte alls")]


def scale_toml(values: list[int | None]) -> str:
    if not values:
        return "scale = []\n"
    steps = []
    for value in values:
        line = "" if value is None else f"value = {value}\n"
        steps.append(f'[[scale]]\n{line}label.sv = "steg {value}"\nlabel.en = "step {value}"\n')
    return "\n".join(steps)


def common_toml(
    *, scale: list[int | None] | None = None, indices: tuple[str, ...] = INDEX_CODES
) -> str:
    """A minimal valid common.toml with Swedish and English only."""
    languages = (
        '[languages.sv]\nname = "Svenska"\ndirection = "ltr"\nreview_needed = false\n\n'
        '[languages.en]\nname = "English"\ndirection = "ltr"\nreview_needed = false\n'
    )
    index_tables = "\n".join(
        f'[indices.{code}]\nname.sv = "{code} sv"\nname.en = "{code} en"\n' for code in indices
    )
    texts = (
        '[texts]\nnext.sv = "Nästa"\nnext.en = "Next"\n'
        'progress.sv = "Fråga {current} av {total}"\n'
        'progress.en = "Question {current} of {total}"\n'
    )
    # The scale first: an empty one is the top-level `scale = []`, which must come
    # before any table.
    steps = scale_toml([3, 2, 1, 0, None] if scale is None else scale)
    return "\n".join([steps, languages, index_tables, texts])


def item_toml(code: str, index: str, **texts: str) -> str:
    lines = [f'[[items]]\ncode = "{code}"\nindex = "{index}"']
    lines += [f'text.{lang} = "{text}"' for lang, text in texts.items()]
    return "\n".join(lines) + "\n"


def default_items() -> list[str]:
    """One valid item per index."""
    return [item_toml(f"{code}_1", code, sv=f"{code} sv", en=f"{code} en") for code in INDEX_CODES]


def questionnaire_toml(*, key: str = "demo", items: list[str] | None = None, head: str = "") -> str:
    header = (
        f'key = "{key}"\nversion = "2026.1"\nrespondent_group = "pupils"\nyears = [4, 5, 6]\n'
        'title.sv = "Titel"\ntitle.en = "Title"\nintro.sv = "Intro"\nintro.en = "Intro"\n'
    )
    body = "\n".join(default_items() if items is None else items)
    return header + head + "\n" + body


Load = Callable[..., Questionnaire]


@pytest.fixture
def load(tmp_path: Path) -> Load:
    """Write a questionnaire (and a common.toml) to tmp files and read them."""

    def _load(text: str, *, name: str = "demo.toml", common: str | None = None) -> Questionnaire:
        common_path = tmp_path / "common.toml"
        common_path.write_text(common_toml() if common is None else common, encoding="utf-8")
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return read_questionnaire(path, common=common_path)

    return _load


def rejection(load: Load, text: str, **kwargs: str) -> str:
    with pytest.raises(QuestionnaireError) as caught:
        load(text, **kwargs)
    return str(caught.value)


def test_it_reads_a_valid_minimal_questionnaire(load: Load) -> None:
    questionnaire = load(questionnaire_toml())
    assert questionnaire.item_index() == {f"{code}_1": code for code in INDEX_CODES}
    assert list(questionnaire.languages) == ["sv", "en"]


def test_it_rejects_an_item_missing_a_language(load: Load) -> None:
    items = [*default_items(), item_toml("air_fresh", "indoor_climate", sv="Luften är frisk.")]
    assert rejection(load, questionnaire_toml(items=items)) == (
        "demo.toml: item 'air_fresh' has no text in language 'en'"
    )


def test_it_lists_every_missing_text_at_once(load: Load) -> None:
    items = [
        *default_items(),
        item_toml("air_fresh", "indoor_climate", sv="Luften är frisk."),
        item_toml("light_good", "indoor_climate", en="The light is good."),
    ]
    assert rejection(load, questionnaire_toml(items=items)) == (
        "demo.toml: item 'air_fresh' has no text in language 'en'; "
        "item 'light_good' has no text in language 'sv'"
    )


def test_it_rejects_an_empty_text(load: Load) -> None:
    items = [*default_items(), item_toml("air_fresh", "indoor_climate", sv="Frisk", en="  ")]
    assert rejection(load, questionnaire_toml(items=items)) == (
        "demo.toml: item 'air_fresh' has an empty text in language 'en'"
    )


def test_it_rejects_a_text_in_an_undeclared_language(load: Load) -> None:
    items = [*default_items(), item_toml("air_fresh", "indoor_climate", sv="a", en="b", sw="c")]
    assert rejection(load, questionnaire_toml(items=items)) == (
        "demo.toml: item 'air_fresh' has a text in undeclared language 'sw'"
    )


def test_it_rejects_a_title_missing_a_language(load: Load) -> None:
    text = questionnaire_toml().replace('title.en = "Title"\n', "")
    assert rejection(load, text) == "demo.toml: title has no text in language 'en'"


def test_it_rejects_an_unknown_index(load: Load) -> None:
    items = [*default_items(), item_toml("wc_clean", "toilet", sv="Rent.", en="Clean.")]
    assert rejection(load, questionnaire_toml(items=items)) == (
        f"demo.toml: item 'wc_clean' names unknown index 'toilet' (known: {', '.join(INDEX_CODES)})"
    )


def test_it_rejects_an_index_without_items(load: Load) -> None:
    items = [item for item in default_items() if 'index = "safety"' not in item]
    assert rejection(load, questionnaire_toml(items=items)) == (
        "demo.toml: index 'safety' has no items"
    )


def test_it_rejects_a_duplicate_item_code(load: Load) -> None:
    items = [*default_items(), item_toml("toilets_1", "toilets", sv="Rent.", en="Clean.")]
    assert rejection(load, questionnaire_toml(items=items)) == (
        "demo.toml: items: item code 'toilets_1' appears more than once"
    )


def test_it_rejects_an_item_code_that_is_not_snake_case(load: Load) -> None:
    items = [*default_items(), item_toml("Air-Fresh", "indoor_climate", sv="a", en="b")]
    assert rejection(load, questionnaire_toml(items=items)) == (
        "demo.toml: items[6] ('Air-Fresh').code: "
        "item code 'Air-Fresh' is not snake_case of at most 50 characters"
    )


def test_it_names_the_item_of_a_missing_field(load: Load) -> None:
    items = [*default_items(), '[[items]]\ncode = "air_fresh"\ntext.sv = "a"\ntext.en = "b"\n']
    assert rejection(load, questionnaire_toml(items=items)) == (
        "demo.toml: items[6] ('air_fresh').index: Field required"
    )


def test_it_rejects_an_unknown_field(load: Load) -> None:
    text = questionnaire_toml(head='titel.sv = "Titel"\n')
    assert rejection(load, text) == "demo.toml: titel: Extra inputs are not permitted"


def test_it_rejects_a_quoted_number(load: Load) -> None:
    text = questionnaire_toml().replace("years = [4, 5, 6]", 'years = ["4", 5, 6]')
    assert rejection(load, text) == "demo.toml: years.0: Input should be a valid integer"


@pytest.mark.parametrize(
    ("years", "shown"),
    [("[]", "[]"), ("[5, 4]", "[5, 4]"), ("[4, 4]", "[4, 4]"), ("[9, 10]", "[9, 10]")],
)
def test_it_rejects_bad_years(load: Load, years: str, shown: str) -> None:
    text = questionnaire_toml().replace("years = [4, 5, 6]", f"years = {years}")
    assert rejection(load, text) == (
        f"demo.toml: years: years must be distinct school years 0 (F) to 9 in order, got {shown}"
    )


def test_it_rejects_a_bad_version(load: Load) -> None:
    text = questionnaire_toml().replace('"2026.1"', '"v1"')
    assert rejection(load, text) == (
        "demo.toml: version: version 'v1' is not of the form YYYY.N, such as 2026.1"
    )


def test_it_rejects_a_key_that_does_not_match_the_file_name(load: Load) -> None:
    assert rejection(load, questionnaire_toml(key="other")) == (
        "demo.toml: key 'other' does not match the file name; expected 'demo'"
    )


def test_it_rejects_shared_sections_in_a_questionnaire_file(load: Load) -> None:
    text = questionnaire_toml(head=scale_toml([3, 2, 1, 0, None]))
    assert rejection(load, text) == (
        "demo.toml: scale: shared by all questionnaires, belong in common.toml"
    )


def test_it_rejects_malformed_toml_naming_the_line(load: Load) -> None:
    message = rejection(load, 'key = "demo"\nversion = 2026.1.1\n')
    assert message.startswith("demo.toml: not valid TOML (")
    assert "line 2" in message


@pytest.mark.parametrize(
    ("scale", "shown"),
    [
        ([3, 2, 1, 0], "3, 2, 1, 0"),
        ([0, 1, 2, 3, None], "0, 1, 2, 3, don't know"),
        ([4, 3, 2, 1, None], "4, 3, 2, 1, don't know"),
        ([3, 2, 1, 0, None, None], "3, 2, 1, 0, don't know, don't know"),
        ([], "no steps"),
    ],
)
def test_it_rejects_a_scale_other_than_three_to_zero_and_dont_know(
    load: Load, scale: list[int | None], shown: str
) -> None:
    message = rejection(load, questionnaire_toml(), common=common_toml(scale=scale))
    assert message == (
        "common.toml: scale: the scale must have the steps 3, 2, 1, 0 and then one without "
        f"a value (don't know), in that order; got {shown}"
    )


def test_it_rejects_a_missing_required_index(load: Load) -> None:
    indices = tuple(code for code in INDEX_CODES if code not in ("toilets", "safety"))
    message = rejection(load, questionnaire_toml(), common=common_toml(indices=indices))
    assert message == "common.toml: indices: required indices missing: toilets, safety"


def test_it_rejects_a_common_text_missing_a_language(load: Load) -> None:
    common = common_toml().replace('next.en = "Next"\n', "")
    message = rejection(load, questionnaire_toml(), common=common)
    assert message == "common.toml: text 'next' has no text in language 'en'"


def test_it_rejects_translations_whose_placeholders_differ(load: Load) -> None:
    common = common_toml().replace("Question {current} of {total}", "Question {current} of {all}")
    message = rejection(load, questionnaire_toml(), common=common)
    assert message == (
        "common.toml: text 'progress' in language 'en' has the placeholders "
        "['all', 'current'], but 'sv' has ['current', 'total']"
    )


def test_it_rejects_common_without_the_source_language(load: Load) -> None:
    common = re.sub(r'(?m)^(\w+)\.sv = "[^"]*"\n', "", common_toml())
    common = common.replace(
        '[languages.sv]\nname = "Svenska"\ndirection = "ltr"\nreview_needed = false\n', ""
    )
    message = rejection(load, questionnaire_toml(), common=common)
    assert message == "common.toml: languages: the source language 'sv' must be declared"


def test_it_rejects_an_unknown_text_direction(tmp_path: Path) -> None:
    path = tmp_path / "common.toml"
    path.write_text(common_toml().replace('"ltr"', '"rtl-ish"', 1), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as caught:
        read_common(path)
    assert str(caught.value) == (
        "common.toml: languages.sv.direction: Input should be 'ltr' or 'rtl'"
    )


def test_it_names_the_file_when_a_packaged_file_loses_a_translation(tmp_path: Path) -> None:
    original = (PACKAGED / "pupils.toml").read_text(encoding="utf-8")
    # The Somali text of the yard_shade item, and only that line.
    broken, removed = re.subn(
        r'(code = "yard_shade"\n(?:.*\n)*?)text\.so = "[^"]*"\n', r"\1", original
    )
    assert removed == 1
    path = tmp_path / "pupils.toml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(QuestionnaireError) as caught:
        read_questionnaire(path)
    assert caught.value.source == "pupils.toml"
    assert caught.value.reason == "item 'yard_shade' has no text in language 'so'"


def test_it_rejects_an_unknown_questionnaire_key() -> None:
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire("teachers")
    assert str(caught.value) == (
        f"teachers.toml: no such questionnaire (known: {', '.join(questionnaire_keys())})"
    )


@pytest.mark.parametrize("key", ["../pupils", "common", "pupils.toml", ""])
def test_it_does_not_load_anything_but_a_questionnaire_key(key: str) -> None:
    with pytest.raises(QuestionnaireError, match="no such questionnaire"):
        load_questionnaire(key)


def test_it_caches_loaded_questionnaires() -> None:
    assert load_questionnaire("pupils") is load_questionnaire("pupils")
    assert load_common() is load_common()


def test_it_keeps_loaded_questionnaires_frozen() -> None:
    questionnaire = load_questionnaire("pupils")
    with pytest.raises(ValueError, match="frozen"):
        questionnaire.version = "2099.1"  # type: ignore[misc]


def test_it_maps_item_codes_to_index_codes() -> None:
    questionnaire = load_questionnaire("pupils")
    mapping = questionnaire.item_index()
    assert list(mapping) == [item.code for item in questionnaire.items]
    assert mapping["yard_shade"] == "schoolyard"
    assert mapping["toilets_clean"] == "toilets"
    assert set(mapping.values()) == set(INDEX_CODES)


def test_it_gives_an_items_text_in_the_asked_language() -> None:
    questionnaire = load_questionnaire("pupils")
    assert questionnaire.text("toilets_clean", "sv") == "Toaletterna är rena."
    assert questionnaire.text("toilets_clean", "en") == "The toilets are clean."


def test_it_falls_back_to_swedish_for_an_undeclared_language() -> None:
    questionnaire = load_questionnaire("pupils")
    assert questionnaire.text("toilets_clean", "ti") == "Toaletterna är rena."
    assert localize({"sv": "Hej", "en": ""}, "en") == "Hej"


def test_it_raises_for_an_unknown_item_code() -> None:
    with pytest.raises(KeyError, match="no item 'roof' in questionnaire pupils 2026.1"):
        load_questionnaire("pupils").text("roof", "sv")


def test_it_lists_the_items_of_one_index() -> None:
    questionnaire = load_questionnaire("pupils_young")
    assert [item.code for item in questionnaire.items_of("safety")] == [
        "safe_schoolyard",
        "safe_indoors",
    ]
    assert questionnaire.items_of("roof") == []


def test_it_fills_placeholders_of_form_texts() -> None:
    assert ui_text("progress", "sv", current=3, total=24) == "Fråga 3 av 24"
    assert ui_text("next", "ti") == "Nästa"


def test_it_refuses_a_form_text_without_its_placeholder_values() -> None:
    with pytest.raises(KeyError, match="needs a value for min_respondents"):
        ui_text("privacy_notice", "sv")


def test_it_refuses_an_unknown_form_text() -> None:
    with pytest.raises(KeyError, match="no form text 'nästa'"):
        ui_text("nästa", "sv")


def test_it_exports_the_six_index_codes() -> None:
    assert INDEX_CODES == (
        "indoor_climate",
        "toilets",
        "cleanliness",
        "schoolyard",
        "safety",
        "learning_premises",
    )
    assert ANSWER_VALUES == (0, 1, 2, 3)


@pytest.mark.parametrize(("value", "score"), [(0, 0.0), (1, 10 / 3), (2, 20 / 3), (3, 10.0)])
def test_it_scores_answers_in_exact_thirds_of_ten(value: int, score: float) -> None:
    assert answer_score(value) == score


def test_it_rounds_scores_to_the_documented_table() -> None:
    assert [round(answer_score(value), 4) for value in ANSWER_VALUES] == [
        0.0,
        3.3333,
        6.6667,
        10.0,
    ]


@pytest.mark.parametrize("value", [-1, 4, True, False, None, 1.5, "2"])
def test_it_refuses_to_score_anything_but_an_answer_value(value: object) -> None:
    with pytest.raises(ValueError, match="answer value must be one of"):
        answer_score(value)  # type: ignore[arg-type]


@given(st.integers().filter(lambda value: value not in ANSWER_VALUES))
def test_it_refuses_to_score_any_other_integer(value: int) -> None:
    with pytest.raises(ValueError):
        answer_score(value)
