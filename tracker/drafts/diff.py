"""Word-level diff of two versions, readable for prose."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from tracker.models.drafts import Question, ResponseVersion

# Words, runs of whitespace and single punctuation marks: a changed comma shows as a comma.
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


@dataclass
class DiffResult:
    html: Markup
    inserted: list[str]
    deleted: list[str]

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.deleted)


def diff_text(old: str, new: str) -> DiffResult:
    """Inline diff: unchanged text as is, deletions in <del>, insertions in <ins>."""
    a, b = tokenize(old), tokenize(new)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    out: list[str] = []
    inserted: list[str] = []
    deleted: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(str(escape("".join(a[i1:i2]))))
            continue
        if op in ("delete", "replace"):
            chunk = "".join(a[i1:i2])
            deleted.append(chunk.strip())
            out.append(f"<del>{escape(chunk)}</del>")
        if op in ("insert", "replace"):
            chunk = "".join(b[j1:j2])
            inserted.append(chunk.strip())
            out.append(f"<ins>{escape(chunk)}</ins>")
    return DiffResult(Markup("".join(out)), inserted, deleted)  # noqa: S704 - every piece escaped


@dataclass
class SectionDiff:
    title: str
    result: DiffResult


def diff_versions(
    old: ResponseVersion, new: ResponseVersion, questions: list[Question]
) -> list[SectionDiff]:
    """One diff per section: the introduction (or free text), then each question's answer."""
    sections = [SectionDiff("Introduction" if questions else "Text", diff_text(old.body, new.body))]
    old_answers, new_answers = old.answers or {}, new.answers or {}
    for q in questions:
        key = str(q.id)
        sections.append(
            SectionDiff(f"Question {q.shown_number}", diff_text(old_answers.get(key, ""), new_answers.get(key, "")))
        )
    return sections
