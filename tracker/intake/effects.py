"""What a change on the source does to the consultation made from an item: a moved closing
date, a published outcome, a withdrawal (the importer's part beyond the item itself)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from tracker import activity
from tracker.consultations import services as consultation_services
from tracker.consultations import workflow
from tracker.consultations.services import ConsultationData
from tracker.extensions import db
from tracker.intake.adapter import SourceAdapter
from tracker.intake.sources import item_url, public_url
from tracker.models import Consultation, Role, User
from tracker.models.intake import IntakeItem, ItemState
from tracker.urls import link_key


class ConsultationEffects:
    """Mixed into the importer, whose run these belong to."""

    now: datetime
    dry_run: bool
    source: SourceAdapter
    change: Callable[[str], None]

    def link_tracked(self, item: IntakeItem) -> Consultation | None:
        """A new item whose link the tracker already has (however written: urls.link_key) joins
        that consultation rather than waiting in the inbox to become a second copy of it; when
        another item already made or joined it, this one is dismissed as that copy."""
        key = link_key(item_url(item))
        tracked = db.session.scalar(select(Consultation).where(Consultation.url_key == key).limit(1)) if key else None
        if tracked is None:
            return None
        item.decided_at = self.now
        taken = db.session.scalar(select(IntakeItem.id).where(IntakeItem.consultation_id == tracked.id).limit(1))
        if taken is None:
            item.state, item.consultation = ItemState.ACCEPTED.value, tracked
        else:
            item.state = ItemState.DISMISSED.value
            item.dismissal_reason = f"Already tracked as “{tracked.title}”, from another source"
        return tracked

    def closing_date_changed(self, item: IntakeItem) -> None:
        consultation = item.consultation
        if consultation is None or item.closes_at is None:
            return
        data = ConsultationData(
            title=consultation.title,
            issuing_organisation=consultation.issuing_organisation,
            closes_at=item.closes_at,  # issuer_type None: left as it is
            url=consultation.url,
            summary=consultation.summary,
            opened_at=consultation.opened_at,
        )
        if data.opened_at and data.opened_at > data.closes_at:
            data.opened_at = item.opened_at
        consultation_services.update_consultation(None, consultation, data)

    def outcome_published(self, item: IntakeItem) -> None:
        item.outcome_seen_at = self.now
        consultation = item.consultation
        if consultation is None:
            return
        link = public_url(item.base_path)
        if workflow.allowed(None, consultation, "publish_outcome"):
            workflow.apply(
                consultation, "publish_outcome", None,
                message=f"GOV.UK published the outcome: {link}",
            )
        else:
            activity.record(
                "govuk_outcome", actor=None, consultation=consultation,
                message=f"GOV.UK published the outcome ({link}); the status stays "
                f"{consultation.status_label.lower()}",
            )
        if self.dry_run:
            return
        from tracker.messaging.notify import notify

        recipients: list[User] = [consultation.policy_lead] if consultation.policy_lead else _coordinators()
        notify(
            recipients,
            kind="outcome",
            subject=f"Outcome published: {consultation.title}"[:300],
            body=(
                f"The government has published its outcome for “{consultation.title}”.\n\n"
                f"Read it on GOV.UK: {link}\n\nRecord whether it took up the network's asks in the tracker."
            ),
            consultation=consultation,
        )

    def apply_withdrawn(self, item: IntakeItem, explanation: str) -> None:
        item.withdrawn_at = self.now
        item.last_changed_at = self.now
        if item.state in (ItemState.PENDING, ItemState.ACCEPTED):
            item.state = ItemState.WITHDRAWN.value
        self.change(f"withdrawn: {item.title} ({item.content_id}): {explanation}")
        label = self.source.label
        consultation = item.consultation
        if consultation is None:
            return
        if workflow.allowed(None, consultation, "withdraw"):
            workflow.apply(consultation, "withdraw", None, message=f"Withdrawn on {label}: {explanation}"[:1000])
        else:
            activity.record(
                "govuk_withdrawn", actor=None, consultation=consultation,
                message=f"{label} marked it withdrawn ({explanation}); the status stays "
                f"{consultation.status_label.lower()}"[:1000],
            )
        db.session.flush()


def _coordinators() -> list[User]:
    return list(
        db.session.scalars(select(User).where(User.role == Role.COORDINATOR.value, User.is_enabled.is_(True)))
    )
