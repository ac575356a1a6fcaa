"""Helpers the features' form views share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import flash, redirect
from werkzeug.wrappers import Response as ResponseBase

from tracker.errors import DomainError, InvalidTransition, NotFound, PermissionDenied, Stale
from tracker.extensions import db

T = TypeVar("T")


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


@dataclass
class Refused:
    """A form the service refused: redraw it (with what was typed and where it went wrong)."""

    stale: Stale | None = None
    error: DomainError | None = None

    @property
    def status(self) -> int:
        return 409 if self.stale is not None else 400


def run(form: Any, action: Callable[[], T], *, success: str | Callable[[T], str],
        then: str | Callable[[T], str], invalid_to: str | None = None) -> ResponseBase | Refused:
    """The one way a form view changes something: call the service verb, then commit, flash
    ``success`` and redirect to ``then``; or roll back and say why.

    A page made on an older version comes back with what changed and the current version; a
    rule broken by the input goes on its field; a step no longer possible goes back to
    ``invalid_to`` with its reason (or to the 409 page); no permission and no such thing go to
    the 403 and 404 pages. Values may be functions of what the verb returned, read after the commit.
    """
    try:
        result = action()
    except Stale as exc:
        db.session.rollback()
        on_version(form, exc.version)
        return Refused(stale=exc)
    except InvalidTransition as exc:
        db.session.rollback()
        if invalid_to is None:
            raise
        flash(exc.message, "error")
        return redirect(invalid_to)
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        db.session.rollback()
        attach_error(form, exc)
        return Refused(error=exc)
    db.session.commit()
    flash(success(result) if callable(success) else success, "success")
    return redirect(then(result) if callable(then) else then)


def run_if(valid: bool, form: Any, action: Callable[[], T], *, success: str | Callable[[T], str],
           then: str | Callable[[T], str], invalid_to: str | None = None) -> ResponseBase | Refused | None:
    """run() for a form that passed its own checks (``valid``), else None: a page that is only
    shown, or a form drawn again with its errors. The view returns a redirect and draws its page
    for the rest, with ``page_status``."""
    return run(form, action, success=success, then=then, invalid_to=invalid_to) if valid else None


def saved(form: Any, action: Callable[[], T], *, success: str | Callable[[T], str],
          then: str | Callable[[T], str]) -> ResponseBase | None:
    """run() for a page drawn again the same way when refused: the redirect, or None."""
    outcome = run(form, action, success=success, then=then)
    return None if isinstance(outcome, Refused) else outcome


def page_status(form: Any, refused: Refused | None = None) -> int:
    """200 for a page shown, 400 when the form has errors, or the refusal's own status."""
    if refused is not None:
        return refused.status
    return 400 if form is not None and form.errors else 200
