"""Forms of saved searches and follows."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import HiddenField, RadioField, StringField, SubmitField
from wtforms.validators import InputRequired

from tracker.alerts.services import MAX_NAME
from tracker.forms import BaseForm, MaxLength, VersionField
from tracker.models.alerts import ALERT_DELIVERY_LABELS, AlertDelivery

DELIVERY_HINTS = {
    "at_once": "In the tracker and by email as soon as it is found, as your notification settings say",
    "digest": "In the tracker at once, and by email in your daily digest",
    "none": "Keep the search only to open the list with these filters",
}


class _SearchForm(BaseForm):
    """A saved search's name and when its owner is told of new matches: saving one, changing one."""

    name = StringField("Name", widget=GovTextInput(),
                       validators=[InputRequired("Enter a name for the search"), MaxLength(MAX_NAME)])
    delivery = RadioField(
        "Tell me of new matching consultations", default=AlertDelivery.AT_ONCE.value, widget=GovRadioInput(),
        choices=[(value, label) for value, label in ALERT_DELIVERY_LABELS.items()],
        validators=[InputRequired("Choose when to be told of new matches")],
    )


class SaveSearchForm(_SearchForm):
    # The list's filters as its query string, read again by the list's parser when saved.
    query = HiddenField()
    submit = SubmitField("Save search", widget=GovSubmitInput())


class EditSearchForm(_SearchForm):
    version = VersionField()
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class DeleteSearchForm(BaseForm):
    version = VersionField()
    submit = SubmitField("Delete search", widget=GovSubmitInput())


class FollowForm(BaseForm):
    target = HiddenField(validators=[InputRequired("Nothing to follow was named")])
    ident = HiddenField(validators=[InputRequired("Nothing to follow was named")])
    # The consultation whose page the button was on (a committee's), to go back to.
    back = HiddenField()
    submit = SubmitField("Follow", widget=GovSubmitInput())
