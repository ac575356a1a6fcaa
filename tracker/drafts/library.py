"""The library: every submitted response, searched by words, work area and year, with the cities
that supported each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from tracker.drafts import search as library_search
from tracker.extensions import db
from tracker.models import City, Consultation, WorkArea
from tracker.models.drafts import CitySupport, ResponseVersion, Submission
from tracker.pagination import Page, paginate
from tracker.timeutil import to_uk, uk_instant, uk_today


@dataclass
class LibrarySearch:
    q: str = ""
    area_id: int | None = None
    year: int | None = None


def work_areas() -> list[WorkArea]:
    return list(db.session.scalars(select(WorkArea).order_by(WorkArea.name)))


def submission_years() -> list[int]:
    """Newest first, from this year back to the first submission's."""
    first = db.session.scalar(select(func.min(Submission.submitted_at)))
    this_year = uk_today().year
    first_year = to_uk(first).year if first else this_year
    return list(range(this_year, first_year - 1, -1))


def library_query(search: LibrarySearch) -> Select[tuple[Submission]]:
    query = (
        select(Submission)
        .join(Consultation, Consultation.id == Submission.consultation_id)
        .join(ResponseVersion, ResponseVersion.id == Submission.version_id)
        .options(
            selectinload(Submission.consultation).selectinload(Consultation.work_area),
            selectinload(Submission.consultation).selectinload(Consultation.lead_city),
            selectinload(Submission.version),
        )
        .order_by(Submission.submitted_at.desc(), Submission.id.desc())
    )
    if search.q:
        query = library_search.apply(query, search.q)
    if search.area_id is not None:
        query = query.where(Consultation.work_area_id == search.area_id)
    if search.year is not None:
        query = query.where(
            Submission.submitted_at >= uk_instant(date(search.year, 1, 1), time(0)),
            Submission.submitted_at < uk_instant(date(search.year + 1, 1, 1), time(0)),
        )
    return query


def library_page(search: LibrarySearch, page: int, per_page: int) -> tuple[Page[Submission], dict[int, list[str]]]:
    """One page of submitted responses, and the names of each one's supporting cities."""
    pagination = paginate(library_query(search), per_page, page)
    supports: dict[int, list[str]] = {}
    ids = [s.consultation_id for s in pagination.items]
    if ids:
        rows = db.session.execute(
            select(CitySupport.consultation_id, City.name)
            .join(City, City.id == CitySupport.city_id)
            .where(CitySupport.consultation_id.in_(ids))
            .order_by(City.name)
        ).all()
        for cid, name in rows:
            supports.setdefault(cid, []).append(name)
    return pagination, supports
