"""The state machine: every transition, every refused one, and who may make it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests import factories
from tracker.consultations import services, workflow
from tracker.errors import DomainError, InvalidTransition, PermissionDenied
from tracker.extensions import db
from tracker.models import ActivityLog, Decision, Status

EXPECTED_TARGET = {
    "start_drafting": Status.DRAFTING,
    "send_for_review": Status.IN_REVIEW,
    "return_to_drafting": Status.DRAFTING,
    "approve": Status.APPROVED,
    "reopen": Status.DRAFTING,
    "submit": Status.SUBMITTED,
    "publish_outcome": Status.OUTCOME_PUBLISHED,
    "mark_missed": Status.MISSED,
    "withdraw": Status.WITHDRAWN,
}

# Every (transition, status) pair: allowed exactly where the design says.
ALLOWED_FROM = {
    "triage": {Status.NEW, Status.TRIAGED, Status.MONITORING, Status.DECLINED},
    "assign": {Status.TRIAGED, Status.ASSIGNED, Status.DRAFTING, Status.IN_REVIEW},
    "start_drafting": {Status.ASSIGNED},
    "send_for_review": {Status.DRAFTING},
    "return_to_drafting": {Status.IN_REVIEW},
    "approve": {Status.IN_REVIEW},
    "reopen": {Status.APPROVED},
    "submit": {Status.APPROVED},
    "publish_outcome": {Status.SUBMITTED, Status.MONITORING},
    "mark_missed": {Status.NEW, Status.TRIAGED, Status.ASSIGNED, Status.DRAFTING, Status.IN_REVIEW, Status.APPROVED},
    "withdraw": {Status.NEW, Status.TRIAGED, Status.ASSIGNED, Status.DRAFTING, Status.IN_REVIEW,
                 Status.APPROVED, Status.MONITORING, Status.DECLINED},
}


def test_table_matches_design():
    assert {name: set(t.sources) for name, t in workflow.TRANSITIONS.items()} == ALLOWED_FROM


@pytest.mark.parametrize("name", sorted(EXPECTED_TARGET))
@pytest.mark.parametrize("status", list(Status))
def test_simple_transition_from_every_status(name, status, coordinator):
    consultation = factories.make_consultation(status, city_name="Hull")
    db.session.commit()
    if status in ALLOWED_FROM[name]:
        new = services.simple_transition(coordinator, consultation, name)
        db.session.commit()
        assert new == EXPECTED_TARGET[name]
        db.session.expire_all()
        assert db.session.get(type(consultation), consultation.id).status == EXPECTED_TARGET[name]
        log = db.session.scalars(select(ActivityLog).where(ActivityLog.consultation_id == consultation.id)).one()
        assert log.action == name
        assert log.before["status"] == status.value
        assert log.after["status"] == EXPECTED_TARGET[name].value
        assert log.actor_id == coordinator.id
    else:
        with pytest.raises(InvalidTransition) as excinfo:
            services.simple_transition(coordinator, consultation, name)
        assert "not possible while the consultation is" in excinfo.value.message
        db.session.rollback()
        assert db.session.get(type(consultation), consultation.id).status == status.value
        assert db.session.scalar(select(ActivityLog.id)) is None


@pytest.mark.parametrize(
    ("decision", "target"),
    [(Decision.RESPOND, Status.TRIAGED), (Decision.MONITOR, Status.MONITORING), (Decision.NO_RESPONSE, Status.DECLINED)],
)
def test_triage_decisions(decision, target, coordinator):
    consultation = factories.make_consultation(Status.NEW)
    services.triage(coordinator, consultation, decision, "Affects every member")
    db.session.commit()
    assert consultation.status == target
    assert consultation.decision == decision.value
    assert consultation.decision_reason == "Affects every member"


def test_not_responding_needs_a_reason(coordinator):
    consultation = factories.make_consultation(Status.NEW)
    with pytest.raises(DomainError, match="reason"):
        services.triage(coordinator, consultation, Decision.NO_RESPONSE, "  ")


@pytest.mark.parametrize("role", ["lead", "other_lead", "contributor"])
def test_only_coordinators_triage_and_assign(role, users):
    consultation = factories.make_consultation(Status.NEW)
    with pytest.raises(PermissionDenied):
        services.triage(users[role], consultation, Decision.RESPOND, "")
    consultation.status = Status.TRIAGED.value
    with pytest.raises(PermissionDenied):
        services.assign(users[role], consultation, work_area=factories.work_area("Transport"), city=None,
                        policy_lead=None, internal_deadline=None)


def test_assign_proposes_lead_city_and_default_deadline(coordinator, lead):
    consultation = factories.make_consultation(
        Status.TRIAGED, closes_at=factories.uk_instant(factories.date(2026, 12, 31), factories.time(23, 59))
    )
    services.assign(coordinator, consultation, work_area=factories.work_area("Transport"), city=None,
                    policy_lead=lead, internal_deadline=None)
    db.session.commit()
    assert consultation.status == Status.ASSIGNED
    assert consultation.lead_city.name == "Hull"
    # 31 Dec back 5 working days: 30, 29, 24, 23, 22 (25 Dec, 26 Dec -> 28 Dec observed, weekend skipped).
    assert consultation.internal_deadline == factories.date(2026, 12, 22)


def test_assign_refuses_a_lead_of_another_city(coordinator, other_lead):
    consultation = factories.make_consultation(Status.TRIAGED)
    with pytest.raises(DomainError, match="not a policy lead of Hull"):
        services.assign(coordinator, consultation, work_area=factories.work_area("Transport"), city=None,
                        policy_lead=other_lead, internal_deadline=None)


def test_assign_refuses_a_deadline_after_closing(coordinator):
    consultation = factories.make_consultation(Status.TRIAGED, closes_in_days=10)
    with pytest.raises(DomainError, match="on or before"):
        services.assign(coordinator, consultation, work_area=factories.work_area("Transport"), city=None,
                        policy_lead=None,
                        internal_deadline=factories.uk_today() + factories.timedelta(days=20))


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("lead", True), ("other_lead", False), ("contributor", False), ("coordinator", True), ("admin", True)],
)
def test_only_the_lead_city_drafts_and_sends_for_review(role, allowed, users):
    consultation = factories.make_consultation(Status.ASSIGNED, city_name="Hull")
    db.session.commit()
    if allowed:
        services.simple_transition(users[role], consultation, "start_drafting")
        services.simple_transition(users[role], consultation, "send_for_review")
        assert consultation.status == Status.IN_REVIEW
    else:
        with pytest.raises(PermissionDenied):
            services.simple_transition(users[role], consultation, "start_drafting")
        db.session.rollback()
        assert consultation.status == Status.ASSIGNED


@pytest.mark.parametrize("name", ["approve", "return_to_drafting"])
def test_leads_cannot_approve_their_own_work(name, lead):
    consultation = factories.make_consultation(Status.IN_REVIEW, city_name="Hull", lead=lead)
    with pytest.raises(PermissionDenied, match="coordinators"):
        services.simple_transition(lead, consultation, name)


def test_system_may_mark_missed_but_not_approve():
    consultation = factories.make_consultation(Status.IN_REVIEW)
    with pytest.raises(PermissionDenied):
        services.simple_transition(None, consultation, "approve")
    assert services.simple_transition(None, consultation, "mark_missed") == Status.MISSED


def test_unknown_transition_is_a_clear_error(coordinator):
    consultation = factories.make_consultation(Status.NEW)
    with pytest.raises(InvalidTransition, match="no action called"):
        services.simple_transition(coordinator, consultation, "explode")


def test_mark_missed_only_touches_closed_open_work():
    past = factories.make_consultation(Status.DRAFTING, closes_in_days=-1)
    future = factories.make_consultation(Status.DRAFTING, closes_in_days=3)
    done = factories.make_consultation(Status.SUBMITTED, closes_in_days=-1)
    ids = services.mark_missed_consultations()
    db.session.commit()
    assert ids == [past.id]
    assert (past.status, future.status, done.status) == (Status.MISSED, Status.DRAFTING, Status.SUBMITTED)


def test_closing_brought_forward_moves_an_internal_deadline_that_would_be_after_it(coordinator):
    consultation = factories.make_consultation(Status.ASSIGNED, closes_in_days=40)
    consultation.internal_deadline = factories.uk_today() + factories.timedelta(days=30)
    data = services.ConsultationData(
        title=consultation.title,
        issuing_organisation=consultation.issuing_organisation,
        closes_at=factories.closes_in(20),
        url=consultation.url,
        summary=consultation.summary,
        opened_at=consultation.opened_at,
    )
    assert services.update_consultation(coordinator, consultation, data)
    db.session.commit()
    assert consultation.internal_deadline == services.proposed_internal_deadline(consultation)
    assert consultation.internal_deadline <= factories.uk_today() + factories.timedelta(days=20)
    log = db.session.scalars(select(ActivityLog).where(ActivityLog.action == "edit")).one()
    assert "internal deadline moved" in log.message
    assert "internal_deadline" in log.after


def test_closing_moved_later_keeps_the_internal_deadline(coordinator):
    consultation = factories.make_consultation(Status.ASSIGNED, closes_in_days=20)
    kept = consultation.internal_deadline
    data = services.ConsultationData(
        title=consultation.title, issuing_organisation=consultation.issuing_organisation,
        closes_at=factories.closes_in(40), url=consultation.url,
    )
    services.update_consultation(coordinator, consultation, data)
    assert consultation.internal_deadline == kept
