"""The Content-Security-Policy check of the browser tests: no page a journey visits breaks the
policy (an inline script without the nonce, an inline handler, a style attribute, anything
loaded from another site).

`CspWatch` follows one browser context, every page of it (the AxeWatch revisits included):
an init script reports each `securitypolicyviolation` event on the console, and Chromium's own
"Refused to …" console errors are noted too. The `page` and `phone_page` fixtures fail the
test when anything was noted.
"""

from __future__ import annotations

PREFIX = "CSP violation:"
_REPORTER = """
window.__lianxinCspWatch = true;
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
    " at " + (e.sourceFile || location.href) + ":" + e.lineNumber +
    (e.sample ? " (" + e.sample + ")" : ""));
});
"""


class CspWatch:
    def __init__(self, context):
        self.found: list[str] = []
        context.add_init_script(_REPORTER)
        context.on("console", self._noted)

    def _noted(self, message) -> None:
        if message.type != "error":
            return
        text = message.text
        if text.startswith(PREFIX) or "Content Security Policy" in text:
            where = message.page.url if message.page else ""
            line = f"{where}: {text}"
            if line not in self.found:
                self.found.append(line)
