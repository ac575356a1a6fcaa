"""Fixtures of the workflow notification tests: the drafts' fixtures (a draft to act on, an added
contributor) and the reminders' real SMTP server and in-process task runner."""

from tests.drafts.conftest import added_contributor, make_draft  # noqa: F401 - fixtures
from tests.reminders.conftest import _our_celery_app, eager, smtp, smtp_server  # noqa: F401 - fixtures
