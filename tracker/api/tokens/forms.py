"""Forms of the tokens page."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField
from wtforms.validators import InputRequired

from tracker.api.tokens.services import EXPIRY_CHOICES, MAX_NAME
from tracker.forms import BaseForm, MaxLength


class CreateTokenForm(BaseForm):
    name = StringField(
        "Name", widget=GovTextInput(),
        validators=[InputRequired("Enter a name for the token"), MaxLength(MAX_NAME)],
    )
    expiry = RadioField(
        "Expires", choices=[(value, label) for value, (label, _days) in EXPIRY_CHOICES.items()],
        default="90", widget=GovRadioInput(), validators=[InputRequired("Choose when the token expires")],
    )
    submit = SubmitField("Create token", widget=GovSubmitInput())


class RevokeTokenForm(BaseForm):
    submit = SubmitField("Revoke token", widget=GovSubmitInput())
