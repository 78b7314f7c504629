"""An accessibility scan of the page a test is on, by axe-core served from the web's own
node_modules (injected into the page, never fetched from a CDN): serious and critical
violations fail, with what and where."""

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "services" / "web" / "node_modules" / "axe-core" / "axe.min.js"
FAILING = ("serious", "critical")


def serious_violations(page) -> list[dict]:
    """axe-core's WCAG 2.x A/AA rules on the whole document, as it is now."""
    # A message fading in is half transparent: scan what stays on screen, after Vue's enter/leave
    # transitions (their *-enter-active classes) and any running CSS animation.
    page.wait_for_function("() => !document.querySelector('[class*=\"-enter-active\"], [class*=\"-leave-active\"]')",
                           timeout=5_000)
    page.evaluate("Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)))")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                                resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                             nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') +
                                               (n.any[0] && n.any[0].data && n.any[0].data.fgColor
                                                ? ` (${n.any[0].data.fgColor} on ${n.any[0].data.bgColor}, ${n.any[0].data.contrastRatio}:1)`
                                                : ''))}));
    }""")
    return [v for v in found if v["impact"] in FAILING]


def assert_accessible(page, name: str) -> None:
    violations = serious_violations(page)
    assert not violations, f"{name} ({page.url}): " + "; ".join(
        f"{v['impact']} {v['id']}: {v['help']} at {v['nodes']}" for v in violations)
