"""The shipped fonts (shared/fonts/) draw every text the app, the forms and the poster show.

The glyph check reads each font's character map with fontTools: a character missing
there is drawn as an empty box (.notdef) by Kivy and Pillow alike.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from mobile.i18n import LANGUAGES, load_catalogue
from shared.catalogue import load_catalogue as load_element_catalogue
from shared.fonts import Script, font_for_text, font_path, script_of, script_runs
from shared.grades import Grade, Urgency
from surveys.questionnaire import load_all, load_common

REPO_ROOT = Path(__file__).resolve().parents[2]
ARABIC_BLOCKS = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF))
ARABIC_BLOCKS += ((0xFE70, 0xFEFF),)


@functools.cache
def _cmap(font: Path) -> frozenset[int]:
    with TTFont(font, lazy=True) as ttf:
        return frozenset(ttf.getBestCmap())


def _missing(font: Path, text: str) -> set[str]:
    """The characters of `text` that `font` has no glyph for; spaces and controls aside."""
    drawn = {char for char in text if unicodedata.category(char)[0] not in "ZC"}
    return {char for char in drawn if ord(char) not in _cmap(font)}


def _strings(value: object) -> Iterator[str]:
    """Every string in a nest of dicts, lists and tuples (a pydantic `model_dump()`)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _literals(source: Path) -> Iterator[str]:
    """The string literals of a Python file, the constant parts of f-strings included."""
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def _catalogue_texts() -> Iterator[str]:
    yield from _strings(load_element_catalogue().model_dump())


def _field_app_texts() -> Iterator[str]:
    for language in LANGUAGES:
        yield from load_catalogue(language).values()
    # Marks the screens add to texts themselves, such as the checklist's `⚠`.
    for screen in sorted((REPO_ROOT / "mobile" / "screens").glob("*.py")):
        yield from _literals(screen)


def _grade_texts() -> Iterator[str]:
    for meaning in (*Grade, *Urgency):
        yield meaning.meaning_sv
        yield meaning.meaning_en


def _questionnaire_texts() -> Iterator[str]:
    # sv, en, ar, so and fa: titles, intros, items, scale, index names, form texts.
    yield from _strings(load_common().model_dump())
    for questionnaire in load_all().values():
        yield from _strings(questionnaire.model_dump())


def _poster_texts() -> Iterator[str]:
    yield from _literals(REPO_ROOT / "server" / "campaigns" / "poster.py")


SOURCES = {
    "element catalogue": _catalogue_texts,
    "field app": _field_app_texts,
    "grades and urgencies": _grade_texts,
    "questionnaires and survey form": _questionnaire_texts,
    "poster and slips": _poster_texts,
}


@pytest.mark.parametrize("source", SOURCES)
def test_it_has_a_glyph_for_every_character_shown(source: str) -> None:
    texts = list(SOURCES[source]())
    assert texts, f"found no texts in the {source}"
    missing = {
        (font_path(script, bold=bold).name, text): sorted(gaps)
        for text in texts
        for run, script in script_runs(text)
        for bold in (False, True)
        if (gaps := _missing(font_path(script, bold=bold), run))
    }
    assert missing == {}


def test_it_sees_arabic_script_in_the_questionnaires() -> None:
    # Without this the test above might pass by checking no Arabic at all.
    scripts = {script for text in _questionnaire_texts() for _, script in script_runs(text)}
    assert scripts == {"latin", "arabic"}


def test_it_finds_the_warning_sign_missing_from_kivys_roboto() -> None:
    # Why the app registers its own font: the check above can fail, as it does here.
    spec = importlib.util.find_spec("kivy")
    if spec is None or spec.origin is None:
        pytest.skip("Kivy is not installed")
    roboto = Path(spec.origin).parent / "data" / "fonts" / "Roboto-Regular.ttf"
    assert _missing(roboto, "C   Tak   ⚠ Säkerhet: åtgärda omedelbart") == {"⚠"}


def test_it_finds_brackets_and_latin_missing_from_the_arabic_font() -> None:
    # Why Arabic text is cut into runs: Noto Sans Arabic alone would draw boxes here.
    text = "رمزك (مكتوب على الورقة) IP"
    assert font_for_text(text) == font_path("arabic")
    assert _missing(font_path("arabic"), text) == {"(", ")", "I", "P"}


@pytest.mark.parametrize(
    ("script", "bold", "file", "family"),
    [
        ("latin", False, "DejaVuSans.ttf", "DejaVu Sans"),
        ("latin", True, "DejaVuSans-Bold.ttf", "DejaVu Sans"),
        ("arabic", False, "NotoSansArabic-Regular.ttf", "Noto Sans Arabic"),
        ("arabic", True, "NotoSansArabic-Regular.ttf", "Noto Sans Arabic"),
    ],
)
def test_it_ships_each_font_with_its_licence(
    script: Script, bold: bool, file: str, family: str
) -> None:
    path = font_path(script, bold=bold)
    assert path == REPO_ROOT / "shared" / "fonts" / file
    with TTFont(path, lazy=True) as ttf:
        assert ttf["name"].getDebugName(1) == family
    licence = "LICENSE-DejaVu.txt" if script == "latin" else "OFL-NotoSansArabic.txt"
    assert file in (path.parent / licence).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("", "latin"),
        ("Vad tycker du om skolans miljö?", "latin"),
        ("Deegaanka dugsigayga", "latin"),
        ("بيئتي المدرسية", "arabic"),
        ("محیط مدرسهٔ من", "arabic"),
        ("Kod / code: سلام", "arabic"),
    ],
)
def test_it_picks_the_font_by_script(text: str, script: Script) -> None:
    assert script_of(text) == script
    assert font_for_text(text) == font_path(script)


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        ("", []),
        ("  12, 3", [("  12, 3", "latin")]),
        ("Tak ⚠ (C)", [("Tak ⚠ (C)", "latin")]),
        ("سؤال 3 از 12.", [("سؤال 3 از 12.", "arabic")]),
        ("«نمی‌دانم»", [("«نمی‌دانم»", "arabic")]),
        (
            "رمزك (مكتوب على الورقة)",
            [("رمزك ", "arabic"), ("(", "latin"), ("مكتوب على الورقة", "arabic"), (")", "latin")],
        ),
        (" 2 IP آدرس", [(" 2 IP ", "latin"), ("آدرس", "arabic")]),
    ],
)
def test_it_cuts_text_into_runs_one_font_draws(text: str, runs: list[tuple[str, Script]]) -> None:
    assert script_runs(text) == runs
    assert "".join(run for run, _ in script_runs(text)) == text


def test_it_keeps_in_arabic_runs_only_what_the_arabic_font_draws() -> None:
    # Every character outside the Arabic blocks that may stay inside an Arabic run.
    kept = [
        chr(code)
        for code in range(0x10000)
        if not any(low <= code <= high for low, high in ARABIC_BLOCKS)
        and not 0xD800 <= code <= 0xDFFF
        and script_runs(f"ب{chr(code)}ب") == [(f"ب{chr(code)}ب", "arabic")]
    ]
    assert "(" not in kept and "a" not in kept
    assert _missing(font_path("arabic"), "".join(kept)) == set()
    assert _missing(font_path("latin"), "".join(kept)) == set()
