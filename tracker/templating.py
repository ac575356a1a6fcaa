"""Template filters and globals: UK time, status tags, permissions for buttons."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask
from flask_login import current_user

from tracker.consultations import workflow
from tracker.models import STATUS_LABELS, Status
from tracker.timeutil import format_date, format_uk, relative_day, relative_to_now, utcnow

STATUS_COLOURS = {
    Status.NEW: "blue",
    Status.TRIAGED: "light-blue",
    Status.MONITORING: "grey",
    Status.DECLINED: "grey",
    Status.ASSIGNED: "purple",
    Status.DRAFTING: "yellow",
    Status.IN_REVIEW: "orange",
    Status.APPROVED: "turquoise",
    Status.SUBMITTED: "green",
    Status.OUTCOME_PUBLISHED: "green",
    Status.MISSED: "red",
    Status.WITHDRAWN: "grey",
}


def status_tag(status: str) -> dict[str, Any]:
    """Parameters for govukTag()."""
    s = Status(status)
    return {"text": STATUS_LABELS[s], "classes": f"govuk-tag--{STATUS_COLOURS[s]}"}


def uk_datetime(value: datetime | None, fmt: str = "%-d %B %Y at %H:%M") -> str:
    return format_uk(value, fmt)


def uk_date(value: date | datetime | None, fmt: str = "%-d %B %Y") -> str:
    if isinstance(value, datetime):
        return format_uk(value, fmt)
    return format_date(value, fmt)


def closes_hint(value: datetime | None) -> str:
    return relative_to_now(value, verb="closes") if value else ""


def due_hint(value: date | None) -> str:
    return relative_day(value, verb="due") if value else ""


def can(name: str, consultation: Any) -> bool:
    user = current_user if current_user.is_authenticated else None
    return user is not None and workflow.allowed(user, consultation, name)


# (endpoint, text, who may see it): features that exist add their own pages here.
NAV_ITEMS: list[tuple[str, str, str]] = [
    ("intake.inbox", "Inbox", "coordinator"),
    ("drafts.library", "Library", "any"),
    ("reminders.notifications", "Notifications", "any"),
]


def extra_nav_items() -> list[dict[str, Any]]:
    from flask import current_app, request, url_for

    items = []
    for endpoint, text, who in NAV_ITEMS:
        if endpoint not in current_app.view_functions:
            continue
        if who == "coordinator" and not current_user.is_coordinator:
            continue
        items.append({"href": url_for(endpoint), "text": text, "active": request.endpoint == endpoint})
    return items


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        uk_datetime=uk_datetime, uk_date=uk_date, closes_hint=closes_hint, due_hint=due_hint
    )
    app.jinja_env.globals.update(
        status_tag=status_tag, can=can, extra_nav_items=extra_nav_items, Status=Status, now=utcnow)

    @app.context_processor
    def _service() -> dict[str, Any]:
        return {
            "serviceName": app.config["SERVICE_NAME"],
            "network_name": app.config["NETWORK_NAME"],
        }
