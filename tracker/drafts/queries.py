"""Reading the drafts feature: responses, versions, people, the library, and the panels other
pages show, with what they say and which links they offer decided here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    and_,
    bindparam,
    exists,
    func,
    literal,
    select,
    union,
)
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from tracker.consultations import workflow
from tracker.drafts import permissions
from tracker.errors import NotFound
from tracker.extensions import db
from tracker.models import City, Consultation, Status, User
from tracker.models.drafts import (
    CitySupport,
    Comment,
    Contributor,
    Outcome,
    Question,
    Response,
    ResponseVersion,
    Submission,
)

T = TypeVar("T")

_MISSED = "Missed: the consultation closed without a submitted response."


# --- one response ------------------------------------------------------------------------


def get_consultation(consultation_id: int) -> Consultation:
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        raise NotFound("There is no consultation with that number.")
    return consultation


def get_response(consultation: Consultation) -> Response | None:
    return db.session.scalar(select(Response).where(Response.consultation_id == consultation.id))


_QUESTIONS = select(Question).where(Question.consultation_id == bindparam("id")).order_by(Question.number)


def questions(consultation: Consultation) -> list[Question]:
    return list(db.session.scalars(_QUESTIONS, {"id": consultation.id}))


def by_questions(response: Response | None) -> bool:
    """Whether the response is written question by question (else as free text)."""
    return response is not None and response.mode == "questions"


def get_version(response: Response | None, number: int) -> ResponseVersion:
    version = None
    if response is not None:
        version = db.session.scalar(
            select(ResponseVersion)
            .options(selectinload(ResponseVersion.author).selectinload(User.city))
            .where(ResponseVersion.response_id == response.id, ResponseVersion.number == number)
        )
    if version is None:
        raise NotFound(f"There is no version {number} of this response.")
    return version


@dataclass
class Draft:
    """A consultation's response as its pages show it: the response, its current version with
    the author and their city, how many comments it has, and what was submitted and decided."""

    response: Response | None
    version: ResponseVersion | None
    comment_count: int
    submission: Submission | None
    outcome: Outcome | None


_comment_count = (
    select(func.count()).where(Comment.response_id == Response.id).correlate(Response).scalar_subquery()
)


def _shown(person: Any) -> Any:
    """A person as the pages show them, by name and city: the rest of their columns would only
    cost the loading."""
    return joinedload(person).load_only(User.id, User.name, User.city_id).joinedload(User.city).load_only(
        City.id, City.name)


# The pages' statements are built once, their values bound at each execution: building a
# statement and its cache key per request showed in the profiles.
def _with_draft(*first: Any) -> Select[Any]:
    """``first`` and the draft of the consultation whose id is bound as "id", all outer-joined to
    the consultation's own row, so that there is one row whatever the draft holds."""
    return (
        select(*first, Response, ResponseVersion, _comment_count, Submission, Outcome)
        .select_from(Consultation)
        .outerjoin(Response, Response.consultation_id == Consultation.id)
        .outerjoin(ResponseVersion, and_(ResponseVersion.response_id == Response.id,
                                         ResponseVersion.number == Response.current_number))
        .outerjoin(Submission, Submission.consultation_id == Consultation.id)
        .outerjoin(Outcome, Outcome.consultation_id == Consultation.id)
        # Of the submitted version, its number is what the pages say ("version 3 is frozen").
        .options(_shown(ResponseVersion.author),
                 joinedload(Submission.version).load_only(ResponseVersion.id, ResponseVersion.number))
        .where(Consultation.id == bindparam("id"))
    )


_DRAFT = _with_draft()

# Whether the consultation has questions of its draft, or cities' support: pages read them only then.
HAS_QUESTIONS = exists().where(Question.consultation_id == Consultation.id)
SUPPORTED = exists().where(CitySupport.consultation_id == Consultation.id)


def page_statement(*options: Any, **flags: ColumnElement[bool]) -> Select[Any]:
    """The consultation (loaded with ``options``), ``flags`` (each panel's "anything to show?",
    correlated to the consultation and its response, or to the reader bound as "user") and the
    draft, in one statement: a page builds it once."""
    return _with_draft(Consultation, *(flag.label(name) for name, flag in flags.items())).options(*options)


def _draft(response: Response | None, version: ResponseVersion | None, comment_count: int | None,
           submission: Submission | None, outcome: Outcome | None) -> Draft:
    return Draft(response, version, int(comment_count or 0) if response is not None else 0, submission, outcome)


def draft_of(consultation: Consultation) -> Draft:
    """The draft in one statement, whatever it holds (the pages took eight one by one)."""
    return _draft(*db.session.execute(_DRAFT, {"id": consultation.id}).one())


def consultation_and_draft(statement: Select[Any], consultation_id: int, **values: Any
                           ) -> tuple[Consultation, Draft, dict[str, bool]] | None:
    """The consultation, its draft and the flags of a page's statement (page_statement), with
    ``values`` bound for its flags; None when there is no such consultation."""
    row = db.session.execute(statement, {"id": consultation_id, **values}).first()
    if row is None:
        return None
    consultation, *flags = row[:-5]
    names = list(row._fields[1:-5])
    return consultation, _draft(*row[-5:]), {name: bool(flag) for name, flag in zip(names, flags, strict=True)}


def current_version(response: Response | None) -> ResponseVersion | None:
    if response is None or not response.current_number:
        return None
    return get_version(response, response.current_number)


def approved_version(response: Response | None) -> ResponseVersion | None:
    """The version to submit. An approved draft cannot change, so its latest version is the
    approved one even if the approval was recorded elsewhere."""
    number = (response.approved_number or response.current_number) if response else 0
    return get_version(response, number) if response and number else None


def _of_response(model: type[T], column: Any, person: Any, *order: Any) -> Callable[[Response | None], list[T]]:
    """A reader of a response's rows of ``model`` (``column`` is its response id), each row's
    person and their city loaded in one go: constant queries, however many rows."""
    stmt = select(model).options(_shown(person)).where(column == bindparam("id")).order_by(*order)

    def rows(response: Response | None) -> list[T]:
        return [] if response is None else list(db.session.scalars(stmt, {"id": response.id}))

    return rows


list_versions = _of_response(ResponseVersion, ResponseVersion.response_id, ResponseVersion.author,
                             ResponseVersion.number.desc())
list_versions.__doc__ = "Newest first."
list_comments = _of_response(Comment, Comment.response_id, Comment.author, Comment.created_at, Comment.id)


_SUPPORTS = (
    select(CitySupport)
    .join(City, City.id == CitySupport.city_id)
    .options(contains_eager(CitySupport.city))
    .where(CitySupport.consultation_id == bindparam("id"))
    .order_by(City.name)
)


def supporting_cities(consultation: Consultation) -> list[CitySupport]:
    return list(db.session.scalars(_SUPPORTS, {"id": consultation.id}))


def get_submission(consultation: Consultation) -> Submission | None:
    return db.session.scalar(
        select(Submission)
        .options(selectinload(Submission.version), selectinload(Submission.recorded_by))
        .where(Submission.consultation_id == consultation.id)
    )


def get_outcome(consultation: Consultation) -> Outcome | None:
    return db.session.scalar(select(Outcome).where(Outcome.consultation_id == consultation.id))


def status_notice(consultation: Consultation, response: Response | None) -> dict[str, str | None]:
    """What the response page says about a draft no longer being written, as an inset or a
    warning; a recorded submission is shown by the page itself."""
    status = Status(consultation.status)
    if status == Status.APPROVED:
        number = response.approved_number if response else ""
        return {"inset": f"Approved: version {number} is the text to submit. It cannot be edited "
                         "unless a coordinator reopens it.", "warning": None}
    return {"inset": None, "warning": _MISSED if status == Status.MISSED else None}


# --- panels on other pages ---------------------------------------------------------------

# Before a lead city is assigned there is no drafting, so nothing to open.
_NOT_DRAFTED = frozenset({Status.NEW, Status.TRIAGED, Status.MONITORING, Status.DECLINED, Status.WITHDRAWN})


def _no_version_text(status: Status) -> str:
    if status in (Status.ASSIGNED, Status.DRAFTING):
        return "No draft saved yet."
    if status == Status.MISSED:
        return _MISSED
    return "No response is being drafted."


def consultation_panel(user: User, consultation: Consultation, draft: Draft | None = None,
                       supported: bool = True) -> dict[str, Any]:
    """What the consultation page's drafts panel shows: a few queries, whatever the history
    (none when the page read the ``draft`` with the consultation and knows it has no support)."""
    draft = draft or draft_of(consultation)
    resp, version = draft.response, draft.version
    status = Status(consultation.status)
    editable = permissions.can_edit(user, consultation, resp)
    starts_drafting = status == Status.ASSIGNED and workflow.allowed(user, consultation, "start_drafting")
    return {
        "consultation_id": consultation.id,
        "version": version,
        "no_version_text": _no_version_text(status),
        "submission": draft.submission,
        "outcome": draft.outcome,
        "supports": supporting_cities(consultation) if supported else [],
        # Starting the draft is the page's own next step (its primary button) for who may start it.
        "edit_label": None if not editable or (version is None and starts_drafting) else
        ("Edit the draft" if version else "Start the draft"),
        "comment_count": draft.comment_count,
        "show_response_link": resp is not None or status not in _NOT_DRAFTED,
        "can_submit": workflow.allowed(user, consultation, "submit"),
        "can_record_outcome": workflow.allowed(user, consultation, "publish_outcome"),
    }


# Plain rows of what the panel shows: ORM objects per row showed in the profile.
_PANEL_ROWS = select(Consultation.id, Consultation.title, Consultation.status, Consultation.closes_at)


def _panel_rows_statement(*stmts: Select[Any], limit: int = 10) -> Select[Any]:
    """The first rows of each consultation query, in one query, closing first, loading only
    what the panel shows.

    The ids are picked in subqueries (narrow rows, using the indexes) and the rows loaded
    after: selecting whole rows made SQLite sort every editable consultation by
    closing date through the wrong index."""
    order = (Consultation.closes_at, Consultation.id)
    # The limit is written into the SQL: given as a parameter, SQLite cannot tell it is small and
    # walks the closing-date index through every closed consultation to spare itself a sort.
    limit_in_sql = literal(limit, literal_execute=True)
    picks = [stmt.with_only_columns(Consultation.id).order_by(*order).limit(limit_in_sql) for stmt in stmts]
    ids = picks[0] if len(picks) == 1 else union(*(select(pick.subquery().c.id) for pick in picks))
    return _PANEL_ROWS.where(Consultation.id.in_(ids)).order_by(*order)


_EDITABLE = sorted(s.value for s in permissions.EDITABLE_STATUSES)
_EDITABLE_QUERY = select(Consultation).where(Consultation.status.in_(_EDITABLE))
# Built once, the user's id and city bound at each execution (see _DRAFT).
_COORDINATOR_PANEL = _panel_rows_statement(
    _EDITABLE_QUERY,
    select(Consultation).where(Consultation.status == Status.IN_REVIEW.value),
    select(Consultation).where(Consultation.status == Status.APPROVED.value),
)
_CONTRIBUTED = (
    select(Response.consultation_id)
    .join(Contributor, Contributor.response_id == Response.id)
    .where(Contributor.user_id == bindparam("user_id"))
)
_LED = select(Consultation.id).where(Consultation.policy_lead_id == bindparam("user_id"))
_CITY = select(Consultation.id).where(Consultation.lead_city_id == bindparam("city_id"))
# A union of ids, each part using its own index: an OR of the three made SQLite read every
# editable consultation.
_OFFICER_PANEL = _panel_rows_statement(_EDITABLE_QUERY.where(Consultation.id.in_(union(_CONTRIBUTED, _LED))))
_CITY_LEAD_PANEL = _panel_rows_statement(
    _EDITABLE_QUERY.where(Consultation.id.in_(union(_CONTRIBUTED, _LED, _CITY))))


def dashboard_panel(user: User) -> dict[str, Any]:
    """Drafts the user can work on, and (coordinators) drafts waiting for review or submission."""
    review: list[Row[Any]] = []
    to_submit: list[Row[Any]] = []
    if user.is_coordinator:
        # The three lists in one query: the first ten of each, in one closing-date order, so
        # each list's first ten are exactly its own rows in that order.
        rows = list(db.session.execute(_COORDINATOR_PANEL))
        mine = [c for c in rows if c.status in _EDITABLE][:10]
        review = [c for c in rows if c.status == Status.IN_REVIEW.value][:10]
        to_submit = [c for c in rows if c.status == Status.APPROVED.value][:10]
    elif user.is_policy_lead and user.city_id:
        mine = list(db.session.execute(_CITY_LEAD_PANEL, {"user_id": user.id, "city_id": user.city_id}))
    else:
        mine = list(db.session.execute(_OFFICER_PANEL, {"user_id": user.id}))
    return {
        "mine": mine,
        "review": review,
        "to_submit": to_submit,
        "mine_heading": "Drafts in progress" if user.is_coordinator else "Drafts you can edit",
    }
