"""The catalogue versions the server accepts from tablets."""

from __future__ import annotations

from django.utils.translation import get_language

from shared.catalogue import Catalogue, load_catalogue


def accepted_catalogues() -> dict[str, Catalogue]:
    """Every version still accepted; an older version stays here until it is retired."""
    current = load_catalogue()
    return {current.version: current}


def element_name(code: str) -> str:
    """The element's catalogue name in the active language (English or else Swedish);
    the code itself when the current catalogue has no such element."""
    try:
        element = load_catalogue().element(code)
    except KeyError:
        return code
    return element.name_en if (get_language() or "sv").startswith("en") else element.name_sv
