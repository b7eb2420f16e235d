"""axe-core in the browser tests: run Deque's rules on the page a test is looking at.

axe-core is a test-only npm devDependency (MPL-2.0); the tests inject its one-file build
from `frontend/node_modules/axe-core/axe.min.js` into the page. It is never part of the
app's bundle. Call `assert_no_serious_violations(page)` from any browser test once the
page shows what it should check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import require

AXE = Path(__file__).resolve().parents[1] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"

#: The impacts a page may not have (axe's four levels: minor, moderate, serious, critical).
BLOCKING = ("serious", "critical")


def axe_violations(
    page: Any, *, include: str | None = None, exclude: list[str] | None = None
) -> list[dict[str, Any]]:
    """axe's violations on the page (WCAG 2.x A and AA rules and best practices), each with
    its rule id, impact, help text and the nodes it found (selector and summary)."""
    require(AXE.exists(), "needs axe-core in frontend/node_modules (cd frontend && npm ci)")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the DevTools protocol: the app's Content-Security-Policy
        # (script-src 'self') refuses an injected <script>, and rightly so.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;void 0")
    settle_animations(page)
    context: dict[str, Any] = {"include": [include] if include else [["html"]]}
    if exclude:
        context["exclude"] = [[s] for s in exclude]
    result = page.evaluate(
        """async (context) => {
            const r = await window.axe.run(context, { resultTypes: ["violations"] });
            return r.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
            }));
        }""",
        context,
    )
    return list(result)


def settle_animations(page: Any, timeout_ms: int = 5_000) -> None:
    """Wait for the page's finite CSS animations and transitions to end.

    axe reads colours as they are painted: run mid fade-in (a presentation slide enters at
    opacity 0 over 0.25 s, far longer on a busy machine), it measures the text half
    transparent and reports a contrast failure nobody ever sees. Endless animations (an
    indeterminate progress bar) are left running; the wait is bounded either way.
    """
    page.evaluate(
        """async (timeout) => {
            const finite = document.getAnimations().filter((a) => {
                const end = a.effect && a.effect.getComputedTiming().endTime;
                return a.playState !== "finished" && Number.isFinite(end);
            });
            const bound = new Promise((resolve) => setTimeout(resolve, timeout));
            await Promise.race([Promise.all(finite.map((a) => a.finished.catch(() => null))), bound]);
        }""",
        timeout_ms,
    )


def describe(violations: list[dict[str, Any]]) -> str:
    """The violations as a reader wants them in a failed test: rule, impact, help, where."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:6]:
            summary = " ".join(str(node["summary"] or "").split())
            lines.append(f"    at {node['target']}: {summary[:300]}")
        if len(v["nodes"]) > 6:
            lines.append(f"    … and {len(v['nodes']) - 6} more")
    return "\n".join(lines)


def assert_no_serious_violations(
    page: Any, *, where: str = "", include: str | None = None, exclude: list[str] | None = None
) -> None:
    """Fail with axe's own words when the page has a serious or critical violation."""
    found = [
        v for v in axe_violations(page, include=include, exclude=exclude) if v["impact"] in BLOCKING
    ]
    label = where or page.url
    assert not found, f"axe-core on {label}:\n{describe(found)}"
