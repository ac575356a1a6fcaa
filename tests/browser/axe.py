"""The accessibility check every browser test runs: axe-core's serious and critical findings."""

from __future__ import annotations

from typing import Any


def serious_a11y_faults(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each (rule,
    impact, help text, the elements at fault); [] when there are none."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
