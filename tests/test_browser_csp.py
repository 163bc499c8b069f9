"""The browser tests' CSP watch (tests/browser_csp.py, wired in conftest.py) hears a page
that breaks the policy, however the test opened it, and fails the test."""

from __future__ import annotations

from typing import Any

import pytest
from csp.utils import build_policy

from tests.browser_csp import CspWatch

pytestmark = pytest.mark.browser

ORIGIN = "http://skolmiljo.test"
NONCE = "dGVzdC1ub25jZS0x"


def _serve(page: Any, body: str) -> None:
    """Serves `body` at ORIGIN/ under the project's own policy, with NONCE as its nonce."""
    headers = {"Content-Security-Policy": build_policy(nonce=NONCE)}
    page.route(
        f"{ORIGIN}/",
        lambda route: route.fulfill(body=body, content_type="text/html", headers=headers),
    )
    page.goto(f"{ORIGIN}/")


SCRIPTS = f"""<!doctype html><html><body>
<script nonce="{NONCE}">
  window.ran = ["with nonce"];
  document.addEventListener("securitypolicyviolation", () => {{ window.refused = true; }});
</script>
<script>window.ran.push("without nonce");</script>
</body></html>"""


def test_it_hears_an_inline_script_without_the_nonce(page: Any, csp_watch: CspWatch) -> None:
    _serve(page, SCRIPTS)
    page.wait_for_function("() => window.refused")

    found = csp_watch.take()

    assert page.evaluate("window.ran") == ["with nonce"]
    assert any("script-src-elem blocked inline" in v for v in found), found
    assert any(v.startswith("console:") and "Content Security Policy" in v for v in found)


def test_it_fails_the_test_that_broke_the_policy(page: Any, csp_watch: CspWatch) -> None:
    _serve(page, SCRIPTS)
    page.wait_for_function("() => window.refused")

    with pytest.raises(pytest.fail.Exception, match="script-src-elem blocked inline"):
        csp_watch.check()
    assert csp_watch.take() == []  # told once: the autouse check after this test passes


def test_it_hears_a_style_block_with_javascript_off(browser: Any, csp_watch: CspWatch) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _serve(page, "<!doctype html><style>p { color: red }</style><p>Hej</p>")
    page.wait_for_timeout(200)

    found = csp_watch.take()
    context.close()

    assert any("Content Security Policy" in v and "style" in v for v in found), found


def test_it_hears_pages_opened_with_browser_new_page(browser: Any, csp_watch: CspWatch) -> None:
    page = browser.new_page()
    _serve(page, SCRIPTS)
    page.wait_for_function("() => window.refused")

    found = csp_watch.take()
    page.context.close()

    assert any("script-src-elem blocked inline" in v for v in found), found


def test_it_hears_nothing_from_a_page_that_keeps_the_policy(page: Any, csp_watch: CspWatch) -> None:
    _serve(
        page,
        f'<!doctype html><style nonce="{NONCE}">p {{ color: red }}</style>'
        f'<p style="margin: 0">Hej</p><script nonce="{NONCE}">window.ran = true;</script>',
    )

    assert page.evaluate("window.ran") is True
    assert csp_watch.take() == []
