"""GOV.UK widgets drawn by calling their macro directly (tracker/widgets.py) give the library's
own HTML, field by field, errors and typed values included, and a kept drawing never stands in
for a field whose parameters differ."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from govuk_frontend_wtf.gov_form_base import GovFormBase
from wtforms import Field

from tracker import drawings, widgets
from tracker.admin.forms import UserCreateForm
from tracker.consultations.forms import AssignForm, ConsultationForm, TriageForm
from tracker.drafts.forms import (
    CommentForm,
    ContributorForm,
    EditForm,
    OutcomeForm,
    QuestionForm,
    ReturnForm,
    SubmissionForm,
    SupportForm,
)


def _fields(form: Any) -> list[Field]:
    return [f for f in form if f.type not in ("CSRFTokenField",) and hasattr(f.widget, "map_gov_params")]


@contextmanager
def _library_drawing() -> Iterator[None]:
    GovFormBase.render = widgets._library_render  # type: ignore[method-assign]
    try:
        yield
    finally:
        widgets.install()


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


FORMS = [CommentForm, ContributorForm, ReturnForm, SupportForm, SubmissionForm, OutcomeForm, ConsultationForm,
         TriageForm, AssignForm, UserCreateForm, EditForm, QuestionForm]


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: c.__name__)
def test_every_field_is_drawn_as_the_library_draws_it(app: Flask, form_class: type) -> None:
    with app.test_request_context("/", method="POST", data={"title": "Bus <b>services</b>", "body": "x" * 10}):
        form = form_class()
        for field in _fields(form):
            if hasattr(field, "choices") and not field.choices:
                field.choices = [("", "Choose"), ("1", "Hull"), ("2", "Salford")]
        form.validate()
        fields = _fields(form)
        assert fields, f"{form_class.__name__} has no GOV.UK widget"
        for field in fields:
            ours = str(field(params={"hint": {"text": "A hint"}}))
            with _library_drawing():
                theirs = str(field(params={"hint": {"text": "A hint"}}))
            assert "A hint" in ours or field.type == "SubmitField"
            assert _same(ours, theirs), (field.name, ours, theirs)
            assert str(field(params={"hint": {"text": "A hint"}})) == ours  # drawn again from what was kept


def test_a_kept_drawing_is_never_another_fields(app: Flask) -> None:
    with app.test_request_context("/"):
        plain = CommentForm(formdata=None)
        first = str(plain.body())
    with app.test_request_context("/", method="POST", data={"body": ""}):
        refused = CommentForm()
        refused.validate()
        with_error = str(refused.body())
    with app.test_request_context("/", method="POST", data={"body": "Our <view>"}):
        typed = CommentForm()
        kept = str(typed.body())
    assert "govuk-error-message" not in first
    assert "govuk-error-message" in with_error and refused.body.errors[0] in with_error
    assert "Our &lt;view&gt;" in kept and "Our &lt;view&gt;" not in first


def test_a_long_typed_text_is_drawn_but_not_kept(app: Flask) -> None:
    body = "word " * 2_000
    with app.test_request_context("/", method="POST", data={"body": body}):
        form = CommentForm()
        html = str(form.body())
    assert body.strip() in html
    assert not any(body.strip() in repr(key) for key in drawings._drawn)
