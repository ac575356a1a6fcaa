"""Admin rules: member cities and work areas. Accounts live in tracker.auth.services.

Services check, change, write the activity log and flush; the views commit.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from tracker import activity
from tracker.auth.oidc import is_tenant_id
from tracker.auth.permissions import require
from tracker.errors import DomainError, one_line
from tracker.extensions import db
from tracker.models import ActivityLog, City, Role, User, WorkArea

NATIONS = ("England", "Wales")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
# The subjects whose changes the admin activity page shows.
# API tokens too: who made or revoked a way into the API is a security event admins may need to trace.
# Classification rules and partner networks are admins' to change too.
ADMIN_SUBJECTS = ("user", "city", "work_area", "api_token", "invitation", "organisation_rule", "partner_network")


def users_query(*, role: str | None = None, city_id: int | None = None) -> Select[tuple[User]]:
    query = select(User).options(joinedload(User.city)).order_by(func.lower(User.name), User.id)
    if role:
        query = query.where(User.role == Role(role).value)
    if city_id:
        query = query.where(User.city_id == city_id)
    return query


def all_cities() -> list[City]:
    return list(db.session.scalars(select(City).order_by(City.name)))


def work_areas() -> list[WorkArea]:
    return list(db.session.scalars(select(WorkArea).options(joinedload(WorkArea.lead_city)).order_by(WorkArea.name)))


def activity_query() -> Select[tuple[ActivityLog]]:
    return (
        select(ActivityLog)
        .options(joinedload(ActivityLog.actor))
        .where(ActivityLog.subject_type.in_(ADMIN_SUBJECTS))
        .order_by(ActivityLog.created_at.desc(), ActivityLog.id.desc())
    )


def _tenant(value: str) -> str | None:
    tenant = value.strip().lower()
    if tenant and not is_tenant_id(tenant):
        raise DomainError("Enter the tenant ID as Microsoft shows it, like 72f988bf-86f1-41af-91ab-2d7cd011db47.",
                          "entra_tenant_id")
    return tenant or None


def _domain(value: str) -> str | None:
    domain = value.strip().lower().removeprefix("@")
    if domain and not _DOMAIN.match(domain):
        raise DomainError("Enter the council's domain, like hull.gov.uk.", "google_domain")
    return domain or None


def update_city(actor: User, city: City, *, name: str, nation: str, is_member: bool,
                entra_tenant_id: str = "", google_domain: str = "") -> None:
    require(actor, "admins")
    name = one_line(name, field="name", limit=120, missing="Enter the city's name.",
                    too_long="The city's name must be 120 characters or fewer.")
    if nation not in NATIONS:
        raise DomainError("Choose England or Wales.", "nation")
    clash = db.session.scalar(
        select(City.id).where(func.lower(City.name) == name.lower(), City.id != city.id)
    )
    if clash:
        raise DomainError(f"There is already a city called {name}.", "name")
    tenant, domain = _tenant(entra_tenant_id), _domain(google_domain)
    for field, column, value, what in (("entra_tenant_id", City.entra_tenant_id, tenant, "tenant"),
                                       ("google_domain", City.google_domain, domain, "domain")):
        other = db.session.scalar(select(City.name).where(column == value, City.id != city.id)) if value else None
        if other:
            raise DomainError(f"{other} lists this {what} already: each council's {what} belongs to one city.", field)
    fields = ("name", "nation", "is_member", "entra_tenant_id", "google_domain")
    before = activity.snapshot(city, fields)
    # The slug stays as it was: links and imports may already use it.
    city.name = name
    city.nation = nation
    city.is_member = is_member
    city.entra_tenant_id = tenant
    city.google_domain = domain
    activity.record_edit("city_updated", actor=actor, obj=city, fields=fields, before=before,
                         subject_type="city", message=f"Changed city {city.name}")


def _area_snapshot(area: WorkArea) -> dict[str, Any]:
    snap = activity.snapshot(area, ("name", "description", "lead_city_id"))
    # The name as well as the id, so the log still reads well if the city is renamed later.
    snap["lead_city"] = area.lead_city.name if area.lead_city else None
    return snap


def update_work_area(
    actor: User, area: WorkArea, *, name: str, description: str, lead_city: City | None
) -> None:
    require(actor, "admins")
    name = one_line(name, field="name", limit=120, missing="Enter the work area's name.",
                    too_long="The work area's name must be 120 characters or fewer.")
    clash = db.session.scalar(
        select(WorkArea.id).where(func.lower(WorkArea.name) == name.lower(), WorkArea.id != area.id)
    )
    if clash:
        raise DomainError(f"There is already a work area called {name}.", "name")
    before = _area_snapshot(area)
    area.name = name
    area.description = description.strip()
    area.lead_city = lead_city
    db.session.flush()
    old, new = activity.changes(before, _area_snapshot(area))
    if not new:
        return
    if "lead_city_id" in new:
        message = (
            f"Changed the lead city of {area.name} from {old.get('lead_city') or 'none'}"
            f" to {new.get('lead_city') or 'none'}"
        )
    else:
        message = f"Changed work area {area.name}"
    activity.record(
        "work_area_updated", actor=actor, subject_type="work_area", subject_id=area.id,
        message=message, before=old, after=new,
    )
