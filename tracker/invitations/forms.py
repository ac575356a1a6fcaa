"""Forms of invitations: an admin's, a lead's (a contributor to one response), accepting one, and
the buttons that resend or revoke one (carrying the version they were drawn on)."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import EmailField, HiddenField, PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Optional

from tracker.forms import BaseForm, MaxLength, VersionField, strip_text
from tracker.models import Role


class _Person(BaseForm):
    # The address's format is checked by the service (one rule for every way in).
    email = EmailField("Email address", widget=GovTextInput(), filters=[strip_text],
                       validators=[InputRequired("Enter an email address"), MaxLength(254)])
    name = StringField("Full name", widget=GovTextInput(), filters=[strip_text],
                       validators=[InputRequired("Enter the person's name"), MaxLength(120)])
    city = SelectField("Member city", choices=[], widget=GovSelect(), validators=[Optional()])


class InviteForm(_Person):
    role = RadioField("Role", choices=Role.choices(), widget=GovRadioInput(),
                      description="Policy leads and contributors belong to a member city.",
                      validators=[InputRequired("Choose a role")])
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class ContributorInviteForm(_Person):
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class AcceptForm(BaseForm):
    name = StringField("Your full name", widget=GovTextInput(), filters=[strip_text],
                       validators=[InputRequired("Enter your name"), MaxLength(120)])
    # Length and guessability: the one password rule (auth/passwords.py), checked by the service.
    password = PasswordField("Choose a password", widget=GovPasswordInput(),
                             validators=[InputRequired("Choose a password")])
    submit = SubmitField("Accept and set password", widget=GovSubmitInput())


class ActionForm(BaseForm):
    version = VersionField()
    back = HiddenField()
    submit = SubmitField("Continue", widget=GovSubmitInput())
