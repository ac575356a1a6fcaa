"""GOV.UK Notify as the mail backend, against a local server answering like Notify's
/v2/notifications/email: the template of each kind, the personalisation, the reference and the
JWT it is sent; 400 and 403 fail for good with their reason, 429 and 500 are retried with backoff,
and no answer after the request went is "may not have been delivered"."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from tests import factories
from tests.notify.server import API_KEY, NotifyServer, running
from tracker import create_app
from tracker.extensions import db
from tracker.messaging.delivery import deliver, deliver_digest
from tracker.messaging.notify import notify
from tracker.models import Role, Status
from tracker.models.messages import Delivery, DigestRun, Message, State
from tracker.timeutil import uk_today

TEMPLATES = {"message": "5a2e9b8c-0000-4000-8000-000000000001", "digest": "5a2e9b8c-0000-4000-8000-000000000002",
             "briefing": "5a2e9b8c-0000-4000-8000-000000000003", "invitation": "5a2e9b8c-0000-4000-8000-000000000004",
             "returned": "5a2e9b8c-0000-4000-8000-000000000005"}


@pytest.fixture
def notify_server(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[NotifyServer]:
    with running() as server:
        monkeypatch.setitem(app.config, "MAIL_BACKEND", "notify")
        monkeypatch.setitem(app.config, "NOTIFY_API_KEY", API_KEY)
        monkeypatch.setitem(app.config, "NOTIFY_BASE_URL", server.url)
        monkeypatch.setitem(app.config, "NOTIFY_TIMEOUT", 1.5)
        monkeypatch.setitem(app.config, "NOTIFY_TEMPLATE_IDS", ",".join(f"{k}={v}" for k, v in TEMPLATES.items()))
        yield server


def _message(kind: str = "assigned", key: str | None = "assigned:1:2") -> Message:
    user = factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Lena Lead", email="lena@hull.gov.uk")
    consultation = factories.make_consultation(Status.ASSIGNED, lead=user, title="Buses in towns")
    notify([user], kind=kind, subject="Buses in towns was assigned to you", body="Please start a draft.",
           consultation=consultation, key=key)
    db.session.commit()
    row = db.session.scalar(select(Message).where(Message.recipient_id == user.id))
    assert row is not None
    return row


def _row(message_id: int) -> Message:
    db.session.expire_all()
    row = db.session.get(Message, message_id)
    assert row is not None
    return row


def test_a_message_goes_with_its_template_personalisation_reference_and_a_valid_jwt(notify_server) -> None:
    message = _message()
    assert deliver(message.id).status == "sent"
    assert notify_server.refused_tokens == []
    [sent] = notify_server.received
    assert sent["email_address"] == "lena@hull.gov.uk"
    assert sent["template_id"] == TEMPLATES["message"]
    assert sent["reference"] == "assigned:1:2"
    fields = sent["personalisation"]
    assert fields["subject"] == "Buses in towns was assigned to you"
    assert "Please start a draft." in fields["body"] and "Buses in towns" in fields["body"]  # the SMTP email's text
    assert fields["name"] == "Lena Lead" and fields["consultation"] == "Buses in towns"
    assert fields["link"].startswith("http://tracker.test/consultations/")
    assert all(isinstance(v, str) for v in fields.values())
    assert _row(message.id).state == State.SENT.value


def test_a_kind_with_a_template_of_its_own_uses_it_and_a_reminder_without_a_key_its_id(notify_server) -> None:
    message = _message(kind="returned", key=None)
    deliver(message.id)
    [sent] = notify_server.received
    assert sent["template_id"] == TEMPLATES["returned"]
    assert sent["reference"] == f"message-{message.id}"


@pytest.mark.parametrize("status, reason", [
    (400, "GOV.UK Notify refused the email (400): Can't send to this recipient using a team-only API key"),
    (403, "GOV.UK Notify refused the API key (403): Invalid token: API key not found"),
])
def test_400_and_403_fail_for_good_with_their_reason(notify_server, status: int, reason: str) -> None:
    message = _message()
    notify_server.answers = [status]
    outcome = deliver(message.id)
    assert outcome.status == "failed"
    row = _row(message.id)
    assert row.state == State.FAILED.value
    assert row.last_error == f"Permanent failure: {reason}"
    assert len(notify_server.received) == 1  # never tried again


@pytest.mark.parametrize("status, said", [(429, "limiting the rate of sending (429)"), (500, "had a fault (500)")])
def test_429_and_500_are_retried_with_backoff(notify_server, status: int, said: str) -> None:
    message = _message()
    notify_server.answers = [status]
    outcome = deliver(message.id)
    assert outcome.status == "retry" and outcome.delay is not None and outcome.delay >= 30
    row = _row(message.id)
    assert row.state == State.PENDING.value and row.next_attempt_at is not None
    assert said in row.last_error and row.last_error.startswith("Attempt 1 failed, retrying")
    assert deliver(message.id).status == "sent"
    assert _row(message.id).state == State.SENT.value
    assert len(notify_server.received) == 2


def test_no_answer_after_the_request_went_may_not_have_been_delivered(notify_server) -> None:
    message = _message()
    notify_server.answers = ["stall"]
    outcome = deliver(message.id)
    assert outcome.status == "uncertain"
    row = _row(message.id)
    assert row.state == State.UNCERTAIN.value
    assert row.last_error == ("May not have been delivered: the request to GOV.UK Notify was sent and no answer "
                              "came within 1.5s, so it may or may not have the email")


def test_notify_out_of_reach_is_retried(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "notify")
    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", API_KEY)
    monkeypatch.setitem(app.config, "NOTIFY_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setitem(app.config, "NOTIFY_TEMPLATE_IDS", f"message={TEMPLATES['message']}")
    message = _message()
    assert deliver(message.id).status == "retry"
    assert "Cannot reach GOV.UK Notify" in _row(message.id).last_error


def test_a_kind_without_a_template_fails_for_good_saying_which(notify_server, app: Flask, monkeypatch) -> None:
    monkeypatch.setitem(app.config, "NOTIFY_TEMPLATE_IDS", f"digest={TEMPLATES['digest']}")
    message = _message()
    assert deliver(message.id).status == "failed"
    assert "No GOV.UK Notify template for 'assigned' emails" in _row(message.id).last_error
    assert notify_server.received == []


def test_a_digest_goes_with_the_digest_template(notify_server) -> None:
    user = factories.make_user(Role.CONTRIBUTOR, email="dee@newport.gov.uk")
    consultation = factories.make_consultation(Status.DRAFTING)
    db.session.add(Message(recipient=user, consultation=consultation, kind="assigned", subject="One",
                           delivery=Delivery.DIGEST.value, state=State.PENDING.value))
    run = DigestRun(user_id=user.id, day=uk_today())
    db.session.add(run)
    db.session.commit()
    assert deliver_digest(run.id).status == "sent"
    [sent] = notify_server.received
    assert sent["template_id"] == TEMPLATES["digest"]
    assert sent["reference"] == f"digest-{run.id}"
    assert sent["personalisation"]["count"] == "1"


def test_an_invitation_goes_with_its_template_and_its_link(notify_server, admin) -> None:
    from tracker.invitations import services

    invitation = services.invite(admin, email="new@hull.gov.uk", name="New Person", role="contributor",
                                 city=factories.city("Hull"))
    db.session.commit()
    message = db.session.scalar(select(Message).where(Message.recipient_id == invitation.user_id))
    assert message is not None
    assert deliver(message.id).status == "sent"
    [sent] = notify_server.received
    assert sent["template_id"] == TEMPLATES["invitation"]
    assert sent["reference"] == f"invitation:{invitation.id}:1"
    assert "http://tracker.test/invitations/accept/" in sent["personalisation"]["body"]


def test_production_refuses_to_start_without_the_key_or_the_templates(monkeypatch, tmp_path,
                                                                       restore_celery_default) -> None:
    from tests.factories import PRODUCTION_SECRET_KEY

    for name, value in {"SECRET_KEY": PRODUCTION_SECRET_KEY, "DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite",
                        "BASE_URL": "https://tracker.example.gov.uk", "REDIS_URL": "redis://127.0.0.1:6379/0"}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(RuntimeError, match="NOTIFY_API_KEY"):
        create_app("production", overrides={"MAIL_BACKEND": "notify", "INSTANCE_DIR": str(tmp_path)})
    with pytest.raises(RuntimeError, match="no template for digest, briefing, invitation"):
        create_app("production", overrides={"MAIL_BACKEND": "notify", "NOTIFY_API_KEY": API_KEY,
                                            "NOTIFY_TEMPLATE_IDS": "message=x", "INSTANCE_DIR": str(tmp_path)})
