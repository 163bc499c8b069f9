"""Questionnaires as data: the models that validate them and the functions that load them.

Each questionnaire is a TOML file in `surveys/questionnaires/` (`<key>.toml`); what every
questionnaire shares (languages, the answer scale, index names, the form's texts and
privacy notice) is in `common.toml` there and merged into each `Questionnaire` when it
is loaded. A file that breaks a rule raises `QuestionnaireError` naming the file and
every problem found, so a translator sees all missing texts at once.

Answers are stored as the scale step's value: 3 (helt och hållet, fully) down to 0
(inte alls, not at all); "vet inte" (don't know) is stored as NULL and never scored.
"""

from __future__ import annotations

import functools
import re
import string
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

INDEX_CODES: Final[tuple[str, ...]] = (
    "indoor_climate",
    "toilets",
    "cleanliness",
    "schoolyard",
    "safety",
    "learning_premises",
)
"""The indices every questionnaire must cover, each scored 0 to 10 (DESIGN section 5)."""

ANSWER_VALUES: Final[tuple[int, ...]] = (0, 1, 2, 3)
"""Stored answer values, 0 = inte alls (not at all) ... 3 = helt och hållet (fully)."""

SOURCE_LANGUAGE: Final = "sv"
"""The language texts are written in first, and the fallback for any other."""

COMMON_FILE: Final = "common.toml"

RespondentGroup = Literal["pupils", "parents"]
Direction = Literal["ltr", "rtl"]
Texts = dict[str, str]
"""One text in several languages: language code -> text."""

_FOLDER = "questionnaires"
_SNAKE_CASE: Final = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_LANGUAGE_CODE: Final = re.compile(r"^[a-z]{2,3}$")
_SHARED_SECTIONS: Final = frozenset({"languages", "scale", "indices", "texts"})
_MAX_CODE_LENGTH: Final = 50  # item codes are stored with every answer row


class QuestionnaireError(ValueError):
    """A questionnaire file that cannot be used; `source` is the file name."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


def answer_score(value: int) -> float:
    """The 0-10 score of a stored answer: 0, 10/3, 20/3 or 10 for the values 0 to 3.

    Raises ValueError for anything else, including `True`/`False` and "vet inte"
    (None), which is not an answer to score but a missing one.
    """
    if isinstance(value, bool) or value not in ANSWER_VALUES:
        raise ValueError(f"answer value must be one of {ANSWER_VALUES}, got {value!r}")
    return value * 10 / max(ANSWER_VALUES)


def localize(texts: Mapping[str, str], lang: str) -> str:
    """The text in `lang`, or in Swedish when there is none in `lang`."""
    return texts.get(lang) or texts[SOURCE_LANGUAGE]


def _invalid(reason: str) -> PydanticCustomError:
    # The reason goes in as context, not as the template, so braces in it (a text's
    # `{placeholder}`) are not taken for template fields.
    return PydanticCustomError("invalid_questionnaire", "{reason}", {"reason": reason})


def _placeholders(text: str) -> set[str]:
    """The `{names}` in `text`; ValueError if its braces do not pair up."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def _text_problems(where: str, texts: Mapping[str, str], languages: Mapping[str, Any]) -> list[str]:
    problems = []
    for lang in languages:
        if lang not in texts:
            problems.append(f"{where} has no text in language '{lang}'")
        elif not texts[lang].strip():
            problems.append(f"{where} has an empty text in language '{lang}'")
    problems += [
        f"{where} has a text in undeclared language '{lang}'"
        for lang in texts
        if lang not in languages
    ]
    try:
        expected = _placeholders(texts.get(SOURCE_LANGUAGE, ""))
        for lang, text in texts.items():
            found = _placeholders(text)
            if found != expected:
                problems.append(
                    f"{where} in language '{lang}' has the placeholders "
                    f"{sorted(found)}, but '{SOURCE_LANGUAGE}' has {sorted(expected)}"
                )
    except ValueError as exc:
        problems.append(f"{where} has unpaired braces: {exc}")
    return problems


class _Model(BaseModel):
    # Strict and closed: a typo or a quoted number in a hand-edited file must fail
    # loudly. Frozen because a loaded questionnaire is one cached object shared by
    # every caller; treat its lists and dicts as read-only too.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Language(_Model):
    """A language the texts are given in."""

    code: str
    name: str
    """The language's name in itself, for the language picker: "العربية", "Soomaali"."""
    direction: Direction
    review_needed: bool
    """True while a native speaker has not yet checked the translation."""


class ScaleStep(_Model):
    """One answer option; `value` is what is stored, None for "vet inte" (don't know)."""

    value: int | None = None
    label: Texts

    @property
    def dont_know(self) -> bool:
        return self.value is None


class Index(_Model):
    """A group of items scored together, 0 to 10."""

    code: str
    name: Texts


class Item(_Model):
    """One positively phrased statement; agreeing with it means a good environment."""

    code: str
    index: str
    text: Texts

    @field_validator("code")
    @classmethod
    def _check_code(cls, code: str) -> str:
        if not _SNAKE_CASE.match(code) or len(code) > _MAX_CODE_LENGTH:
            raise _invalid(
                f"item code '{code}' is not snake_case of at most {_MAX_CODE_LENGTH} characters"
            )
        return code


class _Shared(_Model):
    """What every questionnaire shares with the others (from common.toml)."""

    languages: dict[str, Language]
    scale: list[ScaleStep]
    indices: dict[str, Index]

    @field_validator("languages", "indices", mode="before")
    @classmethod
    def _codes_from_keys(cls, value: object) -> object:
        # In the files the code is the table's key (`[languages.ar]`); the models
        # carry it too so a `Language` or `Index` passed around knows its code.
        if not isinstance(value, dict):
            return value
        return {
            key: {"code": key, **entry} if isinstance(entry, dict) else entry
            for key, entry in value.items()
        }

    @field_validator("languages")
    @classmethod
    def _check_languages(cls, languages: dict[str, Language]) -> dict[str, Language]:
        for key, language in languages.items():
            if not _LANGUAGE_CODE.match(key) or language.code != key:
                raise _invalid(f"language code '{key}' is not 2 or 3 lowercase letters")
        if SOURCE_LANGUAGE not in languages:
            raise _invalid(f"the source language '{SOURCE_LANGUAGE}' must be declared")
        return languages

    @field_validator("scale")
    @classmethod
    def _check_scale(cls, scale: list[ScaleStep]) -> list[ScaleStep]:
        expected = [*sorted(ANSWER_VALUES, reverse=True), None]
        values = [step.value for step in scale]
        if values != expected:
            shown = ", ".join("don't know" if value is None else str(value) for value in values)
            raise _invalid(
                "the scale must have the steps 3, 2, 1, 0 and then one without a value "
                f"(don't know), in that order; got {shown or 'no steps'}"
            )
        return scale

    @field_validator("indices")
    @classmethod
    def _check_indices(cls, indices: dict[str, Index]) -> dict[str, Index]:
        for key, index in indices.items():
            if not _SNAKE_CASE.match(key) or index.code != key:
                raise _invalid(f"index code '{key}' is not snake_case")
        missing = [code for code in INDEX_CODES if code not in indices]
        if missing:
            raise _invalid(f"required indices missing: {', '.join(missing)}")
        return indices

    @model_validator(mode="after")
    def _check_rules(self) -> _Shared:
        problems = self._problems()
        for where, texts in self._localized():
            problems += _text_problems(where, texts, self.languages)
        if problems:
            raise _invalid("; ".join(problems))
        return self

    def _problems(self) -> list[str]:
        """Rules across fields beyond the texts; subclasses add theirs."""
        return []

    def _localized(self) -> Iterator[tuple[str, Texts]]:
        """Every text that must exist in every language, with where it is."""
        for step in self.scale:
            yield f"scale step {'dont_know' if step.dont_know else step.value}", step.label
        for code, index in self.indices.items():
            yield f"index '{code}'", index.name


class CommonDefinitions(_Shared):
    """The contents of common.toml: shared definitions and the survey form's texts."""

    texts: dict[str, Texts]
    """Form texts by name ("next", "privacy_notice", ...); see `ui_text`."""

    def _localized(self) -> Iterator[tuple[str, Texts]]:
        yield from super()._localized()
        for name, texts in self.texts.items():
            yield f"text '{name}'", texts


class Questionnaire(_Shared):
    """One questionnaire: who answers it, its items and, from common.toml, the rest."""

    key: str
    version: str
    respondent_group: RespondentGroup
    years: list[int]
    """School years it is meant for; F (förskoleklass) is 0. For parents: their children's."""
    title: Texts
    intro: Texts
    items: list[Item]

    @field_validator("key")
    @classmethod
    def _check_key(cls, key: str) -> str:
        if not _SNAKE_CASE.match(key):
            raise _invalid(f"key '{key}' is not snake_case")
        return key

    @field_validator("version")
    @classmethod
    def _check_version(cls, version: str) -> str:
        if not re.fullmatch(r"\d{4}\.\d+", version):
            raise _invalid(f"version '{version}' is not of the form YYYY.N, such as 2026.1")
        return version

    @field_validator("years")
    @classmethod
    def _check_years(cls, years: list[int]) -> list[int]:
        if not years or years != sorted(set(years)) or years[0] < 0 or years[-1] > 9:
            raise _invalid(f"years must be distinct school years 0 (F) to 9 in order, got {years}")
        return years

    @field_validator("items")
    @classmethod
    def _check_unique_codes(cls, items: list[Item]) -> list[Item]:
        seen: set[str] = set()
        for item in items:
            if item.code in seen:
                raise _invalid(f"item code '{item.code}' appears more than once")
            seen.add(item.code)
        return items

    def _problems(self) -> list[str]:
        known = ", ".join(self.indices)
        problems = [
            f"item '{item.code}' names unknown index '{item.index}' (known: {known})"
            for item in self.items
            if item.index not in self.indices
        ]
        used = {item.index for item in self.items}
        problems += [f"index '{code}' has no items" for code in self.indices if code not in used]
        return problems

    def _localized(self) -> Iterator[tuple[str, Texts]]:
        yield "title", self.title
        yield "intro", self.intro
        yield from super()._localized()
        for item in self.items:
            yield f"item '{item.code}'", item.text

    def item(self, code: str) -> Item:
        """The item with `code`; KeyError naming the code and questionnaire if none."""
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(f"no item {code!r} in questionnaire {self.key} {self.version}")

    def item_index(self) -> dict[str, str]:
        """Item code -> index code, in item order."""
        return {item.code: item.index for item in self.items}

    def items_of(self, index: str) -> list[Item]:
        """The items of one index, in questionnaire order (empty for an unknown index)."""
        return [item for item in self.items if item.index == index]

    def text(self, item_code: str, lang: str) -> str:
        """The item's statement in `lang`, in Swedish if `lang` is not declared."""
        return localize(self.item(item_code).text, lang)


# --- loading ------------------------------------------------------------------


def _parse_toml(source: str, data: bytes) -> dict[str, Any]:
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise QuestionnaireError(source, f"not UTF-8 text ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise QuestionnaireError(source, f"not valid TOML ({exc})") from exc


def _reason(error: ValidationError, data: Mapping[str, Any]) -> str:
    """Pydantic's errors as one line, with items named by their code as well."""
    problems = []
    for detail in error.errors(include_url=False):
        parts: list[str] = []
        for position, part in enumerate(detail["loc"]):
            if position == 1 and detail["loc"][0] == "items" and isinstance(part, int):
                raw_items = data.get("items")
                raw = raw_items[part] if isinstance(raw_items, list) else None
                code = raw.get("code") if isinstance(raw, dict) else None
                parts[-1] = f"items[{part}]" + (f" ('{code}')" if code else "")
            else:
                parts.append(str(part))
        where = ".".join(parts)
        problems.append(f"{where}: {detail['msg']}" if where else detail["msg"])
    return "; ".join(problems)


def _common_from(source: str, data: bytes) -> CommonDefinitions:
    raw = _parse_toml(source, data)
    try:
        return CommonDefinitions.model_validate(raw)
    except ValidationError as exc:
        raise QuestionnaireError(source, _reason(exc, raw)) from exc


def _questionnaire_from(
    source: str, data: bytes, *, key: str, common: CommonDefinitions
) -> Questionnaire:
    raw = _parse_toml(source, data)
    misplaced = sorted(_SHARED_SECTIONS & raw.keys())
    if misplaced:
        raise QuestionnaireError(
            source, f"{', '.join(misplaced)}: shared by all questionnaires, belong in {COMMON_FILE}"
        )
    merged = {
        **raw,
        "languages": common.languages,
        "scale": common.scale,
        "indices": common.indices,
    }
    try:
        questionnaire = Questionnaire.model_validate(merged)
    except ValidationError as exc:
        raise QuestionnaireError(source, _reason(exc, raw)) from exc
    if questionnaire.key != key:
        raise QuestionnaireError(
            source, f"key '{questionnaire.key}' does not match the file name; expected '{key}'"
        )
    return questionnaire


def _folder() -> Path:
    # Next to this module, found by location rather than by importlib.resources'
    # package name: a test folder named `surveys` without __init__.py on sys.path
    # would otherwise stand in for this package. Only the server uses `surveys`, so
    # it is never run from a zip.
    return Path(__file__).with_name(_FOLDER)


def read_common(path: Path) -> CommonDefinitions:
    """Load and validate a common.toml from anywhere (tests, tools); not cached."""
    return _common_from(path.name, path.read_bytes())


def read_questionnaire(path: Path, *, common: Path | None = None) -> Questionnaire:
    """Load and validate a questionnaire file from anywhere (tests, tools); not cached.

    `common` is the common.toml to merge in; the packaged one if not given. The file's
    `key` must match its name (`pupils.toml` holds key "pupils").
    """
    definitions = load_common() if common is None else read_common(common)
    return _questionnaire_from(path.name, path.read_bytes(), key=path.stem, common=definitions)


@functools.cache
def load_common() -> CommonDefinitions:
    """The packaged common.toml (cached); QuestionnaireError if it is invalid."""
    return _common_from(COMMON_FILE, _folder().joinpath(COMMON_FILE).read_bytes())


def questionnaire_keys() -> list[str]:
    """Keys of the packaged questionnaires, sorted."""
    return sorted(path.stem for path in _folder().glob("*.toml") if path.name != COMMON_FILE)


@functools.cache
def load_questionnaire(key: str) -> Questionnaire:
    """The packaged questionnaire `key` (cached).

    Raises QuestionnaireError for an unknown key or an invalid file.
    """
    keys = questionnaire_keys()
    if key not in keys:
        raise QuestionnaireError(f"{key}.toml", f"no such questionnaire (known: {', '.join(keys)})")
    file = f"{key}.toml"
    return _questionnaire_from(
        file, _folder().joinpath(file).read_bytes(), key=key, common=load_common()
    )


def load_all() -> dict[str, Questionnaire]:
    """Every packaged questionnaire by key, sorted by key."""
    return {key: load_questionnaire(key) for key in questionnaire_keys()}


def ui_text(name: str, lang: str, /, **values: object) -> str:
    """The survey form's text `name` in `lang` (Swedish if missing), placeholders filled.

    `ui_text("privacy_notice", "ar", min_respondents=5)`; KeyError for an unknown
    name or a placeholder without a value.
    """
    texts = load_common().texts
    if name not in texts:
        raise KeyError(f"no form text {name!r} (known: {', '.join(texts)})")
    text = localize(texts[name], lang)
    missing = _placeholders(text) - values.keys()
    if missing:
        raise KeyError(f"form text {name!r} needs a value for {', '.join(sorted(missing))}")
    return text.format(**values)
