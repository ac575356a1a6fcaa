"""Forms of the reminder preferences, the network's settings and the resend button."""

from __future__ import annotations

import re
from datetime import time

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Optional, ValidationError

from tracker.forms import BaseForm
from tracker.models.messages import EVENT_LABELS, KIND_LABELS, USER_POINTS, Delivery

DELIVERY_CHOICES = [
    (Delivery.IMMEDIATE.value, "An email for each reminder, as it falls due"),
    (Delivery.DIGEST.value, "One daily digest email"),
    (Delivery.NONE.value, "No emails: only the notification list in the tracker"),
]
POINT_CHOICES = [(k.value, KIND_LABELS[k.value]) for k in USER_POINTS]
_CLOCK = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def parse_clock(value: str) -> time | None:
    match = _CLOCK.match((value or "").strip())
    return time(int(match.group(1)), int(match.group(2))) if match else None


def uk_clock(form: FlaskForm, field: StringField) -> None:
    if parse_clock(field.data or "") is None:
        raise ValidationError("Enter the digest time as hours and minutes on the 24-hour clock, like 08:30")


class _ReminderFields(BaseForm):
    delivery = RadioField("How do you want reminders by email?", choices=DELIVERY_CHOICES, widget=GovRadioInput(),
                          validators=[InputRequired("Choose how you want reminders by email")])
    digest_time = StringField("Digest time (UK time)", widget=GovTextInput(), validators=[uk_clock])
    points = SelectMultipleField("Which reminders", choices=POINT_CHOICES, widget=GovCheckboxesInput(),
                                 validate_choice=True)
    submit = SubmitField("Save", widget=GovSubmitInput())

    def digest_clock(self) -> time:
        """The digest time, once the form has validated (uk_clock has accepted it)."""
        value = parse_clock(self.digest_time.data or "")
        if value is None:
            raise ValueError("digest_clock() before the form validated")
        return value


# How one kind of workflow event reaches a user; "" follows their choice for reminders.
EVENT_CHOICES = [
    ("", "As my reminder emails"),
    (Delivery.IMMEDIATE.value, "An email at once"),
    (Delivery.DIGEST.value, "In the daily digest"),
    (Delivery.NONE.value, "Only in the tracker"),
]


BRIEFING_CHOICES = [
    ("yes", "Yes, email me the Monday briefing"),
    ("no", "No"),
]


class PreferencesForm(_ReminderFields):
    """A user's own choices: deadline reminders, how each kind of workflow event reaches them
    (one select per kind, named event_<kind>) and, for the roles it is for, the Monday briefing
    (the view removes the field for the others)."""

    briefing = RadioField("Do you want the Monday briefing email?", choices=BRIEFING_CHOICES,
                          widget=GovRadioInput(),
                          validators=[Optional()])

    def briefing_choice(self) -> bool | None:
        """The briefing choice; None (keep what they chose before) when the field is not on this
        user's form or was not sent."""
        field = getattr(self, "briefing", None)
        return None if field is None or field.data not in ("yes", "no") else field.data == "yes"

    def events(self) -> dict[str, str]:
        """The kinds the user chose a delivery for; the others follow their reminder emails."""
        return {kind: getattr(self, f"event_{kind}").data for kind in EVENT_LABELS
                if getattr(self, f"event_{kind}").data}

    def event_fields(self) -> list[SelectField]:
        return [getattr(self, f"event_{kind}") for kind in EVENT_LABELS]


for _kind, _label in EVENT_LABELS.items():
    setattr(PreferencesForm, f"event_{_kind}",
            SelectField(_label, choices=EVENT_CHOICES, widget=GovSelect(), default="", validate_choice=True))


class NetworkSettingsForm(_ReminderFields):
    delivery = RadioField("Default for email reminders", choices=DELIVERY_CHOICES, widget=GovRadioInput(),
                          validators=[InputRequired("Choose the default for email reminders")])
    points = SelectMultipleField("Reminders on by default", choices=POINT_CHOICES, widget=GovCheckboxesInput(),
                                 validate_choice=True)
    submit = SubmitField("Save network defaults", widget=GovSubmitInput())


class ResendForm(FlaskForm):
    """The version of the failed send the coordinator saw, so that a double click queues it once."""

    version = HiddenField()
