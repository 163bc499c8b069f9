"""The municipality's seed from the environment: read as given, refused out of bounds with
the variable named (settings are run afresh, the suite's own stay as they are)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured


def test_it_reads_the_seed_from_the_environment(load_settings: Callable[..., Any]) -> None:
    loaded = load_settings(
        SKOLMILJO_MUNICIPALITY_NAME=" Lerums kommun ",
        SKOLMILJO_MAP_CENTER="57.7705, 12.2690",
        SKOLMILJO_MAP_ZOOM="12",
        SKOLMILJO_PRICE_YEAR="2025",
        SKOLMILJO_SURVEY_THRESHOLD="7",
    )
    no_centre = load_settings(SKOLMILJO_MAP_CENTER="")

    assert (loaded["MUNICIPALITY_NAME"], loaded["MUNICIPALITY_CENTER"]) == (
        "Lerums kommun",
        (57.7705, 12.269),
    )
    assert (loaded["MUNICIPALITY_ZOOM"], loaded["MUNICIPALITY_PRICE_YEAR"]) == (12, 2025)
    assert loaded["SURVEY_SUPPRESSION_THRESHOLD"] == 7
    assert no_centre["MUNICIPALITY_CENTER"] is None


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SKOLMILJO_MUNICIPALITY_NAME", "  "),
        ("SKOLMILJO_MAP_CENTER", "57.7"),
        ("SKOLMILJO_MAP_CENTER", "91,12"),
        ("SKOLMILJO_MAP_CENTER", "57.7,north"),
        ("SKOLMILJO_MAP_ZOOM", "19"),
        ("SKOLMILJO_MAP_ZOOM", "elva"),
        ("SKOLMILJO_PRICE_YEAR", "1999"),
        ("SKOLMILJO_SURVEY_THRESHOLD", "1"),
    ],
)
def test_it_refuses_a_seed_out_of_bounds_naming_the_variable(
    load_settings: Callable[..., Any], variable: str, value: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match=variable):
        load_settings(**{variable: value})
