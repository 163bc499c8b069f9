"""The response's nonce on a folium map's inline tags, and only on real tags."""

from __future__ import annotations

import re

import pytest

from server.pages.map_nonce import map_html_with_nonce

NONCE = "r4nd0m+Nonce/Q=="


def test_it_puts_the_nonce_on_every_script_and_style_tag() -> None:
    html = (
        '<html><head><script src="/static/leaflet.js"></script><style>#map{height:1px}</style>'
        '<STYLE type="text/css">a{}</STYLE></head><body><script>var m = 1;</script></body></html>'
    )

    stamped = map_html_with_nonce(html, NONCE)

    assert re.findall(r"<(?:script|style)[^>]*>", stamped, flags=re.I) == [
        f'<script nonce="{NONCE}" src="/static/leaflet.js">',
        f'<style nonce="{NONCE}">',
        f'<STYLE nonce="{NONCE}" type="text/css">',
        f'<script nonce="{NONCE}">',
    ]
    assert stamped.replace(f' nonce="{NONCE}"', "") == html


def test_it_changes_nothing_more_the_second_time() -> None:
    html = "<style>a{}</style><script>x()</script>"

    once = map_html_with_nonce(html, NONCE)

    assert map_html_with_nonce(once, NONCE) == once
    assert map_html_with_nonce(once, "another") == once


def test_it_leaves_what_a_script_says_alone() -> None:
    # A script's text is not markup: "<style" in a string there is no tag to stamp.
    html = "<script>var s = '<style>b{}</style>' + \"<script>\";</script><style>i{}</style>"

    stamped = map_html_with_nonce(html, NONCE)

    assert stamped == (
        f'<script nonce="{NONCE}">var s = \'<style>b{{}}</style>\' + "<script>";</script>'
        f'<style nonce="{NONCE}">i{{}}</style>'
    )


def test_it_leaves_lookalike_tags_alone() -> None:
    html = "<scripts></scripts><styles>x</styles><p>no script</p>"

    assert map_html_with_nonce(html, NONCE) == html


@pytest.mark.parametrize("nonce", ['"><script>', "a b", ""])
def test_it_refuses_a_nonce_that_could_leave_its_quotes(nonce: str) -> None:
    with pytest.raises(ValueError, match="is not a CSP nonce"):
        map_html_with_nonce("<script></script>", nonce)
