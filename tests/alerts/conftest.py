"""Alerts' fixtures: the intake's local GOV.UK server, to import matching items for real."""

from tests.intake.conftest import govuk, govuk_server, run_import  # noqa: F401
