"""Folium writes a map as one HTML page full of inline <script> and <style> blocks. Under
the Content-Security-Policy they run only with the response's nonce, so the map views
stamp it on them as they answer. The map HTML itself (cached per data version, see
pages.dashboard.cached_map_html) never holds a nonce: each response brings its own."""

from __future__ import annotations

import re

# The opening tag of an element whose content is raw text: nothing inside it is a tag.
_OPENING = re.compile(r"<(script|style)\b([^>]*)>", re.IGNORECASE)
_HAS_NONCE = re.compile(r"\snonce\s*=", re.IGNORECASE)
# What django-csp's nonces are made of (base64), so one can never break out of the quotes.
_NONCE = re.compile(r"[A-Za-z0-9+/=_-]+")


def map_html_with_nonce(html: str, nonce: str) -> str:
    """`html` with `nonce` on every <script> and <style> tag that has none yet.

    A tag's content (a script's text, which may spell "<style" in a string) is skipped
    as the browser skips it, up to its closing tag, so only real tags are changed.
    Running it twice changes nothing more.
    """
    if not _NONCE.fullmatch(nonce):
        raise ValueError(f"{nonce!r} is not a CSP nonce")
    lowered = html.lower()
    parts: list[str] = []
    pos = 0
    while match := _OPENING.search(html, pos):
        name, attributes = match.group(1), match.group(2)
        if _HAS_NONCE.search(attributes):
            parts.append(html[pos : match.end()])
        else:
            parts.append(f'{html[pos : match.start()]}<{name} nonce="{nonce}"{attributes}>')
        closing = lowered.find(f"</{name.lower()}", match.end())
        end = len(html) if closing < 0 else closing
        parts.append(html[match.end() : end])
        pos = end
    parts.append(html[pos:])
    return "".join(parts)
