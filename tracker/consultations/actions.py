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


# The step that moves the consultation on, in the order of its life: the first of these the
# person may take is the page's one primary button.
NEXT_STEPS = ("triage", "assign", "start_drafting", "send_for_review", "approve", "submit", "publish_outcome")
# Rare steps, or ones that undo or end something: links to their confirmation page, never a button.
RARE = ("reopen", "mark_missed", "withdraw")


@dataclass(frozen=True)
class Action:
    """A link to the step's own page (a form, or a confirmation that carries the page's version)."""

    label: str
    href: str


@dataclass(frozen=True)
class PageActions:
    primary: Action | None
    others: list[Action]  # secondary buttons
    rare: list[Action]  # links to a confirmation page

    def __bool__(self) -> bool:
        return bool(self.primary or self.others or self.rare)


def page_actions(user: User, consultation: Consultation) -> PageActions:
    allowed = {t.name for t in workflow.available(user, consultation)}
    cid = consultation.id
    status = Status(consultation.status)

    def action(name: str) -> Action:
        if name == "triage":
            return Action("Triage" if status == Status.NEW else "Change decision",
                          url_for("consultations.triage", consultation_id=cid))
        if name == "assign":
            return Action("Assign" if status == Status.TRIAGED else "Reassign",
                          url_for("consultations.assign", consultation_id=cid))
        if name == "start_drafting":
            # Saving the first version starts drafting: the step is to write it.
            return Action("Start the draft", url_for("drafts.edit", consultation_id=cid))
        if name in DRAFT_PAGES:
            return Action(workflow.TRANSITIONS[name].label, url_for(DRAFT_PAGES[name], consultation_id=cid))
        return Action(workflow.TRANSITIONS[name].label,
                      url_for("consultations.transition", consultation_id=cid, name=name))

    # "Change decision" and "Reassign" revisit a step already taken: not the way forward.
    forward = [n for n in NEXT_STEPS if n in allowed
               and not (n == "triage" and status != Status.NEW)
               and not (n == "assign" and status != Status.TRIAGED)]
    primary = action(forward[0]) if forward else None
    others = [action(n) for n in (*NEXT_STEPS, "return_to_drafting")
              if n in allowed and (not forward or n != forward[0])]
    if user.is_coordinator:
        others.append(Action("Edit details", url_for("consultations.edit", consultation_id=cid)))
    rare = [action(n) for n in RARE if n in allowed]
    return PageActions(primary, others, rare)
