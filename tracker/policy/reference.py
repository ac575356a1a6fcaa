"""The partner networks every installation starts with (admins add more on /policy/partners)."""

from __future__ import annotations

from sqlalchemy import select

from tracker.extensions import db
from tracker.models.policy import PartnerNetwork

PARTNER_NETWORKS = [
    ("Core Cities", "The network of the largest cities outside London."),
    ("Local Government Association", "The national voice of local government (the LGA)."),
]


def seed_partner_networks() -> int:
    """Adds the ones missing (safe to run twice); returns how many. Flushes."""
    have = set(db.session.scalars(select(PartnerNetwork.name)))
    added = 0
    for name, description in PARTNER_NETWORKS:
        if name not in have:
            db.session.add(PartnerNetwork(name=name, description=description, is_active=True))
            added += 1
    db.session.flush()
    return added
