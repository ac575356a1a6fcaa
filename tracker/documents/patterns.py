"""The words and shapes that mark a consultation question, its options and its follow-ups: pure
functions over one block's text, used by questions.py."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracker.documents.blocks import CHECKBOXES, clean

NUMBER = r"\d{1,3}(?:\.\d{1,3}){0,2}[a-z]?"
# "Question 4", "Consultation question 2.1", "Question no. 3", at the start of a block.
_LABEL = re.compile(rf"^(?:consultation\s+)?question\s*(?:no\.?\s*|number\s*)?(?P<num>{NUMBER})(?P<rest>.*)$",
                    re.IGNORECASE | re.DOTALL)
# "Q4", "Q 4", "Q2.1" (a capital Q only: "q1" in prose is rare, and lower case is too loose).
_Q_LABEL = re.compile(rf"^Q\s?(?P<num>{NUMBER})(?P<rest>.*)$", re.DOTALL)
_SEPARATOR = re.compile(r"^\s*[:.)\-–—]+\s*")
# A number a paragraph or list item starts with: "3. ", "3) ", "(3) ", "2.1 ".
_LEADING_NUMBER = re.compile(r"^\(?(?P<num>\d{1,3}(?:\.\d{1,3}){0,2})(?:[.)]\s+|\)\s*|\s+(?=[A-Z“\"‘']))")

_STARTERS = re.compile(
    r"^(what|which|who|whom|whose|when|where|why|how|do\s+you|does|did\s+you|is\s+there|are\s+there|is\s+it|"
    r"is\s+this|are\s+these|are\s+you|should|would|could|can|will|has|have\s+you|to\s+what\s+extent|in\s+what|"
    r"please\s+(explain|provide|give|set\s+out|tell|describe|outline|share|comment|list|identify|suggest|"
    r"indicate|specify|rank|select|confirm|detail)|tell\s+us|describe|explain|outline|set\s+out|identify|"
    r"comment\s+on|share\s+(any|your))\b",
    re.IGNORECASE,
)
_FOLLOW_UP = re.compile(
    r"^(please\s+(explain|give|provide|set\s+out|tell\s+us|describe|outline|include|state|specify|list|expand|"
    r"share|add|comment|justify|detail|identify|indicate|suggest|use|supply|summarise|consider|elaborate|"
    r"cite|refer)|if\s+(yes|no|so|not|you\s+(answered|disagree|agree|selected|ticked|think|have|do|did))\b|"
    r"if\s+[“\"']?(yes|no|other|disagree|agree)|where\s+possible|explain\s+(why|your)|give\s+(reasons|details|examples)|"
    r"tell\s+us\s+(why|more)|why(\s+not)?\s*\?|what\s+(evidence|are\s+your\s+reasons))",
    re.IGNORECASE,
)
# Where a form's answer goes: not part of the question, and no end of it either.
_ANSWER_PROMPT = re.compile(
    r"^((your\s+)?(response|answer|comments?|reasons?|views?)|(please\s+)?(type|enter|write)\s+your\s+"
    r"(answer|response|comments?)(\s+(here|below|in\s+the\s+box))?|click\s+or\s+tap\s+here\s+to\s+enter\s+text|"
    r"\[?(box|space)\s+(for|to)\s+.{0,40}\]?)\s*[:.]?\s*$", re.IGNORECASE)
# A sub-part of a question: "(a) …", "a) …", "(ii) …", "b. …".
_SUB_PART = re.compile(r"^(\(?[a-h]\)|\(?(i|ii|iii|iv|v|vi|vii|viii|ix|x)\)|[a-h]\.\s)\s*", re.IGNORECASE)

OPTION_WORDS = frozenset({
    "yes", "no", "don't know", "dont know", "do not know", "not sure", "unsure", "maybe", "agree", "disagree",
    "strongly agree", "strongly disagree", "neither agree nor disagree", "neither agree or disagree",
    "tend to agree", "tend to disagree", "somewhat agree", "somewhat disagree", "neutral", "other", "n/a",
    "not applicable", "no opinion", "prefer not to say", "partially", "partly", "in part", "no view",
    "yes, in part", "support", "oppose", "neither", "very likely", "likely", "unlikely", "very unlikely",
})
_OPTION_NAMED = re.compile(r"^option\s+[a-z0-9]{1,2}$", re.IGNORECASE)


@dataclass(frozen=True)
class Label:
    number: str
    rest: str  # the question's text after the label, empty when the label stands alone


def _apostrophes(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'")


def label(text: str) -> Label | None:
    """The question label a block starts with, or None: prose that mentions a question
    ("Question 3 of the 2023 consultation asked…") is no label."""
    text = text.strip().lstrip("*#•-– ").strip()
    match = _LABEL.match(text) or _Q_LABEL.match(text)
    if match is None:
        return None
    number, rest = match.group("num"), match.group("rest")
    separated = _SEPARATOR.match(rest)
    if separated:
        rest = rest[separated.end():]
    elif rest.strip():
        if not rest[:1].isspace():
            return None  # "Question 3rd", "Q1s"
        start = rest.lstrip()[:1]
        if not (start.isupper() or start in "“\"‘'("):
            return None  # "question 3 of the 2023 consultation"
    rest = rest.strip()
    if match.re is _Q_LABEL and rest and not question_like(rest):
        return None  # "Q1 2025 figures", "Q3 Results"
    return Label(number.lower(), rest)


def leading_number(text: str) -> tuple[str, str]:
    """("3", "the rest") for a block that starts with a number, else ("", text)."""
    match = _LEADING_NUMBER.match(text)
    if match is None:
        return "", text
    return match.group("num"), text[match.end():].strip()


def question_like(text: str) -> bool:
    """Asks something: a question mark, or a question's or a request's first words."""
    text = text.strip()
    if len(text.split()) < 3:
        return False
    if "?" in text:
        return True
    return bool(_STARTERS.match(text)) and not re.match(r"^(do\s+not|don't|please\s+note)\b", text, re.I)


def follow_up(text: str) -> bool:
    """"Please explain your answer.", "If not, why not?": part of the question before it."""
    return bool(_FOLLOW_UP.match(text.strip())) and len(text.split()) <= 60


def answer_prompt(text: str) -> bool:
    return bool(_ANSWER_PROMPT.match(text.strip()))


def sub_part(text: str) -> bool:
    return bool(_SUB_PART.match(text.strip()))


def _is_option(part: str) -> bool:
    word = _apostrophes(part).lower().strip(" .;,:()")
    return word in OPTION_WORDS or bool(_OPTION_NAMED.match(word))


def options(text: str) -> list[str]:
    """The answers a line offers: "Yes / No / Don't know", "☐ Agree ☐ Disagree", or []."""
    text = text.strip()
    if not text or "?" in text:
        return []
    if any(box in text for box in CHECKBOXES):
        parts = [clean(p).strip(" /|,;") for p in re.split(f"[{CHECKBOXES}]", text)]
        parts = [p for p in parts if p]
        if 1 <= len(parts) <= 12 and all(len(p.split()) <= 8 for p in parts):
            return parts
        return []
    inner = text[1:-1] if text.startswith("(") and text.endswith(")") else text
    parts = [p.strip(" .;,") for p in re.split(r"\s*[/|]\s*|\s{2,}|\t", inner)]
    parts = [p for p in parts if p]
    if not 2 <= len(parts) <= 10 or any(len(p.split()) > 6 for p in parts):
        return []
    known = sum(_is_option(p) for p in parts)
    if known >= 2 or (known >= 1 and len(parts) >= 3 and all(len(p.split()) <= 3 for p in parts)):
        return parts
    return []


def single_option(text: str) -> bool:
    """A list item or line that is one answer: "Yes", "☐ Don't know"."""
    text = text.strip()
    if text[:1] in CHECKBOXES:
        return 0 < len(text[1:].split()) <= 8
    return _is_option(text)


def split_options(text: str) -> tuple[str, list[str]]:
    """A question with its options on the same line: ("Do you agree?", ["Yes", "No"])."""
    end = text.rfind("?")
    if end == -1:
        boxed = min((text.find(b) for b in CHECKBOXES if b in text), default=-1)
        if boxed > 0:
            found = options(text[boxed:])
            if found:
                return text[:boxed].strip(), found
        return text, []
    found = options(text[end + 1:])
    return (text[: end + 1].strip(), found) if found else (text, [])


_HEADING_QUESTIONS = re.compile(
    r"\bquestions\b|\bconsultation\s+question\b|\bquestion\s+(list|summary)\b", re.IGNORECASE)
_NOT_QUESTIONS = re.compile(
    r"frequently\s+asked|\bFAQs?\b|questions\s+(and|&)\s+answers|\bQ\s*&\s*A\b|how\s+to\s+respond|"
    r"responding\s+to|answers?\s+to|about\s+(these|the)\s+questions", re.IGNORECASE)


def questions_heading(text: str) -> bool:
    """A heading over a consultation's questions: "Consultation questions", "Annex A: list of questions"."""
    return bool(_HEADING_QUESTIONS.search(text)) and not _NOT_QUESTIONS.search(text) and label(text) is None


def introduces_questions(text: str) -> bool:
    """A paragraph that opens a list of questions: "…on the following questions:"."""
    return text.rstrip().endswith(":") and bool(re.search(r"\bquestions\b", text, re.IGNORECASE)) \
        and not _NOT_QUESTIONS.search(text)


_WORDS = re.compile(r"[a-z0-9]+")


def normalised(text: str) -> str:
    """For matching: lower case, words only."""
    return " ".join(_WORDS.findall(_apostrophes(text).lower().replace("'", "")))
