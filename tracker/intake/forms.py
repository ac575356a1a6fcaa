"""Forms of the intake pages: accept or dismiss an item (or several), organisation rules, keywords,
feeds."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from tracker.consultations.forms import AssignForm, TriageForm
from tracker.forms import BaseForm, VersionField, strip_text
from tracker.models import Decision, IssuerType


class AcceptForm(BaseForm):
    work_area_id = SelectField("Work area", coerce=int, widget=GovSelect())
    submit = SubmitField("Accept and track it", widget=GovSubmitInput())


class DismissForm(BaseForm):
    reason = TextAreaField(
        "Why is it not for the network?",
        widget=GovTextArea(),
        filters=[strip_text],
        validators=[
            DataRequired("Give a reason for dismissing it"),
            Length(max=1000, message="Keep the reason to 1,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Dismiss", widget=GovSubmitInput())


class SelectionForm(BaseForm):
    """The inbox's two buttons for the items ticked (their ids are read and checked by the view)."""

    items = SelectMultipleField("Items", validate_choice=False)
    accept = SubmitField("Accept and assign", widget=GovSubmitInput())
    dismiss = SubmitField("Dismiss", widget=GovSubmitInput())


class AcceptAndAssignForm(TriageForm, AssignForm):
    """One item's decision and assignment on one page: the triage and assign steps' fields,
    checked by their services (intake/bulk.py)."""

    version = None  # type: ignore[assignment]  # an item has no version: its state is checked
    work_area = SelectField("Work area", widget=GovSelect(), validators=[Optional()])
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def validate_work_area(self, field: SelectField) -> None:
        if self.decision.data == Decision.RESPOND.value and not field.data:
            raise ValidationError("Choose the work area: its lead city is proposed to lead the response")


class OrganisationRuleForm(BaseForm):
    organisation = StringField(
        "Organisation (as GOV.UK writes it, or its acronym)",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the organisation"), Length(max=200, message="200 characters or fewer")],
    )
    work_area_id = SelectField("Work area", coerce=int, widget=GovSelect())
    submit = SubmitField("Add rule", widget=GovSubmitInput())


class KeywordsForm(BaseForm):
    keywords = TextAreaField(
        "Keywords, one per line",
        widget=GovTextArea(),
        validators=[Length(max=5000, message="Keep the keywords under 5,000 characters")],
    )
    submit = SubmitField("Save keywords", widget=GovSubmitInput())


class FeedForm(BaseForm):
    url = StringField(
        "Address of the feed", widget=GovTextInput(),
        validators=[InputRequired("Enter the feed's address"), Length(max=500, message="500 characters or fewer")],
    )
    issuer_name = StringField(
        "Who issues what it lists", widget=GovTextInput(),
        validators=[InputRequired("Enter the issuer's name"), Length(max=200, message="200 characters or fewer")],
    )
    issuer_type = RadioField("Kind of issuer", widget=GovRadioInput(),
                             choices=IssuerType.choices(),
                             validators=[InputRequired("Choose the kind of issuer")])
    default_work_area_id = SelectField("Default work area", coerce=int, widget=GovSelect())
    submit = SubmitField("Save feed", widget=GovSubmitInput())


class FeedEditForm(FeedForm):
    version = VersionField()


class FeedSwitchForm(BaseForm):
    """Disabling or enabling a feed: one button, on the version the page showed."""

    version = VersionField()
    submit = SubmitField("Disable", widget=GovSubmitInput())
