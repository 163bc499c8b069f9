"""Every form text the survey pages ask for exists in every language (a drift check)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from surveys.questionnaire import load_common

APP = Path(__file__).parents[3] / "server" / "campaigns"


def used_text_names() -> set[str]:
    names: set[str] = set()
    for template in (APP / "templates" / "campaigns").glob("*.html"):
        names |= set(re.findall(r"\bt\.([a-z_]+)", template.read_text()))
    for module in (APP / "views.py",):
        names |= set(re.findall(r'survey_form\.text\(\s*"([a-z_]+)"', module.read_text()))
        names |= set(re.findall(r'_key="([a-z_]+)"', module.read_text()))  # _notice(...)
    return names


def test_it_finds_the_texts_the_pages_use() -> None:
    assert {"start", "submit", "choose_language", "section_progress"} <= used_text_names()


@pytest.mark.parametrize("lang", ["sv", "en", "ar", "so", "fa"])
def test_every_text_the_pages_use_exists_in_every_language(lang: str) -> None:
    texts = load_common().texts
    missing = {name for name in used_text_names() if not texts.get(name, {}).get(lang)}
    assert missing == set()
