"""axe-core in the browser tests: injected into a page only by a test, never shipped to phones.

``make axe`` (a dependency of ``make test``) fetches the pinned release once with npm into
``.cache/``; the tests read it from there and need no network.
"""

from __future__ import annotations

from pathlib import Path

AXE_VERSION = "4.14.1"
AXE_JS = Path(__file__).resolve().parents[2] / ".cache" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa", "best-practice"]
FAILING = {"critical", "serious"}


def violations(page) -> list[dict]:
    """Every axe violation on ``page`` now (WCAG 2.2 AA and best practice)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                               resultTypes: ["violations"]});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary,
                                          impact: n.impact}))}));
        }""",
        TAGS,
    )
    return result


def failures(found: list[dict]) -> list[str]:
    """One line per critical or serious violation: rule id, target, summary."""
    lines = []
    for v in found:
        for node in v["nodes"]:
            if (node["impact"] or v["impact"]) in FAILING:
                summary = " ".join((node["summary"] or v["help"]).split())
                lines.append(f"{v['id']} ({node['impact']}) at {node['target']}: {summary}")
    return lines


def check(page, where: str, seen: dict[str, list[str]]) -> None:
    """Run axe on ``page`` and file its critical and serious violations under ``where``."""
    seen[where] = failures(violations(page))


def report(seen: dict[str, list[str]]) -> str:
    """Every state with failures, and what failed in it (empty when all passed)."""
    return "\n".join(f"{where}:\n  " + "\n  ".join(lines) for where, lines in seen.items() if lines)
