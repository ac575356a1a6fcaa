from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from tracker.admin.services import NATIONS, all_cities
from tracker.forms import BaseForm
from tracker.models import Role

ROLE_CHOICES = [(r.value, r.label) for r in Role]


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def email_address(form: FlaskForm, field: EmailField) -> None:
    # test_environment: allow the reserved .test domain the demo and test accounts use;
    # no DNS lookup either (the form must not depend on the network).
    try:
        validate_email(field.data or "", check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        raise ValidationError("Enter an email address in the correct format, like name@example.gov.uk") from None


def city_choices(blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(str(c.id), c.name) for c in all_cities()]


class UserFilterForm(BaseForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    role = SelectField("Role", choices=[("", "All roles"), *ROLE_CHOICES], widget=GovSelect(),
                       validators=[Optional()])
    city = SelectField("City", choices=[], widget=GovSelect(), validators=[Optional()])


class _UserFields(BaseForm):
    name = StringField("Full name", widget=GovTextInput(), filters=[_strip],
                       validators=[InputRequired("Enter the person's name"), Length(max=120)])
    job_title = StringField("Job title (optional)", widget=GovTextInput(),
                            validators=[Optional(), Length(max=120)])
    role = RadioField("Role", choices=ROLE_CHOICES, widget=GovRadioInput(),
                      description="Policy leads and contributors belong to a member city.",
                      validators=[InputRequired("Choose a role")])
    city = SelectField("Member city", choices=[], widget=GovSelect(), validators=[Optional()])


class UserCreateForm(_UserFields):
    email = EmailField("Email address", widget=GovTextInput(), filters=[_strip], validators=[
        InputRequired("Enter an email address"), Length(max=254), email_address])
    # Length and guessability: the service's one password rule (auth/passwords.py).
    password = PasswordField("Initial password (optional)", widget=GovPasswordInput(), validators=[Optional()])
    submit = SubmitField("Create account", widget=GovSubmitInput())


class UserEditForm(_UserFields):
    is_enabled = RadioField("Account", choices=[("yes", "Enabled: can sign in"), ("no", "Disabled: cannot sign in")],
                            widget=GovRadioInput(), validators=[InputRequired("Choose whether the account is enabled")])
    # Set by the confirmation page: disabling signs the person out, so it is asked twice.
    confirmed = HiddenField()
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class ResetPasswordForm(BaseForm):
    password = PasswordField("New password (optional)", widget=GovPasswordInput(), validators=[Optional()])
    submit = SubmitField("Reset password", widget=GovSubmitInput())


class CityForm(BaseForm):
    name = StringField("Name", widget=GovTextInput(),
                       validators=[InputRequired("Enter the city's name"), Length(max=120)])
    nation = RadioField("Nation", choices=[(n, n) for n in NATIONS], widget=GovRadioInput(),
                        validators=[InputRequired("Choose England or Wales")])
    is_member = BooleanField("Member of the network", widget=GovCheckboxInput())
    submit = SubmitField("Save city", widget=GovSubmitInput())


class WorkAreaForm(BaseForm):
    name = StringField("Name", widget=GovTextInput(),
                       validators=[InputRequired("Enter the work area's name"), Length(max=120)])
    description = TextAreaField("Description", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    lead_city = SelectField("Lead city", choices=[], widget=GovSelect(), validators=[Optional()])
    submit = SubmitField("Save work area", widget=GovSubmitInput())
