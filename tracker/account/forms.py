"""The account page's buttons: each a form of its own, so each POST carries its CSRF token."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from tracker.forms import BaseForm


class SetUpFeedsForm(BaseForm):
    submit = SubmitField("Get calendar addresses", widget=GovSubmitInput())


class ResetFeedsForm(BaseForm):
    submit = SubmitField("Reset calendar addresses", widget=GovSubmitInput())
