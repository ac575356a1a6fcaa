"""The accessibility checks the browser tests run: axe-core's serious and critical findings (every
test's last page), and every finding of any impact (the walk of every page)."""

from __future__ import annotations

from typing import Any


def a11y_faults(page: Any, impacts: tuple[str, ...] = ("minor", "moderate", "serious", "critical")) -> list[str]:
    """axe-core's violations of the given impacts on the page as it is now, one line each (rule,
    impact, help text, the elements at fault); [] when there are none."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v.get("impact") in impacts
    ]


def serious_a11y_faults(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now."""
    return a11y_faults(page, ("serious", "critical"))
