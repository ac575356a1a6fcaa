"""Forms of signing in, changing a password and signing out everywhere."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from tracker.forms import BaseForm


class LoginForm(BaseForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        # No syntax check here: email_validator rejects reserved names such as the demo
        # accounts' .test domain, and a wrong address simply fails to sign in.
        validators=[InputRequired("Enter your email address"), Length(max=254, message="Enter a real email address")],
    )
    password = PasswordField(
        "Password", widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password"), Length(max=1000, message="Enter your password")],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(
        "Current password", widget=GovPasswordInput(), validators=[InputRequired("Enter your current password")]
    )
    # Length and guessability are checked by the service (auth/passwords.py), the one rule for
    # every place a password is chosen.
    new_password = PasswordField(
        "New password", widget=GovPasswordInput(), validators=[InputRequired("Enter a new password")]
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


class SignOutEverywhereForm(BaseForm):
    submit = SubmitField("Sign out everywhere", widget=GovSubmitInput())


class CodeForm(BaseForm):
    """A code from the authenticator app, or a recovery code."""

    code = StringField(
        "Code", widget=GovTextInput(),
        validators=[InputRequired("Enter the code from your authenticator app, or a recovery code"),
                    Length(max=40, message="Enter the 6-digit code, or a recovery code")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ConfirmCodeForm(CodeForm):
    """Setting up an authenticator, making new recovery codes or turning the second factor off."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


class ButtonForm(BaseForm):
    """A button that changes something (CSRF only)."""

    submit = SubmitField("Continue", widget=GovSubmitInput())
