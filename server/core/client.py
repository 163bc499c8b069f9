"""The address of the client behind a request, the one answer every rate limit keys on.

`X-Forwarded-For` is written by whoever sends the request, so it is believed only as far
as the proxies this deployment declares (settings.TRUSTED_PROXIES): each trusted proxy
appends the address it received the request from, so with N of them the client is the
N-th entry from the right, and anything further left may be forged. With none declared
the header is ignored: a client rotating it must not get a fresh rate-limit budget.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IP address: from the trusted proxies' X-Forwarded-For, else REMOTE_ADDR.

    Falls back to REMOTE_ADDR when the header has fewer entries than there are trusted
    proxies, or when the entry found is not an IP address. Addresses are returned in
    their canonical form, so one IPv6 address cannot pass as several spellings.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies: int = settings.TRUSTED_PROXIES
    if proxies == 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [entry.strip() for entry in header.split(",")] if header.strip() else []
    if len(entries) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(entries[-proxies]))
    except ValueError:
        return remote
