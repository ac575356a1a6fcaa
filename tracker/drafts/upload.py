"""A Word document as the draft's next version: its parts matched to the draft's (the introduction
and, question by question, each answer), what the save would change, and the save itself.

The upload is checked in two steps: the document is read and shown (what it changes, what was left
out), then saved when the person confirms. Between the two the text travels in the confirmation
form, so nothing is stored before the save; the save is an ordinary version save, refused when the
draft moved on since the person saw the comparison.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from tracker.drafts import queries
from tracker.drafts.diff import DiffResult, diff_text
from tracker.drafts.html_markdown import Block
from tracker.drafts.limits import MAX_TEXT
from tracker.drafts.markdown import plain_text
from tracker.drafts.versions import DraftText, save_version
from tracker.drafts.word_in import WordDocument
from tracker.errors import DomainError
from tracker.models import Consultation, User
from tracker.models.drafts import Question, ResponseVersion
from tracker.routing import CONTROL_CHARACTERS

MAX_FILENAME = 200
_QUESTION_NUMBER = re.compile(r"^\s*(?:question|q)\s*\.?\s*(\d{1,4})\b|^\s*(\d{1,4})(?:[.):](?:\s|$)|$)", re.I)
_INTRODUCTION = frozenset({"introduction", "intro"})
RELOAD = "The confirmation form was incomplete: upload the document again."


class QuestionsChanged(DomainError):
    """The draft's questions changed between reading the document and saving it."""

    def __init__(self) -> None:
        super().__init__("The draft's questions (or whether it answers question by question) changed since "
                         "the document was read, so it was not saved: upload it again to match it to them.",
                         field="file")


@dataclass
class Unmatched:
    heading: str
    markdown: str


@dataclass
class UploadedDraft:
    """What the document brings: the introduction (or the whole text) if it has one, the answers
    it has (by question id), what was left out, and text under headings that match no question."""

    filename: str
    body: str | None
    answers: dict[str, str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    no_question_matched: bool = False
    # The question ids the document was matched against (none for a free-text draft): a save
    # after the questions changed would put answers where they no longer belong.
    question_ids: list[str] = field(default_factory=list)


def clean_filename(name: str | None) -> str:
    """The file's own name, for the version note: no folders, no control characters, not too long."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = " ".join(CONTROL_CHARACTERS.sub("", base).split())
    return base[:MAX_FILENAME] or "a Word document"


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def match_question(heading: str, questions: list[Question]) -> Question | None:
    """The question a heading names: by number ("Question 3", "Q3", "3.") or by its own text."""
    m = _QUESTION_NUMBER.match(heading)
    if m:
        number = int(m.group(1) or m.group(2))
        found = next((q for q in questions if q.number == number), None)
        if found is not None:
            return found
    wanted = _normal(heading)
    for q in questions:
        text = _normal(q.text)
        if wanted and (wanted == text or (len(wanted) >= 20 and text.startswith(wanted))):
            return q
    return None


def _shifted(block: Block, by: int) -> str:
    """A heading moved up ``by`` levels (a document's "Question 3" is a heading the page draws
    itself, so the answer's own headings start one below it)."""
    if block.kind != "heading" or by <= 0:
        return block.markdown
    return "#" * max(1, block.heading - by) + block.markdown[block.heading:]


def _join(blocks: list[str]) -> str:
    return "\n\n".join(b for b in blocks if b.strip())


def from_document(document: WordDocument, questions: list[Question], filename: str) -> UploadedDraft:
    """The document's parts as the draft's. Free text: the whole document. Question by question:
    the text before the first question heading is the introduction, each question heading's text
    its answer; a heading at the same level that names no question starts text that is reported."""
    name = clean_filename(filename)
    if not questions:
        return UploadedDraft(name, _join([b.markdown for b in document.blocks]), {}, list(document.dropped))
    ids = [str(q.id) for q in questions]
    matched = [b.heading for b in document.blocks if b.kind == "heading" and match_question(b.text, questions)]
    if not matched:
        return UploadedDraft(name, _join([b.markdown for b in document.blocks]) or None, {},
                             list(document.dropped), no_question_matched=True, question_ids=ids)
    level = min(matched)
    intro: list[str] = []
    answers: dict[str, list[str]] = {}
    unmatched: list[tuple[str, list[str]]] = []
    current = intro
    question: Question | None = None
    dropped = list(document.dropped)
    for block in document.blocks:
        if block.kind == "heading" and block.heading <= level:
            q = match_question(block.text, questions)
            if q is not None:
                if str(q.id) in answers:
                    dropped.append(f"Question {q.number} has two parts in the document: both are in its answer")
                current, question = answers.setdefault(str(q.id), []), q
                continue
            if current is intro and _normal(block.text) in _INTRODUCTION:
                continue  # the export's own "Introduction" heading: the page draws it
            if current is not intro:
                unmatched.append((block.text, []))
                current, question = unmatched[-1][1], None
                continue
        if question is not None and not current and _normal(plain_text(block.markdown)) == _normal(question.text):
            continue  # the question itself, repeated under its heading
        current.append(_shifted(block, level))
    return UploadedDraft(
        name, _join(intro) or None, {k: _join(v) for k, v in answers.items() if _join(v)}, dropped,
        [Unmatched(heading, _join(blocks)) for heading, blocks in unmatched], question_ids=ids,
    )


def draft_questions(consultation: Consultation) -> list[Question]:
    """The questions the draft is answered by, as on the editor: none for a free-text draft."""
    response = queries.get_response(consultation)
    return queries.questions(consultation) if response is None or queries.by_questions(response) else []


def note(upload: UploadedDraft) -> str:
    return f"Uploaded from {upload.filename}"


def merged(upload: UploadedDraft, current: ResponseVersion | None,
           questions: list[Question]) -> tuple[DraftText, list[str]]:
    """The version the upload would make on top of ``current``, and the parts of the draft the
    document has nothing for (their current text is kept rather than emptied)."""
    old_body = current.body if current else ""
    old_answers = dict(current.answers or {}) if current else {}
    if not questions:
        return DraftText(body=upload.body or "", answers={}, note=note(upload)), []
    kept: list[str] = []
    if upload.body is None and old_body.strip():
        kept.append("The introduction: the document has no text before its first question, so the "
                    "current introduction is kept")
    answers: dict[str, str] = {}
    for q in questions:
        key = str(q.id)
        if key in upload.answers:
            answers[key] = upload.answers[key]
        elif old_answers.get(key, "").strip():
            answers[key] = old_answers[key]
            kept.append(f"Question {q.number}: the document has no answer to it, so the current answer is kept")
    body = upload.body if upload.body is not None else old_body
    return DraftText(body=body, answers=answers, note=note(upload)), kept


@dataclass
class Change:
    title: str
    result: DiffResult


def changes(current: ResponseVersion | None, text: DraftText, questions: list[Question]) -> list[Change]:
    """Part by part, what the upload changes in the current version."""
    old_answers = (current.answers or {}) if current else {}
    found = [Change("Introduction" if questions else "Text", diff_text(current.body if current else "", text.body))]
    for q in questions:
        key = str(q.id)
        found.append(Change(f"Question {q.number}", diff_text(old_answers.get(key, ""), text.answers.get(key, ""))))
    return found


def check_text(upload: UploadedDraft, text: DraftText) -> None:
    """The upload brings some text, and the version it makes is not longer than a response may be."""
    if not (upload.body or upload.answers or upload.unmatched):
        raise DomainError("The document has no text the tracker could read: check it is the right file.",
                          field="file")
    check_length(text)


def check_length(text: DraftText) -> None:
    total = len(text.body) + sum(len(v) for v in text.answers.values())
    if total > MAX_TEXT:
        raise DomainError(f"The document is {total:,} characters long once read, and a response can be up to "
                          f"{MAX_TEXT:,}. Shorten it, or upload it in parts by copying them into the editor.",
                          field="file")


def save_upload(actor: User, consultation: Consultation, upload: UploadedDraft, base_number: int) -> ResponseVersion:
    """Save the upload as the version after ``base_number`` (refused as any stale save is)."""
    qs = draft_questions(consultation)
    if upload.question_ids != [str(q.id) for q in qs]:
        raise QuestionsChanged()
    text, _kept = merged(upload, queries.current_version(queries.get_response(consultation)), qs)
    check_length(text)
    return save_version(actor, consultation, text, base_number, action="upload_draft")


# --- the confirmation form carries the upload --------------------------------------------


def to_payload(upload: UploadedDraft) -> str:
    return json.dumps({
        "filename": upload.filename, "body": upload.body, "answers": upload.answers, "dropped": upload.dropped,
        "unmatched": [[u.heading, u.markdown] for u in upload.unmatched],
        "no_question_matched": upload.no_question_matched, "question_ids": upload.question_ids,
    }, ensure_ascii=False)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def from_payload(raw: str) -> UploadedDraft:
    """The upload back from the confirmation form; anything but what to_payload wrote is refused."""
    try:
        data = json.loads(raw)
    except ValueError:
        raise DomainError(RELOAD) from None
    ok = (
        isinstance(data, dict)
        and isinstance(data.get("filename"), str)
        and (data.get("body") is None or isinstance(data.get("body"), str))
        and isinstance(data.get("answers"), dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in data["answers"].items())
        and _strings(data.get("dropped"))
        and isinstance(data.get("unmatched"), list)
        and all(_strings(u) and len(u) == 2 for u in data["unmatched"])
        and isinstance(data.get("no_question_matched"), bool)
        and _strings(data.get("question_ids"))
    )
    if not ok:
        raise DomainError(RELOAD)
    return UploadedDraft(
        clean_filename(data["filename"]), data["body"], dict(data["answers"]), list(data["dropped"]),
        [Unmatched(h, m) for h, m in data["unmatched"]], data["no_question_matched"], list(data["question_ids"]),
    )
