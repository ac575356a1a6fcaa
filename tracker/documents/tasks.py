"""Celery tasks of the documents feature: thin, take ids, safe to run twice."""

from __future__ import annotations

import logging

from celery import Task, shared_task
from flask import current_app

from tracker.celery import committed
from tracker.documents import queries, services
from tracker.documents.reader import Reader, Reading, make_fetcher
from tracker.extensions import db
from tracker.models.intake import ItemSource

log = logging.getLogger(__name__)
MAX_RETRIES = 3


def read(due: services.Due) -> Reading:
    """Fetch and read, outside any transaction (the network is slow; the database must not wait)."""
    if due.source == ItemSource.COMMITTEES:
        return Reader(make_fetcher(current_app.config["COMMITTEES_API_BASE_URL"])).committee(due.locator, due.page_url)
    return Reader(make_fetcher()).govuk(due.locator)


@shared_task(name="tracker.documents.tasks.read_documents", bind=True, ignore_result=True, max_retries=MAX_RETRIES)
def read_documents(self: Task, consultation_id: int) -> str:
    """Read the consultation's documents unless they were read for this version of its item.
    A fault worth trying again (network, 5xx) is stored as the document's reason and retried."""
    found = committed(lambda: services.due(int(consultation_id)))
    if found is None:
        return "unchanged"
    reading = read(found)
    stored = committed(lambda: services.store(found, reading))
    if not stored:
        return "unchanged"
    if reading.problem:
        log.warning("consultation %s: its documents could not be read: %s", consultation_id, reading.problem)
    failed = [d for d in reading.documents if d.transient]
    for document in failed:
        log.warning("consultation %s: %s: %s", consultation_id, document.url, document.reason)
    if not reading.complete and self.request.retries < MAX_RETRIES and not self.request.called_directly:
        raise self.retry(countdown=300 * 2 ** self.request.retries)
    return "read" if reading.complete else "incomplete"


@shared_task(name="tracker.documents.tasks.catch_up", ignore_result=True)
def catch_up() -> int:
    """Hourly (DOCUMENTS_CATCH_UP_SECONDS): queue the open consultations whose documents are unread
    or were read for an older version (a queueing lost to a broker outage, a reading cut short)."""
    ids = queries.unread_consultations(limit=50)
    db.session.rollback()
    for consultation_id in ids:
        read_documents.delay(consultation_id)
    return len(ids)
