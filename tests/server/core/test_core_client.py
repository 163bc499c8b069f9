"""server.core.client: the one client address every rate limit keys on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.test.utils import override_settings

from server.core.client import client_address

PROXY = "10.0.0.1"


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "remote", "expected"),
    [
        pytest.param(0, "203.0.113.7", PROXY, PROXY, id="no trusted proxy: header ignored"),
        pytest.param(0, None, "192.0.2.5", "192.0.2.5", id="no trusted proxy, no header"),
        pytest.param(1, "203.0.113.7", PROXY, "203.0.113.7", id="one proxy: its entry"),
        pytest.param(
            1, "198.51.100.9, 203.0.113.7", PROXY, "203.0.113.7", id="one proxy: right-most"
        ),
        pytest.param(
            2,
            "198.51.100.9, 203.0.113.7, 10.0.0.2",
            PROXY,
            "203.0.113.7",
            id="two proxies: second from the right",
        ),
        pytest.param(2, "203.0.113.7", PROXY, PROXY, id="fewer entries than proxies"),
        pytest.param(1, None, PROXY, PROXY, id="proxy declared, no header"),
        pytest.param(1, "", PROXY, PROXY, id="empty header"),
        pytest.param(1, "  203.0.113.7  ", PROXY, "203.0.113.7", id="spaces stripped"),
        pytest.param(1, "not-an-address", PROXY, PROXY, id="garbage"),
        pytest.param(1, "203.0.113.7, <script>", PROXY, PROXY, id="garbage where client is"),
        pytest.param(1, "203.0.113.7:443", PROXY, PROXY, id="address with port"),
        pytest.param(1, "203.0.113.7,", PROXY, PROXY, id="trailing comma"),
        pytest.param(1, "2001:db8::1", PROXY, "2001:db8::1", id="IPv6 client"),
        pytest.param(
            1, "2001:DB8:0:0::0001", PROXY, "2001:db8::1", id="IPv6 in its canonical form"
        ),
        pytest.param(
            2, "2001:db8::1, 2001:db8::ff", "::1", "2001:db8::1", id="IPv6 behind two proxies"
        ),
        pytest.param(0, "203.0.113.7", "2001:db8::5", "2001:db8::5", id="IPv6 REMOTE_ADDR"),
    ],
)
def test_it_resolves_the_client_address(
    proxies: int, forwarded_for: str | None, remote: str, expected: str
) -> None:
    headers = {} if forwarded_for is None else {"HTTP_X_FORWARDED_FOR": forwarded_for}
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **headers)

    with override_settings(TRUSTED_PROXIES=proxies):
        assert client_address(request) == expected


@pytest.mark.parametrize(("value", "expected"), [(None, 0), ("0", 0), ("1", 1), (" 2 ", 2)])
def test_it_reads_the_trusted_proxies_setting_and_tells_ninja(
    load_settings: Callable[..., dict[str, Any]], value: str | None, expected: int
) -> None:
    settings = load_settings(**({} if value is None else {"SKOLMILJO_TRUSTED_PROXIES": value}))

    assert (settings["TRUSTED_PROXIES"], settings["NINJA_NUM_PROXIES"]) == (expected, expected)


@pytest.mark.parametrize("value", ["-1", "one", "1.5", "", "²"])
def test_it_refuses_a_trusted_proxies_setting_that_is_no_count(
    load_settings: Callable[..., dict[str, Any]], value: str
) -> None:
    with pytest.raises(ImproperlyConfigured, match="SKOLMILJO_TRUSTED_PROXIES"):
        load_settings(SKOLMILJO_TRUSTED_PROXIES=value)
