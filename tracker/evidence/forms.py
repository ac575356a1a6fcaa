"""Forms of the evidence feature. Choices come from the views; the services decide what may be
chosen, so a crafted value gets the service's message on its field."""

from __future__ import annotations

from typing import Any

from flask_wtf.file import MultipleFileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import BooleanField, HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tracker.evidence.replies import MAX_ANSWER
from tracker.evidence.services import MAX_BRIEF
from tracker.forms import BaseForm, RowCheckboxes, UKDateField, VersionField

AUDIENCES = [("all", "All member cities"), ("chosen", "The cities I choose below")]


class AskForm(BaseForm):
    # The consultation's version when the page was drawn: a request made on an older page is refused.
    version = VersionField()
    audience = RadioField("Which cities do you want to ask?", widget=GovRadioInput(), choices=AUDIENCES,
                          validate_choice=False, validators=[InputRequired("Choose which cities to ask")])
    cities = RowCheckboxes("Cities to ask")
    questions = RowCheckboxes("Which questions is the evidence for?")
    brief = TextAreaField("Brief", widget=GovCharacterCount(), validators=[
        InputRequired("Enter a short brief: what evidence you need, and what it is for"),
        Length(max=MAX_BRIEF, message=f"The brief must be {MAX_BRIEF:,} characters or fewer")])
    reply_by = UKDateField("Reply by")
    include_contributors = BooleanField("Tell the cities' contributors too, not only their policy leads",
                                        widget=GovCheckboxInput())
    submit = SubmitField("Ask for evidence", widget=GovSubmitInput())


class ReplyForm(BaseForm):
    # The reply's version when the page was drawn: two officers of a city cannot overwrite each other.
    version = VersionField()
    files = MultipleFileField("Attach files (optional)", widget=GovFileInput(multiple=True))
    remove_files = RowCheckboxes("Remove attachments")
    submit = SubmitField("Send our evidence", widget=GovSubmitInput())

    answer_fields: list[tuple[int | None, str]] = []

    def answers(self) -> dict[int | None, str]:
        return {key: getattr(self, name).data or "" for key, name in self.answer_fields}


def answer_name(question_id: int | None) -> str:
    return f"answer_{question_id}" if question_id is not None else "answer_all"


def reply_form_class(keys: list[int | None]) -> type[ReplyForm]:
    """One text box per question asked about (answer_<question id>) and one for the whole (answer_all)."""
    attrs: dict[str, Any] = {}
    pairs = []
    for key in keys:
        name = answer_name(key)
        attrs[name] = TextAreaField("Evidence", widget=GovTextArea(), validators=[
            Optional(), Length(max=MAX_ANSWER, message=f"Each answer must be {MAX_ANSWER:,} characters or fewer")])
        pairs.append((key, name))
    attrs["answer_fields"] = pairs
    return type("DynamicReplyForm", (ReplyForm,), attrs)


class NothingToAddForm(BaseForm):
    version = VersionField()
    submit = SubmitField("We have nothing to add", widget=GovSubmitInput())


class CloseForm(BaseForm):
    version = VersionField()


class QuoteForm(BaseForm):
    # The draft's version the page showed: the quotation is saved on top of it or refused as stale.
    base_version = VersionField()
    back = HiddenField()
