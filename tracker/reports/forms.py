"""The reports page's choice of period (a GET form: it changes nothing, so no CSRF token)."""

from __future__ import annotations

from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import SelectField
from wtforms.validators import Optional, ValidationError

from tracker.forms import BaseForm, UKDateField
from tracker.reports import periods


class PeriodField(SelectField):
    """The period menu: the last 12 months or a recent quarter. Any quarter typed into the
    address (``?period=2019-Q4``) is accepted and added to the menu; ``custom`` (a range of
    one's own) comes from the page's second form, with its dates."""

    def pre_validate(self, form: Any) -> None:
        if self.data != periods.CUSTOM and self.data not in {value for value, _ in self.choices}:
            raise ValidationError("Choose a period from the list")


class ReportPeriodForm(BaseForm):
    class Meta:
        csrf = False  # a GET form: it only chooses what to show

    period = PeriodField("Period", widget=GovSelect(), validators=[Optional()],
                         default=periods.LAST_12_MONTHS)
    start = UKDateField("Start date", validators=[Optional()])
    end = UKDateField("End date", validators=[Optional()])

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(periods.LAST_12_MONTHS, "The last 12 months")]
        choices += [(q.key, q.label) for q in periods.recent_quarters(today)]
        asked = periods.Quarter.parse(self.period.data or "")
        if asked is not None and asked.key not in dict(choices):
            choices.append((asked.key, asked.label))
        self.period.choices = choices
        if not self.period.data:
            self.period.data = periods.LAST_12_MONTHS

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if self.period.data == periods.CUSTOM:
            for field, name in ((self.start, "start"), (self.end, "end")):
                if field.data is None and not field.errors:
                    field.errors = [*field.errors, f"Enter the {name} date"]
                    ok = False
            if ok and self.start.data and self.end.data:
                problem = periods.range_problem(self.start.data, self.end.data)
                if problem is not None:
                    field_name, message = problem
                    target = getattr(self, field_name)
                    target.errors = [*target.errors, message]
                    ok = False
        return ok

    def chosen(self, today: date | None = None) -> periods.Period:
        """The period asked for; the last 12 months when the form did not validate."""
        value = self.period.data
        if value == periods.CUSTOM and self.start.data and self.end.data and not self.errors:
            return periods.custom_period(self.start.data, self.end.data)
        quarter = periods.Quarter.parse(value or "")
        if quarter is not None and not self.errors:
            return periods.quarter_period(quarter)
        return periods.last_12_months(today)

    def as_args(self) -> dict[str, Any]:
        """The query string that asks for the same period (for the downloads' links)."""
        if self.period.data == periods.CUSTOM and self.start.data and self.end.data:
            return {"period": periods.CUSTOM,
                    "start": [str(self.start.data.day), str(self.start.data.month), str(self.start.data.year)],
                    "end": [str(self.end.data.day), str(self.end.data.month), str(self.end.data.year)]}
        return {"period": self.period.data or periods.LAST_12_MONTHS}
