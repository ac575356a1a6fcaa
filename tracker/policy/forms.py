"""Forms of the policy feature. Choices come from the views (queries.py); the services decide
what may be chosen, so a crafted value gets the service's message on its field."""

from __future__ import annotations

from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from tracker.forms import BaseForm, MaxLength, RowCheckboxes, UKDateField, VersionField, ids_in, row_id
from tracker.models.policy import ENGAGEMENT_KIND_LABELS, AskStatus
from tracker.policy import engagements, services
from tracker.routing import parse_id
from tracker.timeutil import uk_today


def optional_row_id(value: Any) -> int | None:
    return row_id(value) or None






class AskForm(BaseForm):
    work_area_id = SelectField("Work area", widget=GovSelect(), coerce=row_id, validate_choice=False)
    lead_city_id = SelectField("Lead city", widget=GovSelect(), coerce=row_id, validate_choice=False)
    title = StringField("Title", widget=GovTextInput(), validators=[
        InputRequired("Enter the ask's title"), MaxLength(services.MAX_ASK_TITLE)])
    text = TextAreaField("What the network asks of government", widget=GovCharacterCount(), validators=[
        InputRequired("Enter what the network asks of government"),
        Length(max=services.MAX_ASK_TEXT, message=f"The ask must be {services.MAX_ASK_TEXT:,} characters or fewer")])
    submit = SubmitField("Save ask", widget=GovSubmitInput())


class AskEditForm(AskForm):
    version = VersionField()
    status = RadioField("Status", widget=GovRadioInput(), validate_choice=False,
                        choices=AskStatus.choices(),
                        validators=[InputRequired("Choose whether the ask is active, achieved or retired")])


class ResponseAsksForm(BaseForm):
    asks = RowCheckboxes("The network's asks this response makes")
    seen_asks = HiddenField()
    submit = SubmitField("Save the asks", widget=GovSubmitInput())

    def seen_ids(self) -> list[int]:
        return [i for i in (parse_id(v) for v in (self.seen_asks.data or "").split(",")) if i]


class TakeUpForm(BaseForm):
    """Per ask, radios named take_up_<ask id>: read by ``values`` (the asks are the page's)."""

    seen_take_up = HiddenField()
    submit = SubmitField("Save what government did", widget=GovSubmitInput())


def take_up_values(formdata: Any, prefix: str = "take_up_") -> dict[int, str]:
    """The take_up_<ask id> radios of a request's form; '' for an ask left unrecorded."""
    values: dict[int, str] = {}
    for key in formdata:
        if key.startswith(prefix):
            ask_id = parse_id(key.removeprefix(prefix))
            if ask_id:
                values[ask_id] = formdata.get(key, "")
    return values


def seen_take_up(value: str | None) -> dict[int, str]:
    seen: dict[int, str] = {}
    for part in (value or "").split(","):
        ident, _, taken = part.partition(":")
        if (ask_id := parse_id(ident)) is not None:
            seen[ask_id] = taken
    return seen


class PartnersForm(BaseForm):
    """Per partner network, radios named role_<partner id>."""

    seen_partners = HiddenField()
    submit = SubmitField("Save partners", widget=GovSubmitInput())


class EngagementForm(BaseForm):
    occurred_on = UKDateField("Date", validators=[InputRequired("Enter the date of the engagement")])
    kind = RadioField("Kind of engagement", widget=GovRadioInput(), validate_choice=False,
                      choices=list(ENGAGEMENT_KIND_LABELS.items()),
                      validators=[InputRequired("Choose the kind of engagement")])
    title = StringField("What it was", widget=GovTextInput(), validators=[
        InputRequired("Enter what the engagement was"), MaxLength(engagements.MAX_TITLE)])
    attendees = TextAreaField("Who (people and organisations)", widget=GovTextArea(), validators=[
        InputRequired("Enter who the network met or briefed"),
        Length(max=engagements.MAX_ATTENDEES, message=f"Who must be {engagements.MAX_ATTENDEES:,} characters or fewer")])
    work_area_id = SelectField("Work area", widget=GovSelect(), coerce=optional_row_id, validate_choice=False)
    asks = RowCheckboxes("Asks raised")
    consultations = RowCheckboxes("Linked consultations (optional)")
    # Consultations are found by their title: the search button sends the form back with what was
    # typed kept and the matches offered as more boxes to tick (no script needed).
    find = StringField("Find a consultation by its title", widget=GovTextInput(),
                       validators=[Optional(), MaxLength(200)])
    search = SubmitField("Search", widget=GovSubmitInput())
    partners = RowCheckboxes("Partner networks there with us")
    notes = TextAreaField("Notes (optional)", widget=GovCharacterCount(), validators=[
        Length(max=engagements.MAX_NOTES, message=f"Notes must be {engagements.MAX_NOTES:,} characters or fewer")])
    submit = SubmitField("Save engagement", widget=GovSubmitInput())

    def searching(self) -> bool:
        """The search button was pressed: find consultations, save nothing yet."""
        return bool(self.search.data)

    def to_input(self) -> engagements.EngagementInput:
        return engagements.EngagementInput(
            occurred_on=self.occurred_on.data, kind=self.kind.data or "", title=self.title.data or "",
            attendees=self.attendees.data or "", work_area_id=self.work_area_id.data, notes=self.notes.data or "",
            ask_ids=ids_in(self.asks), consultation_ids=ids_in(self.consultations), partner_ids=ids_in(self.partners),
        )


class EngagementEditForm(EngagementForm):
    version = VersionField()


class FollowUpForm(BaseForm):
    description = StringField("Action", widget=GovTextInput(), validators=[
        InputRequired("Enter the action to follow up"), MaxLength(engagements.MAX_FOLLOW_UP)])
    owner_id = SelectField("Owner", widget=GovSelect(), coerce=row_id, validate_choice=False)
    due_on = UKDateField("Due", validators=[InputRequired("Enter the date the action is due")])
    submit = SubmitField("Add follow-up", widget=GovSubmitInput())
    # The day it was due when the page was drawn: an edit may keep a day already past.
    kept_due_on: date | None = None

    def validate_due_on(self, field: UKDateField) -> None:
        if field.data is not None and field.data < uk_today() and field.data != self.kept_due_on:
            raise ValidationError("The due date must be today or in the future")


class FollowUpEditForm(FollowUpForm):
    version = VersionField()
    submit = SubmitField("Save follow-up", widget=GovSubmitInput())


class FollowUpDeleteForm(BaseForm):
    version = VersionField()
    submit = SubmitField("Delete the follow-up", widget=GovSubmitInput())


class PartnerForm(BaseForm):
    name = StringField("Name", widget=GovTextInput(), validators=[
        InputRequired("Enter the partner network's name"), MaxLength(services.MAX_PARTNER_NAME)])
    description = TextAreaField("Description (optional)", widget=GovTextArea(), validators=[
        Length(max=services.MAX_PARTNER_DESCRIPTION,
               message=f"Description must be {services.MAX_PARTNER_DESCRIPTION:,} characters or fewer")])
    submit = SubmitField("Add partner network", widget=GovSubmitInput())


class PartnerEditForm(PartnerForm):
    version = VersionField()
    offered = RadioField("Offered on responses and engagements", widget=GovRadioInput(), validate_choice=False,
                         choices=[("yes", "Yes"), ("no", "No: kept only on the records that already name it")],
                         validators=[InputRequired("Choose whether the network is offered")])
    submit = SubmitField("Save partner network", widget=GovSubmitInput())


class PartnerRemoveForm(BaseForm):
    version = VersionField()
    submit = SubmitField("Remove the partner network", widget=GovSubmitInput())


class IntroductionForm(BaseForm):
    version = VersionField()
    introduction = TextAreaField("Introduction", widget=GovCharacterCount(), validators=[
        Length(max=services.MAX_INTRODUCTION,
               message=f"The introduction must be {services.MAX_INTRODUCTION:,} characters or fewer")])
    submit = SubmitField("Save introduction", widget=GovSubmitInput())


class EngagementFilterForm(BaseForm):
    class Meta:
        csrf = False

    kind = SelectField("Kind", widget=GovSelect(), validate_choice=False, validators=[Optional()])
    area = SelectField("Work area", widget=GovSelect(), validate_choice=False, validators=[Optional()])
    year = SelectField("Year", widget=GovSelect(), validate_choice=False, validators=[Optional()])
    # Set from an ask's page (its engagements beyond the latest few), kept while other filters change.
    ask = HiddenField(validators=[Optional()])
    apply = SubmitField("Filter", widget=GovSubmitInput())

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        for field, message in ((self.kind, "Choose a kind from the list"), (self.area, "Choose a work area from the list"),
                               (self.year, "Choose a year from the list")):
            if field.data and str(field.data) not in {str(v) for v, _ in field.choices or []}:
                field.errors = [*field.errors, message]
                ok = False
        return ok
