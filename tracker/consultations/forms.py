"""Forms of the consultation pages (GOV.UK widgets)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from govuk_frontend_wtf import wtforms_widgets as gov
from wtforms import Field, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional, Regexp, ValidationError

from tracker.forms import TIME_RE, BaseForm, MaxLength, UKDateField, VersionField, https_url
from tracker.models import Decision, IssuerType
from tracker.models.consultation import MAX_SUMMARY
from tracker.timeutil import uk_instant, utcnow


class ConsultationForm(BaseForm):
    title = StringField(
        "Title",
        widget=gov.GovTextInput(),
        validators=[DataRequired("Enter the consultation's title"), MaxLength(300)],
    )
    issuing_organisation = StringField(
        "Issuing organisation",
        widget=gov.GovTextInput(),
        validators=[DataRequired("Enter the organisation that issued the consultation"), MaxLength(200)],
    )
    issuer_type = RadioField(
        "Who issued it?",
        widget=gov.GovRadioInput(),
        choices=IssuerType.choices(),
        default=IssuerType.GOVERNMENT_DEPARTMENT.value,
        # Not sent (a script's post): a government department when logged, unchanged when edited.
        validators=[Optional()],
    )
    url = StringField("Link to the consultation", widget=gov.GovTextInput(),
                      validators=[Optional(), MaxLength(500), https_url])
    summary = TextAreaField("Summary", widget=gov.GovCharacterCount(), validators=[
        Optional(), MaxLength(MAX_SUMMARY)])
    opened_on = UKDateField("Opening date", validators=[Optional()],
                            message="Enter a real opening date, for example 27 3 2026")
    closes_on = UKDateField("Closing date", validators=[InputRequired("Enter the closing date")],
                            message="Enter a real closing date, for example 27 3 2026")
    closes_time = StringField(
        "Closing time (UK time)",
        widget=gov.GovTextInput(),
        default="23:59",
        validators=[
            InputRequired("Enter the closing time, for example 23:59"),
            Regexp(TIME_RE, message="Enter the closing time as hours and minutes, for example 23:59"),
        ],
    )
    submit = SubmitField("Save", widget=gov.GovSubmitInput())

    # Set by the edit view: a closing time already in the past may be kept unchanged.
    existing_closes_at: datetime | None = None

    def closes_at(self) -> datetime:
        match = TIME_RE.match(self.closes_time.data or "")
        assert match is not None and self.closes_on.data is not None
        return uk_instant(self.closes_on.data, time(int(match.group(1)), int(match.group(2))))

    def validate_closes_on(self, field: UKDateField) -> None:
        # The service checks the same rule; checking here puts the message on the right field.
        if not (field.data and TIME_RE.match(self.closes_time.data or "")):
            return
        closes_at = self.closes_at()
        if closes_at <= utcnow() and not self.keeps_closing_time():
            raise ValidationError("The closing date must be in the future")

    def keeps_closing_time(self) -> bool:
        """Whether the typed date and time are the stored ones (shown to the minute)."""
        old = self.existing_closes_at
        return old is not None and abs((self.closes_at() - old).total_seconds()) < 60

    def validate_opened_on(self, field: UKDateField) -> None:
        if field.data and self.closes_on.data and field.data > self.closes_on.data:
            raise ValidationError("The opening date must be on or before the closing date")


class EditConsultationForm(ConsultationForm):
    version = VersionField()


class TriageForm(BaseForm):
    version = VersionField()
    decision = RadioField(
        "What should the network do?",
        widget=gov.GovRadioInput(),
        choices=Decision.choices(),
        validators=[InputRequired("Choose whether the network will respond")],
    )
    reason = TextAreaField(
        "Reason",
        widget=gov.GovTextArea(),
        description="Needed for monitor only and no response, so members can see why.",
        validators=[Optional(), MaxLength(2000)],
    )
    submit = SubmitField("Save decision", widget=gov.GovSubmitInput())

    def validate_reason(self, field: TextAreaField) -> None:
        if self.decision.data in (Decision.MONITOR.value, Decision.NO_RESPONSE.value) and not (
            field.data or ""
        ).strip():
            raise ValidationError("Give a reason for not responding, so members can see why")


class GovSelectWithAttributes(gov.GovSelect):
    """GovSelect that keeps each choice's render_kw as option attributes (e.g. data-city)."""

    def map_gov_params(self, field: Field, **kwargs: Any) -> dict[str, Any]:
        params = super().map_gov_params(field, **kwargs)
        extra = {str(value): render_kw for value, _label, render_kw in _choice_triples(field)}
        for item in params["items"]:
            attrs = extra.get(str(item["value"]))
            if attrs:
                item["attributes"] = attrs
        return params


def _choice_triples(field: SelectField) -> list[tuple[Any, str, dict[str, Any]]]:
    out = []
    for choice in field.choices or []:
        if len(choice) == 3:
            out.append((choice[0], choice[1], choice[2]))
        else:
            out.append((choice[0], choice[1], {}))
    return out


class AssignForm(BaseForm):
    version = VersionField()
    work_area = SelectField("Work area", widget=gov.GovSelect(),
                            validators=[InputRequired("Choose the work area")])
    city = SelectField(
        "Lead city",
        widget=gov.GovSelect(),
        description="Proposed from the work area; you may choose another member city.",
        validators=[Optional()],
    )
    policy_lead = SelectField(
        "Policy lead",
        widget=GovSelectWithAttributes(),
        description="A policy lead of the lead city.",
        validators=[Optional()],
    )
    internal_deadline = UKDateField(
        "Internal deadline",
        validators=[Optional()],
        message="Enter a real internal deadline, for example 20 3 2026",
    )
    submit = SubmitField("Assign", widget=gov.GovSubmitInput())


class TransitionForm(BaseForm):
    version = VersionField()
    message = TextAreaField("Note for the history (optional)", widget=gov.GovTextArea(),
                            validators=[Optional(), MaxLength(2000)])
    submit = SubmitField("Confirm", widget=gov.GovSubmitInput())

