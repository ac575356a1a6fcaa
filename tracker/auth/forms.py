from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import InputRequired, Length

from tracker.forms import BaseForm


class LoginForm(BaseForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        # No syntax check here: email_validator rejects reserved names such as the demo
        # accounts' .test domain, and a wrong address simply fails to sign in.
        validators=[InputRequired("Enter your email address")],
    )
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[InputRequired("Enter your password")]
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        "Current password", widget=GovPasswordInput(), validators=[InputRequired("Enter your current password")]
    )
    new_password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Enter a new password"),
            Length(min=12, message="Use at least 12 characters"),
        ],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())
