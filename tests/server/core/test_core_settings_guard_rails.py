"""Guard-rail settings read from the environment: the sign-in lock-out policy and the
log format."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured


def test_it_reads_the_policy_from_the_environment(load_settings: Callable[..., Any]) -> None:
    default = load_settings()
    strict = load_settings(SKOLMILJO_LOGIN_FAILURE_LIMIT="3", SKOLMILJO_LOGIN_COOLOFF_MINUTES="60")

    assert (default["AXES_FAILURE_LIMIT"], default["AXES_COOLOFF_TIME"]) == (
        5,
        timedelta(minutes=15),
    )
    assert (strict["AXES_FAILURE_LIMIT"], strict["AXES_COOLOFF_TIME"]) == (3, timedelta(hours=1))
    assert default["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]


@pytest.mark.parametrize(
    "variable", ["SKOLMILJO_LOGIN_FAILURE_LIMIT", "SKOLMILJO_LOGIN_COOLOFF_MINUTES"]
)
def test_it_refuses_a_policy_of_zero(load_settings: Callable[..., Any], variable: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        load_settings(**{variable: "0"})


def test_it_logs_json_lines_in_production_and_text_in_the_demo(
    load_settings: Callable[..., Any],
) -> None:
    production = load_settings(
        SKOLMILJO_MODE="production",
        SKOLMILJO_SECRET_KEY="k" * 50,
        SKOLMILJO_MUNICIPALITY_NAME="Lerums kommun",
    )
    demo = load_settings(SKOLMILJO_MODE="demo")
    chosen = load_settings(SKOLMILJO_LOG_FORMAT="json")

    assert production["LOGGING"]["handlers"]["console"]["formatter"] == "json"
    assert demo["LOGGING"]["handlers"]["console"]["formatter"] == "text"
    assert chosen["LOGGING"]["handlers"]["console"]["formatter"] == "json"


def test_it_refuses_an_unknown_log_format(load_settings: Callable[..., Any]) -> None:
    with pytest.raises(ImproperlyConfigured, match="SKOLMILJO_LOG_FORMAT"):
        load_settings(SKOLMILJO_LOG_FORMAT="xml")
