"""Form pieces every feature uses: the base form that refuses characters that cannot be stored or
sent, the GOV.UK date input that tolerates partial input, the time of day, web addresses, and
the hidden page version every state-changing form carries.

Every form of the tracker derives from ``BaseForm``, so no text with a NUL byte (PostgreSQL refuses
it), a terminal escape or a line break in a one-line field (it would break an email header) reaches
a service; the user gets a message on the field and keeps what they typed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, time
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovDateInput
from wtforms import DateField, Field, IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError
from wtforms.widgets import HiddenInput

from tracker.routing import CONTROL_CHARACTERS, parse_id
from tracker.urls import is_web_address

_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029\x85]")

TIME_RE = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")


def _label(field: Field) -> str:
    return field.label.text if field.label and field.label.text else "This field"


class MaxLength(Length):
    """A length cap with GOV.UK's wording ("Title must be 300 characters or fewer") instead of
    the library's "Field cannot be longer than 300 characters."."""

    def __init__(self, max: int) -> None:
        super().__init__(max=max)

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data and len(field.data) > self.max:
            name = _label(field).removesuffix(" (optional)")
            raise ValidationError(f"{name} must be {self.max:,} characters or fewer")


def character_problem(field: Field) -> str | None:
    """Why the field's text cannot be accepted, or None."""
    value = field.data
    if not isinstance(field, StringField) or not isinstance(value, str):
        return None
    if isinstance(field, TextAreaField):
        if CONTROL_CHARACTERS.search(value):
            return (f"{_label(field)} contains a hidden control character, often pasted from another "
                    "program: remove it and try again")
        return None
    if _CONTROL_ONE_LINE.search(value):
        if "\n" in value or "\r" in value or "\u2028" in value or "\u2029" in value or "\x85" in value:
            return f"{_label(field)} must be on one line"
        return (f"{_label(field)} contains a hidden control character, often pasted from another "
                "program: remove it and try again")
    return None


def strip_text(value: str | None) -> str | None:
    """A field filter: the text typed without the white space around it."""
    return value.strip() if isinstance(value, str) else value


# The meta of a form a page only draws, never reads: with its template writing the page's token
# itself (csrf_token()), the form need not make a CSRF field of its own, which cost more than the
# rest of the form. The form that reads the post is made by its view, token and all.
DRAWN_ONLY = {"csrf": False}


class BaseForm(FlaskForm):
    """FlaskForm (CSRF included) that also refuses text the tracker cannot store or send."""

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        for field in self:
            problem = character_problem(field)
            if problem:
                field.errors = [*field.errors, problem]
                ok = False
        return ok


class UKDateField(DateField):
    """A GOV.UK date input (day, month and year boxes) with the design system's messages.

    A part left empty, a part missing from the request altogether (a crafted or truncated
    form), letters, 31 February and a 40-digit year each get a message on the field; the
    boxes are shown again as they were typed.
    """

    def __init__(self, label: str, *, message: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", GovDateInput())
        super().__init__(label, format="%d %m %Y", **kwargs)
        self.invalid_message = message

    def process_formdata(self, valuelist: Sequence[str]) -> None:
        values = [v.strip() for v in (list(valuelist) + ["", "", ""])[:3]]
        self.raw_data = values
        self.data = None
        if not any(values):
            return
        name = _label(self)
        missing = [part for part, value in zip(("day", "month", "year"), values, strict=True) if not value]
        if missing:
            raise ValueError(f"{name} must include a {' and '.join(missing)}")
        if not all(v.isdigit() and v.isascii() for v in values):
            raise ValueError(self.invalid_message or f"{name} must be a real date")
        day, month, year = values
        if len(year) != 4:
            raise ValueError("Year must include 4 numbers")
        try:
            self.data = date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise ValueError(self.invalid_message or f"{name} must be a real date") from None


def parse_time(value: str | None) -> time | None:
    """A time of day typed as 14:30 or 14.30 (24-hour), or None."""
    match = TIME_RE.match(value or "")
    return time(int(match.group(1)), int(match.group(2))) if match else None


def time_of_day(message: str) -> Any:
    """Validator for a time-of-day text field."""

    def check(form: FlaskForm, field: StringField) -> None:
        if parse_time(field.data) is None:
            raise ValidationError(message)

    return check


def https_url(form: FlaskForm, field: StringField) -> None:
    """A link typed by hand: a whole https address (government and Parliament sites are all
    https; a plain http link is usually a copying slip)."""
    value = (field.data or "").strip()
    if value and not (is_web_address(value) and value.lower().startswith("https://") and len(value) > 8):
        raise ValidationError("Enter the whole link, starting with https://")


MISSING_VERSION = "This form was incomplete (it had no page version). Reload the page and try again."
# Versions and version numbers are INTEGER columns: a larger number cannot be one of them.
MAX_VERSION = 2**31 - 1


class VersionField(IntegerField):
    """The version of the row the page was made on (optimistic concurrency), as a hidden input.

    Every form that changes a consultation's state carries one; the service refuses the
    change if the row has moved on since (tracker/locking.py).
    """

    widget = HiddenInput()
    data: int | None

    def __init__(self, label: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("validators", [InputRequired(MISSING_VERSION), NumberRange(min=0, max=MAX_VERSION, message=MISSING_VERSION)])
        super().__init__(label, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        # A value that is not a whole number (a crafted form) is the same as a missing one.
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(MISSING_VERSION) from None


def row_id(value: Any) -> int:
    """A chosen row's id; anything that cannot be one (a crafted form) is 0, no choice, so the
    field or the service says "Choose ..." rather than the library's "could not coerce"."""
    if isinstance(value, int):
        return value
    return parse_id(value if isinstance(value, str) else None) or 0


class RowCheckboxes(SelectMultipleField):
    """Checkboxes of rows; the choices are the page's, the service decides what may be chosen
    (validate_choice off), so a crafted value gets the service's message."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        kwargs.setdefault("widget", GovCheckboxesInput())
        super().__init__(label, coerce=row_id, validate_choice=False, **kwargs)


def ids_in(field: SelectMultipleField) -> list[int]:
    """The row ids chosen, without the zeros crafted values became."""
    return [i for i in (field.data or []) if i]
