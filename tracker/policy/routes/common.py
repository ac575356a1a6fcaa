"""What the policy views share: choices for the forms, and drawing a form page again when refused."""

from __future__ import annotations

from typing import Any

from tracker.policy import queries


def area_choices(blank: str | None = None) -> list[tuple[Any, str]]:
    first: list[tuple[Any, str]] = [(0 if blank is None else "", blank or "Choose a work area")]
    return first + [(a.id, a.name) for a in queries.work_areas()]


def city_choices() -> list[tuple[int, str]]:
    return [(0, "Choose a city")] + [(c.id, c.name) for c in queries.member_cities()]
