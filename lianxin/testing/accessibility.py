"""The axe check of the browser tests: every page a journey visits has no serious or critical
violation.

`AxeWatch` follows one browser context. It notes every page the journey's main frame lands on;
when the test ends it checks the page as the journey left it (htmx swaps and form errors
included) and then opens each noted address again in the same context (same user, same
cookies) and checks it as loaded. A page already checked in this test run for the same user,
viewport and address pattern is not checked twice. Tests may also call `check(page)` at a
moment worth checking (an open dialog, a refused form).

axe-core comes from the `axe-playwright-python` package (a test dependency); the rules run are
axe's defaults (WCAG 2.x A/AA and best practices).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from axe_playwright_python.base import AXE_SCRIPT

BLOCKING = ("serious", "critical")
_OPTIONS = {"resultTypes": ["violations"]}
_checked: set[tuple] = set()


def violations(page) -> list[dict]:
    """axe's serious and critical violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    result = page.evaluate("options => axe.run(document, options)", _OPTIONS)
    return [v for v in result["violations"] if v.get("impact") in BLOCKING]


def describe(url: str, found: list[dict]) -> str:
    lines = [url]
    for v in found:
        nodes = v["nodes"]
        where = "; ".join(
            " ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"])
            for n in nodes[:3]
        )
        summary = nodes[0].get("failureSummary", "").replace("\n", " ")[:200] if nodes else ""
        lines.append(
            f"  {v['id']} ({v['impact']}, {len(nodes)}): {v['help']} — {where} — {summary}"
        )
    return "\n".join(lines)


def _pattern(url: str) -> str:
    parts = urlsplit(url)
    path = re.sub(r"/[0-9a-fA-F-]{6,}(?=/|$)", "/<token>", parts.path)
    path = re.sub(r"\d+", "<n>", path)
    keys = sorted({kv.split("=", 1)[0] for kv in parts.query.split("&") if kv})
    return path + ("?" + "&".join(keys) if keys else "")


class AxeWatch:
    def __init__(self, page, origin: str):
        self.page = page
        self.origin = origin.rstrip("/")
        self.visited: list[str] = []
        page.on("framenavigated", self._noted)

    def _noted(self, frame) -> None:
        if frame == self.page.main_frame and frame.url.startswith(self.origin):
            if frame.url not in self.visited:
                self.visited.append(frame.url)

    def _who(self, page) -> str:
        who = page.locator(".who")
        return who.first.inner_text() if who.count() else ""

    def _key(self, page) -> tuple:
        width = (page.viewport_size or {}).get("width")
        return (width, self._who(page), _pattern(page.url))

    def check(self, page=None, *, force: bool = False) -> str | None:
        """Check one page now; the description of what is wrong, or None."""
        page = page or self.page
        key = self._key(page)
        if key in _checked and not force:
            return None
        _checked.add(key)
        found = violations(page)
        return describe(page.url, found) if found else None

    def finish(self) -> list[str]:
        """Check the page as left, then every noted address again; what was wrong, if anything."""
        from playwright.sync_api import Error

        problems = []
        if self.page.url.startswith(self.origin) and not self.page.is_closed():
            try:
                problem = self.check(self.page)
            except Error:
                problem = None  # the page was navigating away as the test ended
            if problem:
                problems.append(problem)
        again = self.page.context.new_page()
        try:
            for url in self.visited:
                try:
                    response = again.goto(url)
                except Error:
                    continue  # a download, or an address that no longer answers with a page
                if response is None or "text/html" not in (
                    response.headers.get("content-type") or ""
                ):
                    continue
                problem = self.check(again)
                if problem:
                    problems.append(problem)
        finally:
            again.close()
        return problems
