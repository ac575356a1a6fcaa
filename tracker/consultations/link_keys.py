"""A consultation's link kept in its one spelling (``url_key``, tracker/urls.py ``link_key``)
whenever its link is set, by the form, an importer or anything else: how a link already in the
tracker is found however it is written. Here rather than in the model, which imports nothing of
the tracker's but the models' own base."""

from __future__ import annotations

from sqlalchemy import event

from tracker.models import Consultation
from tracker.urls import link_key


@event.listens_for(Consultation.url, "set")
def _link_keyed(target: Consultation, value: object, old: object, initiator: object) -> None:
    target.url_key = link_key(value if isinstance(value, str) else "")
