"""The API never answers NaN or Infinity, and the suite's strict check would see one."""

from __future__ import annotations

import math

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import path

from server.core.renderers import StrictJSONRenderer, finite
from tests.strict_json import NonFiniteNumber, check_response, strict_loads


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_it_sends_null_for_a_non_finite_number(value: float) -> None:
    body = StrictJSONRenderer().render(
        RequestFactory().get("/api/v1/x"),
        {"a": [1.5, value], "b": {"c": value}},
        response_status=200,
    )

    assert strict_loads(body) == {"a": [1.5, None], "b": {"c": None}}


def test_it_keeps_finite_numbers_and_other_values() -> None:
    data = {"n": 1, "f": 2.5, "s": "NaN", "t": (1.0, None), "x": True}

    assert finite(data) == {"n": 1, "f": 2.5, "s": "NaN", "t": [1.0, None], "x": True}


@pytest.mark.parametrize("body", [b'{"a": NaN}', b"[Infinity]", b'{"a": -Infinity}'])
def test_it_refuses_nan_and_infinity_in_a_json_answer(body: bytes) -> None:
    from django.http import HttpResponse

    with pytest.raises(NonFiniteNumber):
        check_response(HttpResponse(body, content_type="application/json"))


def test_it_lets_other_answers_through() -> None:
    from django.http import HttpResponse

    check_response(HttpResponse(b"NaN", content_type="text/plain"))


def _nan_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b'{"priority": NaN}', content_type="application/json")


urlpatterns = [path("nan/", _nan_view)]


@pytest.mark.urls(__name__)
def test_it_fails_any_test_whose_json_answer_holds_nan(client: Client) -> None:
    # The suite-wide hook in tests/conftest.py wraps Django's test client.
    with pytest.raises(NonFiniteNumber):
        client.get("/nan/")
