"""The library's search: every word, ranked, on PostgreSQL (websearch_to_tsquery over a GIN
index) and SQLite (FTS5 with Porter stemming); and the plain-text snippets with the matches
marked that the library page shows.

The words are read as a search engine reads them, on both databases: all words must appear,
anywhere; "a quoted phrase" must appear as typed; ``or`` between words accepts either; a
``-word`` must not appear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from sqlalchemy import ColumnElement, Select, and_, false, func, literal_column, or_, select, table, text
from sqlalchemy.sql.elements import ColumnClause

from tracker.drafts.markdown import plain_text
from tracker.extensions import db
from tracker.models import Consultation
from tracker.models.drafts import SEARCH_FTS_TABLE, ResponseVersion, Submission

# The expression of the GIN index (models/drafts.py, migration 0009): the planner uses the
# index only for this exact expression, so the configuration is a literal, not a parameter.
ENGLISH: ColumnClause[str] = literal_column("'english'::regconfig")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")
SNIPPET_LENGTH = 280


@dataclass
class Terms:
    """The words typed, as groups: each group's alternatives are ANDed; ``or`` joins alternatives."""

    groups: list[list[str]] = field(default_factory=list)  # each alternative: a word or phrase
    excluded: list[str] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        """Every word to find (for highlighting)."""
        return [w for group in self.groups for alt in group for w in _WORD.findall(alt)]


def parse(q: str) -> Terms:
    terms = Terms()
    join_next = False
    for match in _TOKEN.finditer(q):
        negative = bool(match.group(1)) or (match.group(3) or "").startswith("-")
        raw = match.group(2) if match.group(2) is not None else (match.group(3) or "").lstrip("-")
        if match.group(3) and match.group(3).lower() == "or":
            join_next = bool(terms.groups)
            continue
        phrase = " ".join(_WORD.findall(raw))
        if not phrase:
            continue
        if negative:
            terms.excluded.append(phrase)
        elif join_next:
            terms.groups[-1].append(phrase)
        else:
            terms.groups.append([phrase])
        join_next = False
    return terms


def _fts5_query(terms: Terms) -> str:
    """The terms in FTS5's syntax, each word or phrase quoted (so nothing typed is an operator)."""

    def quoted(phrase: str) -> str:
        return '"' + phrase.replace('"', '""') + '"'

    query = " AND ".join("(" + " OR ".join(quoted(alt) for alt in group) + ")" for group in terms.groups)
    for phrase in terms.excluded:
        query += f" NOT {quoted(phrase)}"
    return query


def _title_matches(terms: Terms) -> ColumnElement[bool]:
    """A consultation title holding every group's words (the title is short: LIKE will do)."""

    def like(phrase: str) -> ColumnElement[bool]:
        return Consultation.title.icontains(phrase, autoescape=True)

    return and_(*(or_(*(like(alt) for alt in group)) for group in terms.groups),
                *(~like(phrase) for phrase in terms.excluded))


def apply(query: Select[tuple[Submission]], q: str) -> Select[tuple[Submission]]:
    """The library's query narrowed to the responses matching ``q``, best first (then newest)."""
    terms = parse(q)
    if not terms.groups:
        return query.where(false())
    if db.engine.dialect.name == "postgresql":
        tsquery = func.websearch_to_tsquery(ENGLISH, q)
        vector = func.to_tsvector(ENGLISH, ResponseVersion.search_text)
        rank = func.ts_rank(vector, tsquery)
        # The match as a subquery, so the GIN index finds the versions (a hashed set), whatever
        # the title condition beside it.
        matching = select(ResponseVersion.id).where(vector.op("@@")(tsquery))
        return (query.where(or_(ResponseVersion.id.in_(matching), _title_matches(terms)))
                .order_by(None).order_by(rank.desc(), Submission.submitted_at.desc(), Submission.id.desc()))
    fts: ColumnClause[int] = literal_column("rowid")
    matches = (
        select(fts.label("version_id"), func.bm25(literal_column(SEARCH_FTS_TABLE)).label("rank"))
        .select_from(table(SEARCH_FTS_TABLE))
        .where(text(f"{SEARCH_FTS_TABLE} MATCH :fts_query").bindparams(fts_query=_fts5_query(terms)))
        .subquery()
    )
    # bm25: lower is better; a match on the title only comes after the text matches.
    return (query.outerjoin(matches, matches.c.version_id == ResponseVersion.id)
            .where(or_(matches.c.version_id.is_not(None), _title_matches(terms)))
            .order_by(None).order_by(matches.c.rank.is_(None), matches.c.rank,
                                     Submission.submitted_at.desc(), Submission.id.desc()))


def _stem(word: str) -> str:
    """Enough of a word to find its other forms (links, linking, linked) in a snippet."""
    word = word.lower()
    for suffix in ("ies", "es", "ing", "ed", "s", "y"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def words_pattern(q: str) -> re.Pattern[str] | None:
    """A pattern finding the searched words and their other forms in a text, or None."""
    stems = sorted({_stem(w) for w in parse(q).words}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(s) for s in stems) + r")\w*", re.I) if stems else None


def snippet(source: str, q: str, length: int = SNIPPET_LENGTH) -> Markup:
    """The text around the first match, as plain text (Markdown removed), escaped, with the
    searched words in <mark>."""
    plain = plain_text(source)
    pattern = words_pattern(q)
    first = pattern.search(plain) if pattern else None
    start = 0
    if first is not None and first.start() > length // 3:
        start = plain.rfind(" ", 0, first.start() - length // 3) + 1
    window = plain[start:start + length]
    if start + length < len(plain):
        window = window[: window.rfind(" ")] if " " in window else window
    out = Markup("") + ("…" if start else "")
    position = 0
    for match in pattern.finditer(window) if pattern else ():
        out += escape(window[position:match.start()]) + Markup("<mark>") + escape(match.group()) + Markup("</mark>")
        position = match.end()
    out += escape(window[position:])
    return out + ("…" if start + len(window) < len(plain) else "")
