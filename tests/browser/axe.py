"""axe-core (vendored, pinned: vendor/README.md) run inside a Playwright page.

The portal's strict CSP (`script-src 'self'`) refuses an injected `<script>`, so the source is
evaluated through the DevTools protocol (`page.evaluate`), which the CSP does not govern: the
page is checked exactly as the portal serves it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from playwright.async_api import Page

AXE_VERSION = "4.14.1"
AXE_JS = Path(__file__).parent / "vendor" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
WCAG_AA = ("wcag2a", "wcag2aa")

# Only what a failure message needs: the rule, how bad, and where.
RUN = """async (tags) => {
  const results = await window.axe.run(document, {runOnly: {type: "tag", values: tags}});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


@cache
def _source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Violation:
    where: str
    rule: str
    impact: str
    help: str
    target: str
    summary: str

    def __str__(self) -> str:
        summary = " ".join(self.summary.split())
        return f"{self.where}: [{self.impact}] {self.rule} at {self.target}: {summary}"


async def violations(page: Page, where: str) -> list[Violation]:
    """Every WCAG 2 A/AA violation axe finds on the page as it stands now."""
    if not await page.evaluate("typeof window.axe === 'object'"):
        await page.evaluate(_source())
    found: list[dict[str, Any]] = await page.evaluate(RUN, list(WCAG_AA))
    return [
        Violation(where, v["id"], v["impact"], v["help"], n["target"], n["summary"])
        for v in found
        for n in v["nodes"]
    ]
