"""Forms of the admin pages: accounts, member cities, work areas (GOV.UK widgets)."""

from __future__ import annotations

from typing import Any

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
from wtforms.validators import InputRequired, Optional, ValidationError

from tracker.admin.services import NATIONS, all_cities
from tracker.forms import BaseForm, MaxLength, strip_text
from tracker.models import Role


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

    role = SelectField("Role", choices=[("", "All roles"), *Role.choices()], widget=GovSelect(),
                       validators=[Optional()])
    city = SelectField("City", choices=[], widget=GovSelect(), validators=[Optional()])


class _UserFields(BaseForm):
    name = StringField("Full name", widget=GovTextInput(), filters=[strip_text],
                       validators=[InputRequired("Enter the person's name"), MaxLength(120)])
    job_title = StringField("Job title (optional)", widget=GovTextInput(),
                            validators=[Optional(), MaxLength(120)])
    role = RadioField("Role", choices=Role.choices(), widget=GovRadioInput(),
                      description="Policy leads and contributors belong to a member city.",
                      validators=[InputRequired("Choose a role")])
    city = SelectField("Member city", choices=[], widget=GovSelect(), validators=[Optional()])

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        # The service has the same rule; checked here too, it is reported with the form's other
        # errors rather than only once they are all put right.
        role = Role(self.role.data) if self.role.data in {r.value for r in Role} else None
        if role is not None and role.needs_city and not self.city.data and not self.city.errors:
            self.city.errors = [*self.city.errors, f"A {role.label.lower()} must belong to a member city."]
            ok = False
        return ok


class UserCreateForm(_UserFields):
    email = EmailField("Email address", widget=GovTextInput(), filters=[strip_text], validators=[
        InputRequired("Enter an email address"), MaxLength(254), email_address])
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


class ResetSecondFactorForm(BaseForm):
    submit = SubmitField("Reset second factor", widget=GovSubmitInput())


class CityForm(BaseForm):
    name = StringField("Name", widget=GovTextInput(),
                       validators=[InputRequired("Enter the city's name"), MaxLength(120)])
    nation = RadioField("Nation", choices=[(n, n) for n in NATIONS], widget=GovRadioInput(),
                        validators=[InputRequired("Choose England or Wales")])
    is_member = BooleanField("Member of the network", widget=GovCheckboxInput())
    # Checked by the service: a tenant id is a GUID, a domain a host name.
    entra_tenant_id = StringField(
        "Microsoft Entra ID tenant ID (optional)", widget=GovTextInput(), filters=[strip_text],
        description="The council's directory (tenant) ID, like 72f988bf-86f1-41af-91ab-2d7cd011db47: a first sign-in "
                    "with one of its accounts is matched to an invitation for that account's email address.",
        validators=[Optional(), MaxLength(36)])
    google_domain = StringField(
        "Google Workspace domain (optional)", widget=GovTextInput(), filters=[strip_text],
        description="The council's Google Workspace domain, like hull.gov.uk, for the same.",
        validators=[Optional(), MaxLength(253)])
    submit = SubmitField("Save city", widget=GovSubmitInput())


class WorkAreaForm(BaseForm):
    name = StringField("Name", widget=GovTextInput(),
                       validators=[InputRequired("Enter the work area's name"), MaxLength(120)])
    description = TextAreaField("Description", widget=GovTextArea(), validators=[Optional(), MaxLength(2000)])
    lead_city = SelectField("Lead city", choices=[], widget=GovSelect(), validators=[Optional()])
    submit = SubmitField("Save work area", widget=GovSubmitInput())
