"""Where a consultation is in its life, step by step, for the task list at the top of its page:
each step's name, who acts on it and how far it has got, decided from the status."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.models import Consultation, Status

COORDINATORS = "Coordinators"

# The steps in order, and for each status: how many steps are done and what the next one is doing.
STEPS = ("Triage", "Assign to a lead city", "Draft the response", "Review and approve",
         "Submit to government", "Government's outcome")
_AT: dict[Status, tuple[int, str | None]] = {
    Status.NEW: (0, "to_do"),
    Status.TRIAGED: (1, "to_do"),
    Status.ASSIGNED: (2, "to_do"),
    Status.DRAFTING: (2, "in_progress"),
    Status.IN_REVIEW: (3, "in_progress"),
    Status.APPROVED: (4, "to_do"),
    Status.SUBMITTED: (5, "waiting"),
    Status.OUTCOME_PUBLISHED: (len(STEPS), None),  # every step done
}
# Statuses that end the path early, and what the steps not taken then say.
_ENDED = {
    Status.MONITORING: "Not needed: monitor only",
    Status.DECLINED: "Not needed: no response",
    Status.MISSED: "Stopped: the closing date passed",
    Status.WITHDRAWN: "Stopped: withdrawn by government",
}
_WORDS = {
    "to_do": ("To do", "govuk-tag--blue"),
    "in_progress": ("In progress", "govuk-tag--light-blue"),
    "waiting": ("Waiting for government", "govuk-tag--grey"),
}


@dataclass(frozen=True)
class Step:
    name: str
    who: str
    status: str  # the words shown
    tag_classes: str | None  # a tag for the step to act on now; plain text otherwise
    later: bool = False  # cannot start yet


def steps(consultation: Consultation) -> list[Step]:
    status = Status(consultation.status)
    lead = consultation.lead_city.name if consultation.lead_city else "The lead city"
    if consultation.policy_lead:
        lead = f"{lead}: {consultation.policy_lead.name}"
    who = [COORDINATORS, COORDINATORS, lead, COORDINATORS, COORDINATORS, COORDINATORS]
    if status in _ENDED:
        done = 1 if status in (Status.MONITORING, Status.DECLINED) else _steps_taken(consultation)
        return [Step(name, who[i], "Completed" if i < done else _ENDED[status], None)
                for i, name in enumerate(STEPS)]
    done, state = _AT[status]
    out = []
    for i, name in enumerate(STEPS):
        if i < done:
            out.append(Step(name, who[i], "Completed", None))
        elif i == done and state is not None:
            words, classes = _WORDS[state]
            out.append(Step(name, who[i], words, classes))
        else:
            out.append(Step(name, who[i], "Cannot start yet", None, later=True))
    return out


def _steps_taken(consultation: Consultation) -> int:
    """For a consultation missed or withdrawn: triage, and the assignment if it was made (the
    status no longer says how far the draft had got)."""
    return 2 if consultation.lead_city_id else 1


def task_list_items(consultation: Consultation) -> list[dict[str, object]]:
    """govukTaskList's items."""
    items: list[dict[str, object]] = []
    for step in steps(consultation):
        if step.tag_classes:
            status: dict[str, object] = {"tag": {"text": step.status, "classes": step.tag_classes}}
        else:
            status = {"text": step.status,
                      "classes": "govuk-task-list__status--cannot-start-yet" if step.later else ""}
        items.append({"title": {"text": step.name}, "hint": {"text": step.who}, "status": status})
    return items
