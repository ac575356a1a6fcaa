"""Template filters and globals: UK time, status tags, the service navigation (no queries, no rules)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, current_app, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

from tracker import drawings
from tracker.models import STATUS_LABELS, Status
from tracker.timeutil import format_date, format_uk, relative_day, relative_to_now, utcnow
from tracker.urls import text_and_links, web_link

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


# (endpoint, text, who sees it, the blueprint whose pages light it up, if not just the endpoint)
NAVIGATION: list[tuple[str, str, str, str | None]] = [
    ("dashboard.index", "Dashboard", "anyone", None),
    ("consultations.index", "Consultations", "anyone", "consultations"),
    ("intake.inbox", "Inbox", "coordinators", "intake"),
    ("drafts.library", "Library", "anyone", None),
    ("reports.index", "Reports", "anyone", "reports"),
    ("policy.asks", "Policy", "anyone", "policy"),
    ("reminders.notifications", "Notifications", "anyone", None),
    ("admin.index", "Admin", "admins", "admin"),
]


# The items for each (address prefix, who, where): the same for every request that asks, so
# built once per process instead of eight url_for calls per page.
_navigations: dict[tuple[Any, ...], list[dict[str, Any]]] = {}


def navigation() -> list[dict[str, Any]]:
    """The service navigation's items for the signed-in person (none when signed out)."""
    if not current_user.is_authenticated:
        return []
    key = (request.script_root, current_user.is_coordinator, current_user.is_admin, request.endpoint,
           request.blueprint)
    items = _navigations.get(key)
    if items is None:
        sees = {"anyone": True, "coordinators": current_user.is_coordinator, "admins": current_user.is_admin}
        items = [
            {"href": url_for(endpoint), "text": text,
             "active": request.endpoint == endpoint or (blueprint is not None and request.blueprint == blueprint)}
            for endpoint, text, who, blueprint in NAVIGATION
            if sees[who]
        ]
        if len(_navigations) < 1_000:  # endpoints are few; anything past them is not kept
            _navigations[key] = items
    return items


# The GOV.UK Frontend macros every page may use, by component: loaded once as globals rather
# than imported by each template, and drawing through tracker.drawings.
GOVUK_MACROS = {
    "govukServiceNavigation": "service-navigation",
    "govukNotificationBanner": "notification-banner",
    "govukErrorSummary": "error-summary",
    "govukButton": "button",
    "govukTag": "tag",
    "govukTable": "table",
    "govukSummaryList": "summary-list",
    "govukPagination": "pagination",
    "govukBreadcrumbs": "breadcrumbs",
    "govukInsetText": "inset-text",
    "govukWarningText": "warning-text",
    "govukDetails": "details",
    "govukTaskList": "task-list",
}


def linked(text: str, absolute: bool = False) -> Markup:
    """A message's text with its addresses as links (ours opening here, whatever BASE_URL the
    message was written with; ``absolute``, for an email: on BASE_URL), everything else escaped."""
    out = []
    base = current_app.config["BASE_URL"].rstrip("/") if absolute else ""
    for piece, href in text_and_links(text or ""):
        if href is None:
            out.append(escape(piece))
        elif href.startswith("/"):
            href = base + href
            out.append(Markup('<a class="govuk-link" href="{}">{}</a>').format(href, piece))
        else:
            out.append(Markup('<a class="govuk-link" href="{}" rel="noreferrer noopener">{}</a>').format(href, piece))
    return Markup("").join(out)


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        uk_datetime=uk_datetime, uk_date=uk_date, closes_hint=closes_hint, due_hint=due_hint, linked=linked,
        web_link=web_link,
    )
    app.jinja_env.globals.update(
        status_tag=status_tag, navigation=navigation, now=utcnow)
    for name, component in GOVUK_MACROS.items():
        module = app.jinja_env.get_template(f"govuk_frontend_jinja/components/{component}/macro.html").module
        app.jinja_env.globals[name] = drawings.kept(name, getattr(module, name))
    # GOV.UK's page template imports its own govukServiceNavigation, and in the blocks of a page
    # that extends it that name is the template's, not the kept one above: the frame draws the
    # navigation under a name of its own, so that every page's navigation is drawn from what was kept.
    app.jinja_env.globals["keptServiceNavigation"] = app.jinja_env.globals["govukServiceNavigation"]

    @app.context_processor
    def _service() -> dict[str, Any]:
        return {
            "serviceName": app.config["SERVICE_NAME"],
            "network_name": app.config["NETWORK_NAME"],
        }
