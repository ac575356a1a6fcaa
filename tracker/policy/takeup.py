"""The outcome's overall take-up (yes / partly / no) checked against what was recorded for each
ask the response made (in full / in part / not), so the reports, which count the overall answer,
and the annual report, which counts the asks, tell the same story. A combination that cannot be
true is refused, saying which asks disagree; asks not known yet never disagree."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from tracker.errors import DomainError
from tracker.extensions import db
from tracker.models import Consultation
from tracker.models.drafts import TakenUp
from tracker.models.policy import AskTakenUp, PolicyAsk, ResponseAsk


def _named(pieces: list[str]) -> str:
    return pieces[0] if len(pieces) == 1 else ", ".join(pieces[:-1]) + " and " + pieces[-1]


def take_up_problem(overall: str, asks: Mapping[str, str]) -> str | None:
    """Why the overall answer cannot be right for these asks (title -> value, '' not known), or None."""
    try:
        answer = TakenUp(overall)
    except ValueError:
        return None  # the outcome's own check says so
    values = {a.value for a in AskTakenUp}
    if any(v and v not in values for v in asks.values()):
        return None  # a value that is no choice: record_take_up refuses it on its own field
    known = {title: AskTakenUp(v) for title, v in asks.items() if v}
    full = [t for t, v in known.items() if v == AskTakenUp.FULL]
    part = [t for t, v in known.items() if v == AskTakenUp.PART]
    not_taken = [t for t, v in known.items() if v == AskTakenUp.NOT]
    if answer == TakenUp.YES and (part or not_taken):
        named = [*(f"“{t}” (in part)" for t in part), *(f"“{t}” (not taken up)" for t in not_taken)]
        return (f"“Yes” says every ask was taken up, but the record for {_named(named)} says otherwise. "
                "Choose “Partly”, or correct the asks below.")
    if answer == TakenUp.NO and (full or part):
        named = [*(f"“{t}” (in full)" for t in full), *(f"“{t}” (in part)" for t in part)]
        return (f"“No” says no ask was taken up, but {_named(named)} {'was' if len(named) == 1 else 'were'} "
                "recorded as taken up. Choose “Partly”, or correct the asks below.")
    if answer == TakenUp.PARTLY and asks and len(known) == len(asks) and (len(full) == len(asks) or
                                                                          len(not_taken) == len(asks)):
        every = "taken up in full" if full else "not taken up"
        return (f"“Partly” says some asks were taken up and some not, but every ask is recorded as {every}. "
                f"Choose “{'Yes' if full else 'No'}”, or correct the asks below.")
    return None


def check_take_up(consultation: Consultation, overall: str, typed: Mapping[int, str]) -> None:
    """Refuse an overall take-up that disagrees with the asks: as recorded, or as typed on the form
    (ask id -> value) where it gives them. Raises DomainError on the take-up field."""
    rows = db.session.execute(
        select(ResponseAsk.ask_id, ResponseAsk.taken_up, PolicyAsk.title)
        .join(PolicyAsk, PolicyAsk.id == ResponseAsk.ask_id)
        .where(ResponseAsk.consultation_id == consultation.id)
    ).all()
    problem = take_up_problem(overall, {r.title: typed.get(r.ask_id, r.taken_up or "") for r in rows})
    if problem:
        raise DomainError(problem, field="taken_up")
