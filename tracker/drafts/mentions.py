"""``@name`` mentions in comments: finding whom a comment names, and drawing the names highlighted.

A mention is ``@`` (not after a letter, so an email address in the text is not one) followed by a
member's email address, their full name, or a single word that is the first name or the email's
local part of exactly one member. A mention that names no member, or several, is refused with the
candidates listed, so the writer can say whom they mean; the text they typed is kept by the form.
Only the text is read: a mention inside `code` is not one, so ``@`` can be written without naming
anyone. What each mention named is stored with the comment, so a later member of the same name
never changes whom an old comment named.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from markdown_it.token import Token
from markupsafe import Markup
from sqlalchemy import select

from tracker.drafts.markdown import render as render_markdown
from tracker.drafts.markdown import render_tokens, tokens
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.models import City, User

# An @ that may start a mention: not inside a word or an email address, and followed by a letter.
_AT = re.compile(r"(?<![\w@.+\-])@(?=[^\W\d_])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
MAX_CANDIDATES = 5


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    email: str
    city: str | None

    @property
    def described(self) -> str:
        where = f"{self.city}, " if self.city else ""
        return f"{self.name} ({where}{self.email})"

    @property
    def first_name(self) -> str:
        return self.name.split()[0].lower() if self.name.split() else ""

    @property
    def local_part(self) -> str:
        return self.email.split("@")[0].lower()


@dataclass(frozen=True)
class Mention:
    typed: str  # as typed, with its @
    user_id: int


def members() -> list[Member]:
    """Every enabled member who can be named (one statement)."""
    rows = db.session.execute(
        select(User.id, User.name, User.email, City.name)
        .outerjoin(City, City.id == User.city_id)
        .where(User.is_enabled.is_(True))
        .order_by(User.name, User.id)
    ).all()
    return [Member(id, name, email, city) for id, name, email, city in rows]


def _texts(source: str) -> Iterator[Token]:
    """The plain-text pieces of a Markdown text (not code, not the link addresses)."""
    for tok in tokens(source):
        for child in tok.children or []:
            if child.type == "text":
                yield child


def _ends_word(text: str, at: int) -> bool:
    return at >= len(text) or not (text[at].isalnum() or text[at] == "_")


def _resolve(rest: str, everyone: list[Member]) -> tuple[str, list[Member]]:
    """(the text after the @ that names someone, the members it may name) for the text after an @."""
    email = _EMAIL.match(rest)
    if email:
        found = [m for m in everyone if m.email.lower() == email.group().lower()]
        return email.group(), found
    lowered = rest.lower()
    named = [m for m in everyone if m.name and lowered.startswith(m.name.lower()) and _ends_word(rest, len(m.name))]
    if named:
        longest = max(len(m.name) for m in named)
        return rest[:longest], [m for m in named if len(m.name) == longest]
    word = _WORD.match(rest)
    text = word.group().rstrip("'’-") if word else ""
    key = text.lower()
    return text, [m for m in everyone if key and (m.first_name == key or m.local_part == key)]


def _suggestions(typed: str, everyone: list[Member]) -> list[Member]:
    """Members whose names look like what was typed, for a mention that names no one."""
    key = typed.lower()
    close = set(difflib.get_close_matches(key, [m.name.lower() for m in everyone], n=MAX_CANDIDATES, cutoff=0.6))
    close |= set(difflib.get_close_matches(key, [m.first_name for m in everyone], n=MAX_CANDIDATES, cutoff=0.7))
    return [m for m in everyone
            if m.name.lower() in close or m.first_name in close
            or any(part.lower().startswith(key[:3]) for part in m.name.split() if len(key) >= 3)][:MAX_CANDIDATES]


def _listed(found: list[Member]) -> str:
    names = [m.described for m in found[:MAX_CANDIDATES]]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def find(source: str, *, field: str = "body") -> list[Mention]:
    """The mentions in a comment's text, each way of typing one once; refused (on ``field``) when a mention
    names no member or several, with the candidates."""
    pieces = [child.content for child in _texts(source) if "@" in child.content]
    if not pieces:
        return []
    everyone = members()
    mentions: dict[str, Mention] = {}
    problems: list[str] = []
    for text in pieces:
        for at in _AT.finditer(text):
            typed, found = _resolve(text[at.end():], everyone)
            if len(found) == 1:
                mentions.setdefault(typed.lower(), Mention(f"@{typed}", found[0].id))
            elif found:
                problems.append(f"“@{typed}” could be {_listed(found)}: type @ and their full name or "
                                "email address.")
            elif "@" in typed:
                problems.append(f"No member has the email address “{typed}”. Type @ and a member's full name or "
                                "email address.")
            else:
                near = _suggestions(typed, everyone)
                problems.append(f"No member is called “@{typed}”." + (f" Did you mean {_listed(near)}?" if near else "")
                                + " Type @ and a member's full name or email address.")
    if problems:
        raise DomainError(" ".join(dict.fromkeys(problems))
                          + " (To write @ without naming anyone, put it in `backticks`.)", field=field)
    return list(mentions.values())


def _marked(text: str, names: dict[str, str]) -> list[Token] | None:
    """The text as tokens with each known mention in a <mark>, or None if it has none."""
    out: list[Token] = []
    position = 0
    lowered = text.lower()
    for at in _AT.finditer(text):
        if at.start() < position:
            continue
        hit = next((typed for typed in names if lowered.startswith(typed, at.start())
                    and _ends_word(text, at.start() + len(typed))), None)
        if hit is None:
            continue
        out.append(Token("text", "", 0, content=text[position:at.start()]))
        out.append(Token("html_inline", "", 0, content='<mark class="kc-mention">'))
        out.append(Token("text", "", 0, content=f"@{names[hit]}"))
        out.append(Token("html_inline", "", 0, content="</mark>"))
        position = at.start() + len(hit)
    if not out:
        return None
    out.append(Token("text", "", 0, content=text[position:]))
    return out


def render(source: str, mentioned: dict[str, str], top: int = 3) -> Markup:
    """The comment as safe HTML, each stored mention (typed text -> the member's name) shown as
    the member's name, highlighted. The name is escaped as any text is."""
    if not mentioned:
        return render_markdown(source, top)
    # Longest first, so "@Lena Lead" wins over "@Lena".
    names = {typed.lower(): name for typed, name in sorted(mentioned.items(), key=lambda kv: -len(kv[0]))}
    toks = tokens(source)
    for tok in toks:
        if not tok.children:
            continue
        children: list[Token] = []
        for child in tok.children:
            marked = _marked(child.content, names) if child.type == "text" and "@" in child.content else None
            children.extend(marked if marked is not None else [child])
        tok.children = children
    return render_tokens(toks, top, mentions=True)
