"""The app's texts: one JSON catalogue per language in `mobile/locale/`.

Keys are dotted (`home.title`). A key missing from the chosen language falls back to
Swedish, the app's reference language, and then to the key itself, so a missing text
shows up as a visible key rather than a crash.
"""

from __future__ import annotations

import json
import locale
import os
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

DEFAULT_LANGUAGE = "sv"
FALLBACK_LANGUAGE = "en"
LANGUAGES: tuple[str, ...] = ("sv", "en")

# Checked in this order, like gettext. locale.getlocale() comes last: it only sees
# LC_CTYPE, and reports en_US for the C.UTF-8 locale of many containers and tablets.
_LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


class Translator:
    """Looks texts up by key in one language, falling back to Swedish, then the key."""

    def __init__(self, language: str, catalogue: Mapping[str, str]) -> None:
        self.language = language
        self._catalogue = catalogue
        self._reference = load_catalogue(DEFAULT_LANGUAGE)

    def __call__(self, key: str, /, **params: Any) -> str:
        text = self._catalogue.get(key) or self._reference.get(key)
        if text is None:
            return key
        return text.format(**params) if params else text

    def plural(self, key: str, count: int, /, **params: Any) -> str:
        """The text for `count` things: `key.zero`, `key.one` or `key.other`.

        `{count}` is filled in. One/other (plus an optional zero) covers Swedish and
        English; languages with more forms (Arabic) will need CLDR plural rules here.
        """
        forms = (["zero"] if count == 0 else []) + (["one"] if count == 1 else []) + ["other"]
        for catalogue in (self._catalogue, self._reference):
            for form in forms:
                text = catalogue.get(f"{key}.{form}")
                if text:
                    return text.format(count=count, **params)
        return key


@cache
def load_catalogue(language: str) -> Mapping[str, str]:
    """The catalogue of `language`, checked to be a flat object of strings."""
    if language not in LANGUAGES:
        raise ValueError(f"no catalogue for language {language!r}")
    source = resources.files("mobile") / "locale" / f"{language}.json"
    data = json.loads(source.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(
        isinstance(key, str) and isinstance(text, str) for key, text in data.items()
    ):
        raise ValueError(f"{language}.json must map text keys to strings")
    return MappingProxyType(data)


def device_language(environ: Mapping[str, str] | None = None) -> str | None:
    """The device's language setting as found (`sv_SE.UTF-8`, `en`...), or None."""
    environ = os.environ if environ is None else environ
    for variable in _LANGUAGE_VARIABLES:
        value = environ.get(variable, "").split(":")[0]
        if value and _language_code(value) not in ("c", "posix"):
            return value
    language, _encoding = locale.getlocale()
    return language


def translator_for(lang: str | None = None) -> Translator:
    """A translator for `lang`, or for the device's language when `lang` is None.

    Swedish for any Swedish locale (`sv`, `sv_SE`, `sv-FI`...), English otherwise.
    """
    requested = lang if lang is not None else device_language()
    code = _language_code(requested or "")
    language = DEFAULT_LANGUAGE if code == DEFAULT_LANGUAGE else FALLBACK_LANGUAGE
    return Translator(language, load_catalogue(language))


def _language_code(value: str) -> str:
    """`sv_SE.UTF-8@euro` -> `sv`."""
    for separator in ".@_-":
        value = value.split(separator)[0]
    return value.strip().lower()
