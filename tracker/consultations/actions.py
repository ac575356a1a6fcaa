"""What the consultation page offers the person looking at it: each action's words, place and look,
decided here from the workflow's rules, so the page only lays them out."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from tracker.consultations import workflow
from tracker.models import Consultation, Status, User

# Transitions the consultation page makes itself (they carry no data of their own).
SIMPLE_TRANSITIONS = ("start_drafting", "mark_missed", "withdraw")
# These end the consultation's path: they lead to a confirmation page with the warning button.
DESTRUCTIVE = frozenset({"mark_missed", "withdraw"})
# Steps with rules about the draft itself (a version to approve, a comment when returning, a
# reason to reopen) are taken on the drafts feature's pages, never from a bare button here.
DRAFT_PAGES = {
    "send_for_review": "drafts.response",
    "return_to_drafting": "drafts.response",
    "approve": "drafts.response",
    "reopen": "drafts.response",
    "submit": "drafts.submit",
    "publish_outcome": "drafts.outcome",
}


@dataclass(frozen=True)
class Action:
    label: str
    href: str
    style: str = "primary"  # primary, secondary or warning (GOV.UK button classes)
    post: bool = False  # a one-click form carrying the page's version, not a link

    @property
    def classes(self) -> str:
        return "" if self.style == "primary" else f"govuk-button--{self.style}"


def page_actions(user: User, consultation: Consultation) -> list[Action]:
    allowed = {t.name for t in workflow.available(user, consultation)}
    cid = consultation.id
    status = Status(consultation.status)
    actions: list[Action] = []
    if "triage" in allowed:
        actions.append(Action("Triage" if status == Status.NEW else "Change decision",
                              url_for("consultations.triage", consultation_id=cid)))
    if "assign" in allowed:
        first = status == Status.TRIAGED
        actions.append(Action("Assign" if first else "Reassign", url_for("consultations.assign", consultation_id=cid),
                              "primary" if first else "secondary"))
    for name in SIMPLE_TRANSITIONS:
        if name in allowed and name not in DESTRUCTIVE:
            actions.append(Action(workflow.TRANSITIONS[name].label,
                                  url_for("consultations.transition", consultation_id=cid, name=name), post=True))
    for name, endpoint in DRAFT_PAGES.items():
        if name in allowed:
            actions.append(Action(workflow.TRANSITIONS[name].label, url_for(endpoint, consultation_id=cid)))
    if user.is_coordinator:
        actions.append(Action("Edit details", url_for("consultations.edit", consultation_id=cid), "secondary"))
    for name in SIMPLE_TRANSITIONS:
        if name in allowed and name in DESTRUCTIVE:
            actions.append(Action(workflow.TRANSITIONS[name].label,
                                  url_for("consultations.transition", consultation_id=cid, name=name), "warning"))
    return actions
