"""Forms of the drafts feature."""

from __future__ import annotations

import secrets
from typing import Any

from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from tracker.drafts.limits import MAX_COMMENT, MAX_TEXT
from tracker.forms import (
    MAX_VERSION,
    BaseForm,
    MaxLength,
    UKDateField,
    VersionField,
    https_url,
    parse_time,
    row_id,
    time_of_day,
)
from tracker.models.drafts import Question, SubmissionMethod, TakenUp

# A hidden field a page always fills: wrong or missing only in a crafted or truncated form.
RELOAD = "Reload the page and try again."


class EditForm(BaseForm):
    base_version = VersionField()
    # The consultation's version when the editor opened: saves are locked on base_version, this
    # only tells an editor whose save was refused (the draft was approved meanwhile) what changed.
    version = IntegerField(widget=HiddenField.widget,
                           validators=[Optional(), NumberRange(min=0, max=MAX_VERSION, message=RELOAD)])
    body = TextAreaField("Text", widget=GovTextArea(), validators=[Optional()])
    note = StringField("Note about this version (optional)", widget=GovTextInput(), validators=[MaxLength(300)])
    preview = SubmitField("Preview", widget=GovSubmitInput())
    save = SubmitField("Save version", widget=GovSubmitInput())

    question_fields: list[tuple[Question, str]] = []

    def answers(self) -> dict[str, str]:
        return {str(q.id): (getattr(self, name).data or "") for q, name in self.question_fields}

    def validate_body(self, field: TextAreaField) -> None:
        # The whole response, introduction and answers together, has one limit.
        total = len(field.data or "") + sum(len(v) for v in self.answers().values())
        if total > MAX_TEXT:
            raise ValidationError(
                f"The response must be {MAX_TEXT:,} characters or fewer; it has {total:,}. "
                "Your text is still here: shorten it and save again."
            )


def edit_form_class(questions: list[Question]) -> type[EditForm]:
    """One answer field per question, named answer_<question id>."""
    attrs: dict[str, Any] = {}
    pairs = []
    for q in questions:
        name = f"answer_{q.id}"
        attrs[name] = TextAreaField(f"Question {q.shown_number}", widget=GovTextArea(), validators=[Optional()])
        pairs.append((q, name))
    attrs["question_fields"] = pairs
    return type("DynamicEditForm", (EditForm,), attrs)


class UploadForm(BaseForm):
    # The draft's version when the page was drawn: the upload is refused (and shown again) if
    # someone saved since.
    base_version = VersionField()
    file = FileField("Word document", widget=GovFileInput(),
                     validators=[FileRequired("Choose a Word document (.docx) to upload.")])
    submit = SubmitField("Upload and check", widget=GovSubmitInput())


class UploadConfirmForm(BaseForm):
    base_version = VersionField()
    # The document as read (upload.to_payload): shown on the confirmation page, saved on confirm.
    upload = TextAreaField(widget=HiddenInput(), validators=[InputRequired(RELOAD)])
    submit = SubmitField("Save as the next version", widget=GovSubmitInput())


class RestoreForm(BaseForm):
    base_version = VersionField()


def _comment_text(label: str) -> TextAreaField:
    return TextAreaField(
        label, widget=GovCharacterCount(),
        validators=[DataRequired("Enter your comment"),
                    Length(max=MAX_COMMENT, message=f"Comment must be {MAX_COMMENT:,} characters or fewer")],
    )


def post_token() -> str:
    """A new token for a comment form as drawn: the same form sent twice adds one comment."""
    return secrets.token_urlsafe(12)


class CommentForm(BaseForm):
    body = _comment_text("Add a comment")
    # The question the thread is about (none: the whole response).
    question_id = IntegerField(widget=HiddenField.widget, validators=[Optional(), NumberRange(min=1, message=RELOAD)])
    token = HiddenField(validators=[Optional(), Length(max=40, message=RELOAD)])
    submit = SubmitField("Add comment", widget=GovSubmitInput())


class ReplyForm(BaseForm):
    body = _comment_text("Your reply")
    token = HiddenField(validators=[Optional(), Length(max=40, message=RELOAD)])
    submit = SubmitField("Reply", widget=GovSubmitInput())


class ThreadForm(BaseForm):
    """Resolve or reopen a thread: the thread's version the page showed."""

    version = VersionField()


class CommentEditForm(BaseForm):
    body = _comment_text("Your comment")
    version = VersionField()
    submit = SubmitField("Save comment", widget=GovSubmitInput())


class SupportSettingForm(BaseForm):
    """Whether a city's contributors may record its support: the value wanted, and the one the
    page showed (a change made on an older page is refused)."""

    allow = HiddenField(validators=[InputRequired(RELOAD), AnyOf(["yes", "no"], message=RELOAD)])
    shown = HiddenField(validators=[InputRequired(RELOAD), AnyOf(["yes", "no"], message=RELOAD)])


class StepForm(BaseForm):
    """A review step or structure change with no data of its own: only the page's version."""

    version = VersionField()


class ApproveForm(BaseForm):
    version = VersionField()
    # The response version the coordinator was reading: that one is approved, or none.
    number = IntegerField(widget=HiddenField.widget, validators=[
        InputRequired(RELOAD), NumberRange(min=1, max=MAX_VERSION, message=RELOAD)])


class ModeForm(BaseForm):
    version = VersionField()
    mode = HiddenField(validators=[InputRequired("Choose free text or by questions.")])


def question_text() -> Any:
    return TextAreaField("Question text", widget=GovTextArea(), validators=[
        DataRequired("Enter the question's text"), Length(max=5000, message="Question must be 5,000 characters or fewer")])


class QuestionForm(BaseForm):
    version = VersionField()
    text = question_text()
    submit = SubmitField("Add question", widget=GovSubmitInput())


class QuestionEditForm(BaseForm):
    version = VersionField()
    label = StringField(
        "Number", widget=GovTextInput(), validators=[MaxLength(20)],
        description="As the consultation document numbers it, for example 2.1. Leave it empty to number it by "
                    "its place in the list.",
    )
    text = question_text()
    submit = SubmitField("Save question", widget=GovSubmitInput())




class ContributorForm(BaseForm):
    # The choices are the page's; the service decides who may be added (validate_choice off).
    user_id = SelectField("Officer", widget=GovSelect(), coerce=row_id, validate_choice=False,
                          validators=[DataRequired("Choose an officer to add.")])
    submit = SubmitField("Add contributor", widget=GovSubmitInput())


class ReturnForm(BaseForm):
    version = VersionField()
    comment = TextAreaField(
        "What needs to change", widget=GovCharacterCount(),
        validators=[DataRequired("Say what needs to change: the comment goes to the drafting team"),
                    Length(max=MAX_COMMENT, message=f"Comment must be {MAX_COMMENT:,} characters or fewer")],
    )
    submit = SubmitField("Return for changes", widget=GovSubmitInput())


class ReopenForm(BaseForm):
    version = VersionField()
    reason = StringField(
        "Reason for reopening", widget=GovTextInput(),
        validators=[DataRequired("Give a reason for reopening the approved draft"),
                    Length(max=500, message="Reason must be 500 characters or fewer")]
    )
    submit = SubmitField("Reopen for editing", widget=GovSubmitInput())


class SupportForm(BaseForm):
    city_id = SelectField("City", widget=GovSelect(), coerce=row_id, validate_choice=False,
                          validators=[DataRequired("Choose a city.")])
    submit = SubmitField("Record support", widget=GovSubmitInput())


def listed(message: str) -> Any:
    """Validator: the value is one of the select's choices."""

    def check(form: BaseForm, field: SelectField | RadioField) -> None:
        if str(field.data) not in {str(value) for value, _label in field.choices or []}:
            raise ValidationError(message)

    return check


class SubmissionForm(BaseForm):
    version = VersionField()
    method = RadioField(
        "How was it submitted?", widget=GovRadioInput(),
        choices=SubmissionMethod.choices(), validate_choice=False,
        validators=[InputRequired("Choose how the response was submitted."),
                    listed("Choose how the response was submitted.")],
    )
    submitted_on = UKDateField(
        "Date submitted", validators=[InputRequired("Enter the date it was submitted, for example 27 3 2026.")],
    )
    submitted_time = StringField("Time submitted (UK time, 24-hour)", widget=GovTextInput(),
                                 validators=[time_of_day("Enter the time as hours and minutes, for example 14:30.")])
    reference = StringField(
        "Reference (optional)", widget=GovTextInput(), validators=[MaxLength(200)],
        description="A receipt number, the email's subject, or the form's confirmation code.",
    )
    submit = SubmitField("Record submission", widget=GovSubmitInput())

    def time_parts(self) -> tuple[int, int]:
        parsed = parse_time(self.submitted_time.data)
        assert parsed is not None  # validated
        return parsed.hour, parsed.minute


class OutcomeForm(BaseForm):
    version = VersionField()
    url = StringField(
        "Link to the government's response", widget=GovTextInput(),
        validators=[Optional(), https_url, MaxLength(500)],
    )
    published_on = UKDateField(
        "Date published",
        validators=[InputRequired("Enter the date the outcome was published, for example 27 3 2026.")],
    )
    taken_up = RadioField(
        "Were the network's asks taken up?", widget=GovRadioInput(),
        choices=TakenUp.choices(), validate_choice=False,
        validators=[InputRequired("Choose yes, partly or no."), listed("Choose yes, partly or no.")],
    )
    notes = TextAreaField("Notes", widget=GovCharacterCount(),
                          validators=[Length(max=20000, message="Notes must be 20,000 characters or fewer")])
    submit = SubmitField("Record outcome", widget=GovSubmitInput())


class LibrarySearchForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField("Words or phrase", widget=GovTextInput(), validators=[MaxLength(200)])
    # An area or year no longer offered (an old link) gets the service's message, not the library's.
    area = SelectField("Work area", widget=GovSelect(), validate_choice=False,
                       validators=[Optional(), listed("Choose a work area from the list")])
    year = SelectField("Year submitted", widget=GovSelect(), validate_choice=False,
                       validators=[Optional(), listed("Choose a year from the list")])
    search = SubmitField("Search", widget=GovSubmitInput())


class ReuseSearchForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField("Words or phrase", widget=GovTextInput(), validators=[MaxLength(200)])
    into = StringField(validators=[Optional(), MaxLength(20)])


class ReuseInsertForm(BaseForm):
    """Insert passage ``passage`` of the submitted version ``source`` at the end of ``into``, on
    top of the draft's version ``base_version`` the page was drawn on."""

    base_version = VersionField()
    source = IntegerField(widget=HiddenField.widget, validators=[InputRequired(RELOAD), NumberRange(min=1, message=RELOAD)])
    passage = IntegerField(widget=HiddenField.widget, validators=[InputRequired(RELOAD), NumberRange(min=0, message=RELOAD)])
    into = HiddenField(validators=[InputRequired(RELOAD), Length(max=20, message=RELOAD)])
    q = HiddenField(validators=[Optional(), Length(max=200, message=RELOAD)])

