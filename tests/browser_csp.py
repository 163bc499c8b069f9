"""Content-Security-Policy violations in the browser tests: every context the session's
browser opens reports them here, and a test whose pages logged one fails (conftest.py).

Two ears, because each hears what the other cannot: Chromium's console message for a
violation comes even with JavaScript off (the survey form's tests), and the page's
`securitypolicyviolation` event names the directive and what it blocked, in iframes too.

Give `page.wait_for_function` a function ("() => ..."): Playwright runs a bare expression
with eval while it polls, which the policy refuses like any other eval.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any

import pytest

_LISTEN = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__skolmiljoCspViolation(
    `${e.effectiveDirective} blocked ${e.blockedURI || "inline"}` +
    (e.sourceFile ? ` (${e.sourceFile}:${e.lineNumber})` : "")
  );
});
"""


class CspWatch:
    """What the pages of the current test refused under the Content-Security-Policy."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self._contexts: list[Any] = []

    def watch(self, context: Any) -> Any:
        """Listens to `context` (a Playwright BrowserContext) and returns it."""
        self._contexts.append(context)
        context.on("console", self._console)
        context.expose_binding("__skolmiljoCspViolation", self._event)
        context.add_init_script(_LISTEN)
        return context

    def _console(self, message: Any) -> None:
        if "Content Security Policy" in message.text:
            self.violations.append(f"console: {message.text}")

    def _event(self, source: dict[str, Any], text: str) -> None:
        self.violations.append(f"{source['frame'].url}: {text}")

    def take(self) -> list[str]:
        """The violations so far, forgotten here; pages still open are asked first, so
        that what they logged has arrived."""
        for context in self._contexts:
            for page in context.pages:
                from playwright.sync_api import Error

                # A round trip: what the page sent before it has been handled. A page
                # closed meanwhile has nothing more to send.
                with suppress(Error):
                    page.evaluate("0")
        self._contexts.clear()
        found, self.violations = self.violations, []
        return found

    def check(self) -> None:
        """Fails the test if any of its pages logged a violation."""
        found = self.take()
        if found:
            lines = "\n".join(f"  - {v}" for v in dict.fromkeys(found))
            pytest.fail(f"the page broke the Content-Security-Policy:\n{lines}", pytrace=False)


class WatchedBrowser:
    """The session's Playwright Browser; each context or page it opens is watched."""

    def __init__(self, browser: Any, watch: CspWatch) -> None:
        self._browser = browser
        self._watch = watch

    def new_context(self, **kwargs: Any) -> Any:
        return self._watch.watch(self._browser.new_context(**kwargs))

    def new_page(self, **kwargs: Any) -> Any:
        page = self._browser.new_page(**kwargs)
        self._watch.watch(page.context)
        return page

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)
