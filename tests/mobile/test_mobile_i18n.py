"""The translation catalogue, the choice of language, and texts in the kv files."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from mobile.i18n import LANGUAGES, Translator, device_language, load_catalogue, translator_for

MOBILE_DIR = Path(__file__).resolve().parents[2] / "mobile"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("sv", "sv"),
        ("SV", "sv"),
        ("sv_SE.UTF-8", "sv"),
        ("sv-FI", "sv"),
        ("en", "en"),
        ("en_GB.UTF-8", "en"),
        ("ar", "en"),
        ("fi_FI", "en"),
        ("", "en"),
    ],
)
def test_it_chooses_swedish_for_swedish_locales_and_english_otherwise(
    lang: str, expected: str
) -> None:
    assert translator_for(lang).language == expected


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"LANGUAGE": "sv_SE:en", "LANG": "en_US.UTF-8"}, "sv_SE"),
        ({"LC_ALL": "sv_SE.UTF-8", "LANG": "en_US.UTF-8"}, "sv_SE.UTF-8"),
        ({"LC_MESSAGES": "en_GB", "LANG": "sv_SE.UTF-8"}, "en_GB"),
        ({"LANG": "sv_SE.UTF-8"}, "sv_SE.UTF-8"),
        ({"LC_ALL": "C.UTF-8", "LANG": "sv_SE.UTF-8"}, "sv_SE.UTF-8"),
        ({"LANGUAGE": "", "LC_ALL": "POSIX", "LANG": "sv"}, "sv"),
    ],
)
def test_it_reads_the_device_language_from_the_environment(
    environ: dict[str, str], expected: str
) -> None:
    assert device_language(environ) == expected


def test_it_follows_the_device_language_when_none_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    assert translator_for(None).language == "sv"

    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert translator_for(None).language == "en"


def test_it_falls_back_to_swedish_then_to_the_key() -> None:
    tr = Translator("en", {"home.connect": "Connect"})

    assert tr("home.connect") == "Connect"
    assert tr("home.choose_site") == "Välj skola"
    assert tr("home.enrolled", server="https://x.se") == "Ansluten till https://x.se"
    assert tr("no.such.key") == "no.such.key"


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "No inspections waiting to sync"),
        (1, "1 inspection waiting to sync"),
        (2, "2 inspections waiting to sync"),
    ],
)
def test_it_chooses_the_plural_form(count: int, expected: str) -> None:
    assert translator_for("en").plural("home.waiting", count) == expected


def test_it_prefers_its_own_plural_forms_over_swedish_ones() -> None:
    tr = Translator("en", {"home.waiting.other": "{count} to sync"})

    # Swedish has a zero form, English here only "other": English wins.
    assert tr.plural("home.waiting", 0) == "0 to sync"
    assert tr.plural("no.such.key", 3) == "no.such.key"


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_it_has_the_same_keys_and_placeholders_in_every_language() -> None:
    reference = load_catalogue("sv")
    for language in LANGUAGES:
        catalogue = load_catalogue(language)
        assert set(catalogue) == set(reference), language
        for key, text in catalogue.items():
            assert _placeholders(text) == _placeholders(reference[key]), (language, key)


_TR_CALL = re.compile(r"""\btr(?:\.plural)?\(\s*["']([\w.]+)["']""")


def test_it_has_every_text_the_app_asks_for() -> None:
    catalogue = load_catalogue("sv")
    sources = sorted(MOBILE_DIR.rglob("*.kv")) + sorted(MOBILE_DIR.rglob("*.py"))
    used = {key for path in sources for key in _TR_CALL.findall(path.read_text())}

    assert {"app.title", "home.connect", "home.waiting"} <= used
    missing = {key for key in used if key not in catalogue and f"{key}.other" not in catalogue}
    assert missing == set()


_KV_TEXT = re.compile(r"^\s*text:\s*(.+?)\s*$", re.MULTILINE)
_KV_TEXT_ALLOWED = re.compile(r"""^(app\.tr\(["'][\w.]+["']\)|root\.\w+)$""")


def test_it_keeps_literal_texts_out_of_the_kv_files() -> None:
    kv_files = sorted(MOBILE_DIR.rglob("*.kv"))
    texts = [
        (path.name, value) for path in kv_files for value in _KV_TEXT.findall(path.read_text())
    ]

    assert texts, "no text: lines found in the kv files"
    assert [item for item in texts if not _KV_TEXT_ALLOWED.match(item[1])] == []


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("sv", "Fotografera inte elever eller andra personer så att de kan kännas igen."),
        ("en", "Do not photograph pupils or other people so that they can be recognised."),
    ],
)
def test_it_warns_against_photographing_people_where_photos_are_taken(
    language: str, expected: str
) -> None:
    grade_kv = (MOBILE_DIR / "screens" / "grade.kv").read_text()

    assert load_catalogue(language)["grade.photo_notice"] == expected
    assert 'app.tr("grade.photo_notice")' in grade_kv
