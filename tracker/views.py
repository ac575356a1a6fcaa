"""Helpers the features' form views share."""

from __future__ import annotations

from typing import Any

from tracker.errors import DomainError


def _visible(field: Any) -> bool:
    return field.type not in ("CSRFTokenField", "HiddenField") and getattr(field.widget, "input_type", "") != "hidden"


def attach_error(form: Any, exc: DomainError) -> None:
    """Put a service's refusal on the field it names, so the error summary links to it; a
    refusal about no field in particular goes on the form's first visible field."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is None:
        field = next((f for f in form if _visible(f)), None)
    if field is None:
        form.form_errors.append(exc.message)
        return
    field.errors = [*field.errors, exc.message]


def on_version(form: Any, version: int | None) -> None:
    """Redraw a form refused as stale on top of the version there is now: submitting it again
    is then a deliberate choice, made knowing what changed."""
    if version is not None:
        form.version.data = version
        form.version.raw_data = [str(version)]
