"""Reusing the network's past responses while drafting: finding passages of submitted responses
in the library, and inserting one into the draft as a quotation with its source noted.

A passage is a top-level block (a paragraph, a list, a table, a quotation) of a submitted
version's text or answers, found again from the version and its number on the page, so the
text inserted is the library's, never what a form sent. Inserting without JavaScript saves the
draft's next version through the versioned save, refused like any save when the draft moved
since the page was drawn; with JavaScript the editor inserts the same quotation into the text
being written, and nothing is saved until the writer saves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker.drafts.library import LibrarySearch, library_query
from tracker.drafts.markdown import plain_text, tokens
from tracker.drafts.permissions import can_edit, require
from tracker.drafts.queries import by_questions, current_version, get_response
from tracker.drafts.search import snippet, words_pattern
from tracker.drafts.versions import DraftText, StaleVersion, save_version
from tracker.errors import DomainError, NotFound
from tracker.extensions import db
from tracker.models import Consultation, User
from tracker.models.drafts import Question, ResponseVersion, Submission
from tracker.timeutil import format_uk

RESULTS = 8
PASSAGES = 3
PREVIEW_LENGTH = 400
# Blocks that are not passages worth quoting on their own.
_NOT_PASSAGES = {"heading_open", "hr"}
_STALE_ADVICE = ("The passage was not inserted either: read their version, then insert the passage again below if "
                 "it is still wanted.")
_MARKDOWN_SPECIALS = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|"})


@dataclass(frozen=True)
class Passage:
    index: int
    where: str  # "" for the text, "Question 2" for an answer
    markdown: str
    quote: str  # what goes into the draft
    preview: Markup  # plain text, the searched words marked


@dataclass
class Found:
    version_id: int
    consultation_id: int
    title: str
    submitted_at: datetime
    passages: list[Passage] = field(default_factory=list)


def _blocks(source: str) -> list[str]:
    lines = source.split("\n")
    found = []
    for tok in tokens(source):
        if tok.level == 0 and tok.nesting >= 0 and tok.map and tok.type not in _NOT_PASSAGES:
            text = "\n".join(lines[tok.map[0]:tok.map[1]]).strip()
            if text:
                found.append(text)
    return found


def passages_of(version: ResponseVersion, numbers: dict[int, int]) -> list[tuple[str, str]]:
    """(where, Markdown) of each passage of the version: its text, then its answers by question."""
    found = [("", block) for block in _blocks(version.body or "")]
    answers = version.answers or {}
    for key in sorted(answers, key=lambda k: int(k) if k.isdigit() else 0):
        number = numbers.get(int(key)) if key.isdigit() else None
        where = f"Question {number}" if number is not None else "An answer"
        found.extend((where, block) for block in _blocks(answers[key] or ""))
    return found


def quote(markdown: str, title: str, submitted_at: datetime) -> str:
    """The passage as a Markdown quotation, followed by where it came from."""
    quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in markdown.strip().split("\n"))
    source = title.translate(_MARKDOWN_SPECIALS)
    return f"{quoted}\n\n(From the network's response to “{source}”, submitted {format_uk(submitted_at, '%-d %B %Y')})"


def _numbers(consultation_ids: list[int]) -> dict[int, int]:
    if not consultation_ids:
        return {}
    rows = db.session.execute(select(Question.id, Question.number).where(Question.consultation_id.in_(consultation_ids)))
    return {question_id: number for question_id, number in rows}


def search(q: str, consultation: Consultation) -> list[Found]:
    """The submitted responses matching ``q`` (best first, not this consultation's), each with its
    passages holding the searched words (its first ones if only its title matched). Three statements."""
    stmt = library_query(LibrarySearch(q=q)).where(Submission.consultation_id != consultation.id).limit(RESULTS)
    submissions = [s for s in db.session.scalars(stmt) if s.version is not None]
    numbers = _numbers([s.consultation_id for s in submissions])
    pattern = words_pattern(q)
    results = []
    for s in submissions:
        assert s.version is not None
        title = s.consultation.title
        all_passages = [Passage(i, where, text, quote(text, title, s.submitted_at), snippet(text, q, PREVIEW_LENGTH))
                        for i, (where, text) in enumerate(passages_of(s.version, numbers))]
        matching = [p for p in all_passages if pattern is not None and pattern.search(plain_text(p.markdown))]
        results.append(Found(s.version_id or 0, s.consultation_id, title, s.submitted_at,
                             (matching or all_passages)[:PASSAGES]))
    return results


def targets(consultation: Consultation) -> list[tuple[str, str]]:
    """Where a passage can go: the text (or introduction) and, question by question, each answer."""
    response = get_response(consultation)
    if not by_questions(response):
        return [("body", "The response text")]
    qs = db.session.scalars(select(Question).where(Question.consultation_id == consultation.id)
                            .order_by(Question.number))
    return [("body", "The introduction")] + [(str(q.id), f"Question {q.number}") for q in qs]


def _append(text: str, addition: str) -> str:
    text = text.rstrip()
    return f"{text}\n\n{addition}" if text else addition


def insert(actor: User, consultation: Consultation, *, version_id: int, index: int, into: str,
           base_number: int) -> ResponseVersion:
    """Save the draft's next version with the passage quoted at the end of ``into`` ("body" or a
    question's id); refused (versions.StaleVersion) when the draft moved past ``base_number``."""
    require(can_edit(actor, consultation), "You cannot edit this draft.")
    submission = db.session.scalar(
        select(Submission).options(selectinload(Submission.version), selectinload(Submission.consultation))
        .where(Submission.version_id == version_id))
    if submission is None or submission.version is None:
        raise NotFound("That passage is not from a submitted response.")
    blocks = passages_of(submission.version, _numbers([submission.consultation_id]))
    if not 0 <= index < len(blocks):
        raise NotFound("There is no such passage in that response.")
    if into not in dict(targets(consultation)):
        raise DomainError("Choose where in the draft the passage goes.", field="into")
    title = submission.consultation.title
    text = quote(blocks[index][1], title, submission.submitted_at)
    current = current_version(get_response(consultation))
    body = current.body if current else ""
    answers = dict(current.answers or {}) if current else {}
    if into == "body":
        body = _append(body, text)
    else:
        answers[into] = _append(answers.get(into, ""), text)
    note = f"Inserted a passage from the response to “{title}”"
    try:
        return save_version(actor, consultation, DraftText(body=body, answers=answers, note=note[:300]), base_number,
                            action="reuse_passage")
    except StaleVersion as exc:
        raise StaleVersion(exc.theirs, _STALE_ADVICE) from None
