"""Writing the response: saving versions (optimistic locking), restoring one, and its structure
(free text or question by question, and the questions).

Every verb checks the actor against the consultation it is given (never against anything the
request says), changes the rows, writes the activity log and flushes. None of them commits: the
view or task that called it owns the transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from tracker import activity, locking
from tracker.consultations import workflow
from tracker.drafts.limits import MAX_TEXT
from tracker.drafts.permissions import can_edit, can_manage_questions, require
from tracker.drafts.queries import by_questions, current_version, get_response, get_version, questions
from tracker.errors import DomainError, Stale
from tracker.extensions import add_if_first, db, get_where
from tracker.models import Consultation, Status, User
from tracker.models.drafts import Question, Response, ResponseMode, ResponseVersion
from tracker.timeutil import utcnow
from tracker.urls import is_web_address

# What an editor whose save was refused can do: their text is still in the form.
EDITING_ADVICE = ("Their text and yours are shown side by side below: copy what you need into the form "
                  "and save again.")
RESTORING_ADVICE = "Check the latest version before restoring."


class StaleVersion(Stale):
    """Someone saved since the editor's base version; carries their version for the page."""

    def __init__(self, theirs: ResponseVersion | None, advice: str = EDITING_ADVICE) -> None:
        number = theirs.number if theirs else 0
        who = theirs.author.display_name if theirs and theirs.author else "someone else"
        super().__init__(f"{who} saved version {number} while you were editing, so your changes were not saved. "
                         + advice)
        self.theirs = theirs


def ensure_response(consultation: Consultation) -> Response:
    response = get_response(consultation)
    if response is None:
        response = Response(consultation=consultation, mode=ResponseMode.FREE.value, current_number=0)
        if not add_if_first(response):
            # Two first saves at once: the other one created it (unique consultation_id).
            response = get_response(consultation)
            assert response is not None
    return response


@dataclass
class DraftText:
    body: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    note: str = ""


def _search_text(body: str, answers: dict[str, str]) -> str:
    parts = [body, *(answers[k] for k in sorted(answers, key=lambda k: int(k) if k.isdigit() else 0))]
    return "\n\n".join(p for p in parts if p)


def _clean_text(text: DraftText, consultation: Consultation) -> DraftText:
    valid = {str(q.id) for q in questions(consultation)}
    answers = {k: v.replace("\r\n", "\n") for k, v in text.answers.items() if k in valid and v.strip()}
    body = text.body.replace("\r\n", "\n")
    if len(body) + sum(len(v) for v in answers.values()) > MAX_TEXT:
        raise DomainError(f"The response is too long: keep it under {MAX_TEXT:,} characters.")
    note = text.note.strip()
    if len(note) > 300:
        raise DomainError("Keep the version note under 300 characters.")
    return DraftText(body=body, answers=answers, note=note)


def save_version(
    actor: User, consultation: Consultation, text: DraftText, base_number: int, *, action: str = "save_draft",
    restoring: bool = False,
) -> ResponseVersion:
    """Save ``text`` as the version after ``base_number``, or raise StaleVersion.

    Two saves on the same base cannot both win: the conditional UPDATE of the
    response's counter lets one through, and the unique (response, number)
    constraint stops the other even if both read the counter at the same time.
    The same UPDATE refuses a save once a version is approved, so a save racing an
    approval either lands before it (and the approval is refused) or not at all.
    """
    advice = RESTORING_ADVICE if restoring else EDITING_ADVICE
    response = ensure_response(consultation)
    require(can_edit(actor, consultation, response), "You cannot edit this draft.")
    text = _clean_text(text, consultation)
    if base_number != response.current_number:
        raise StaleVersion(current_version(response), advice)
    if Status(consultation.status) == Status.ASSIGNED:
        # An added contributor may write first; the status change is then the system's. Done
        # before the response's UPDATE: locks are taken consultation first, then response.
        starter = actor if workflow.allowed(actor, consultation, "start_drafting") else None
        workflow.apply(
            consultation, "start_drafting", starter,
            message="Drafting started" if starter else f"Drafting started by {actor.display_name}'s first save",
        )
    number = base_number + 1
    # Conditional UPDATE: on PostgreSQL the second of two concurrent saves waits for the
    # first's row lock, re-reads the counter and matches no row; SQLite serialises writers.
    result = db.session.execute(
        update(Response)
        .where(Response.id == response.id, Response.current_number == base_number,
               Response.approved_number.is_(None))
        .values(current_number=number, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)  # an UPDATE's result: it has a rowcount
    if result.rowcount != 1:
        db.session.refresh(response)
        if response.approved_number is not None:
            raise _approved_meanwhile(consultation, response, restoring=restoring)
        raise StaleVersion(current_version(response), advice)
    version = ResponseVersion(
        response_id=response.id,
        number=number,
        author_id=actor.id,
        note=text.note,
        body=text.body,
        answers=text.answers,
        search_text=_search_text(text.body, text.answers),
        created_at=utcnow(),
    )
    db.session.add(version)
    try:
        db.session.flush()
    except IntegrityError:
        # The unique (response, number) constraint: the last line of defence.
        db.session.rollback()
        raise StaleVersion(current_version(get_response(consultation)), advice) from None
    db.session.refresh(response)
    activity.record(
        action,
        actor=actor,
        consultation=consultation,
        message=f"Saved version {number}" + (f": {text.note}" if text.note else ""),
        after={"version": number},
        subject_type="response",
        subject_id=response.id,
    )
    db.session.flush()
    return version


def _approved_meanwhile(consultation: Consultation, response: Response, *, restoring: bool) -> Stale:
    """A save refused because a version was approved while the editor had the page open."""
    changes = locking.changes_since(consultation.id, consultation.version)
    keep = "" if restoring else " Your text is still in the form below: copy what you need."
    return Stale(
        f"{locking.who_changed(changes)} approved version {response.approved_number} while you were "
        "editing, so your changes were not saved. An approved draft can no longer be edited unless a "
        "coordinator reopens it." + keep,
        changes=changes,
    )


def restore_version(actor: User, consultation: Consultation, number: int, base_number: int) -> ResponseVersion:
    response = get_response(consultation)
    old = get_version(response, number)
    return save_version(
        actor,
        consultation,
        DraftText(body=old.body, answers=dict(old.answers or {}), note=f"Restored version {number}"),
        base_number,
        action="restore_version",
        restoring=True,
    )


# --- structure --------------------------------------------------------------------------
# The response's structure (how it is organised, its questions) moves the consultation's
# version like any change of state: an editor or reviewer on an older page is told.


def set_mode(actor: User, consultation: Consultation, mode: str, *, seen_version: int | None = None) -> Response:
    # The structure is the lead city's decision: contributors write within it.
    require(can_manage_questions(actor, consultation),
            "Only the lead city's policy leads and coordinators can change how this draft is organised.")
    locking.check_seen(consultation, seen_version)
    try:
        new = ResponseMode(mode)
    except ValueError:
        raise DomainError("Choose free text or by questions.", field="mode") from None
    locking.claim(consultation)
    response = ensure_response(consultation)
    old = response.mode
    response.mode = new.value
    activity.record(
        "response_mode", actor=actor, consultation=consultation, message=f"Response organised as: {new.label}",
        before={"mode": old}, after={"mode": new.value}, subject_type="response", subject_id=response.id,
    )
    db.session.flush()
    return response


MAX_QUESTION = 5000


def _question_text(text: str) -> str:
    text = text.replace("\r\n", "\n").strip()
    if not text:
        raise DomainError("Enter the question's text.", field="text")
    if len(text) > MAX_QUESTION:
        raise DomainError("Keep the question under 5,000 characters.", field="text")
    return text


def add_question(actor: User, consultation: Consultation, text: str, *, seen_version: int | None = None) -> Question:
    require(can_manage_questions(actor, consultation),
            "Only the lead city's policy leads and coordinators can add questions.")
    locking.check_seen(consultation, seen_version)
    text = _question_text(text)
    locking.claim(consultation)
    last = db.session.scalar(
        select(func.max(Question.number)).where(Question.consultation_id == consultation.id)
    )
    question = Question(consultation_id=consultation.id, number=(last or 0) + 1, text=text)
    db.session.add(question)
    response = ensure_response(consultation)
    response.mode = ResponseMode.QUESTIONS.value
    db.session.flush()
    activity.record(
        "add_question", actor=actor, consultation=consultation, message=f"Added question {question.number}",
        after={"number": question.number, "text": text}, subject_type="question", subject_id=question.id,
    )
    return question


def remove_question(
    actor: User, consultation: Consultation, question_id: int, *, seen_version: int | None = None
) -> None:
    require(can_manage_questions(actor, consultation),
            "Only the lead city's policy leads and coordinators can remove questions.")
    locking.check_seen(consultation, seen_version)
    question = question_of(consultation, question_id)
    locking.claim(consultation)
    activity.record(
        "remove_question", actor=actor, consultation=consultation, message=f"Removed question {question.number}",
        before={"number": question.number, "text": question.text}, subject_type="question", subject_id=question.id,
    )
    db.session.delete(question)
    db.session.flush()


def question_of(consultation: Consultation, question_id: int) -> Question:
    return get_where(Question, question_id, "There is no such question on this consultation.",
                     consultation_id=consultation.id)


def edit_question(actor: User, consultation: Consultation, question_id: int, text: str, label: str, *,
                  seen_version: int | None = None) -> Question:
    """Change a question's text and the number it is shown by (a question read from a document
    may have been read badly); its answers stay with it."""
    require(can_manage_questions(actor, consultation),
            "Only the lead city's policy leads and coordinators can change questions.")
    locking.check_seen(consultation, seen_version)
    question = question_of(consultation, question_id)
    text, label = _question_text(text), label.strip()
    if len(label) > 20:
        raise DomainError("Keep the question's number under 20 characters.", field="label")
    before = {"number": question.shown_number, "text": question.text}
    locking.claim(consultation)
    question.text, question.label = text, label
    after = {"number": question.shown_number, "text": question.text}
    activity.record(
        "edit_question", actor=actor, consultation=consultation, message=f"Changed question {question.shown_number}",
        before=before, after=after, subject_type="question", subject_id=question.id,
    )
    db.session.flush()
    return question


# --- questions found in the consultation's documents -----------------------------------


class FoundQuestion(Protocol):
    """A question found in the consultation's documents, as the page that offers them passes it
    in (the documents feature reads them; drafts does not import it)."""

    @property
    def number(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def options(self) -> list[str]: ...
    @property
    def source_title(self) -> str: ...
    @property
    def source_url(self) -> str: ...
    @property
    def source_where(self) -> str: ...


@dataclass(frozen=True)
class Started:
    """What starting from the document's questions did, for the page to say."""

    added: int
    kept_questions: int  # the draft's own questions, kept before the document's
    kept_text: bool  # the current version has text: it stays, as the introduction

    @property
    def done(self) -> str:
        return f"Started question by question from the {_questions(self.added)} in the consultation document"

    @property
    def message(self) -> str:
        said = [self.done + "."]
        if self.kept_questions:
            said.append(f"The draft's {_questions(self.kept_questions, 'earlier')} "
                        f"{'stays' if self.kept_questions == 1 else 'stay'} first.")
        if self.kept_text:
            said.append("The text already written stays as the introduction, above the answers.")
        return " ".join(said)


def _questions(n: int, kind: str = "") -> str:
    return " ".join(filter(None, [str(n), kind, "question" if n == 1 else "questions"]))


def offers_document_questions(response: Response | None, current: Sequence[Question]) -> bool:
    """Whether the draft may start question by question from the document's questions: not while
    it is already answered question by question."""
    return not (by_questions(response) and current)


def start_keeps(version: ResponseVersion | None, qs: list[Question]) -> str:
    """What starting from the document's questions does with what the draft has already."""
    kept = []
    if qs:
        kept.append(f"The draft's {len(qs)} question stays first, with its answers." if len(qs) == 1 else
                    f"The draft's {len(qs)} questions stay first, with their answers.")
    if version is not None and version.body.strip():
        kept.append(f"The text already written (version {version.number}) stays, as the introduction above the "
                    "answers.")
    return " ".join(kept)


def _from_document(found: FoundQuestion) -> str:
    """The question as the draft keeps it: its options (Yes / No / Don't know) part of its text."""
    text = found.text.replace("\r\n", "\n").strip()
    options = [o.strip() for o in found.options if o.strip()]
    if text and options:
        text += "\n\nOptions: " + " / ".join(options)
    return text if len(text) <= MAX_QUESTION else text[:MAX_QUESTION - 1].rstrip() + "…"


def start_from_document(actor: User, consultation: Consultation, found: Sequence[FoundQuestion], *,
                        seen_version: int | None = None) -> Started:
    """Answer question by question, from the questions found in the consultation's documents,
    in their order: each with its document's number and where it was found. The draft's text is
    kept (it is the introduction of a response by questions); so are questions it already has."""
    require(can_manage_questions(actor, consultation),
            "Only the lead city's policy leads and coordinators can change how this draft is organised.")
    locking.check_seen(consultation, seen_version)
    taken = [(f, _from_document(f)) for f in found]
    taken = [(f, text) for f, text in taken if text]
    if not taken:
        raise DomainError("No questions were found in the consultation's documents: add the questions one by one.")
    existing = questions(consultation)
    if not offers_document_questions(get_response(consultation), existing):
        raise DomainError("This draft is already answered question by question: add or remove its questions one "
                          "by one.")
    locking.claim(consultation)
    response = ensure_response(consultation)
    last = max((q.number for q in existing), default=0)
    db.session.add_all(
        Question(consultation_id=consultation.id, number=last + n, text=text, label=f.number.strip()[:20],
                 source_title=f.source_title.strip()[:300],
                 source_url=f.source_url.strip()[:1000] if is_web_address(f.source_url) else "",
                 source_where=f.source_where.strip()[:300])
        for n, (f, text) in enumerate(taken, start=1)
    )
    old_mode = response.mode
    response.mode = ResponseMode.QUESTIONS.value
    version = current_version(response)
    started = Started(len(taken), len(existing), bool(version and version.body.strip()))
    activity.record(
        "questions_from_document", actor=actor, consultation=consultation,
        message=started.done,
        before={"mode": old_mode}, after={"mode": response.mode, "questions": started.added},
        subject_type="response", subject_id=response.id,
    )
    db.session.flush()
    return started
