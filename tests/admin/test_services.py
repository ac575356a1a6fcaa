"""The rules hold in the services too, not only behind the views' decorators."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tracker.admin import services
from tracker.auth import services as account_services
from tracker.auth.passwords import password_problem
from tracker.errors import PermissionDenied
from tracker.extensions import db
from tracker.models import City, WorkArea


@pytest.mark.parametrize("who", ["coordinator", "lead", "contributor"])
def test_only_admins_may_change_accounts_cities_and_areas(users, target, who):
    actor = users[who]
    hull = db.session.scalar(select(City).where(City.name == "Hull"))
    area = db.session.scalar(select(WorkArea).where(WorkArea.name == "Transport"))
    with pytest.raises(PermissionDenied):
        account_services.create_user(email="x@example.test", name="X", password="long-enough-pass",
                                     role="admin", actor=actor)
    with pytest.raises(PermissionDenied):
        account_services.update_user(actor, target, name="X", role="admin", city=None, job_title="",
                                     is_enabled=True)
    with pytest.raises(PermissionDenied):
        account_services.reset_password(actor, target, "long-enough-pass")
    with pytest.raises(PermissionDenied):
        services.update_city(actor, hull, name="X", nation="England", is_member=True)
    with pytest.raises(PermissionDenied):
        services.update_work_area(actor, area, name="X", description="", lead_city=None)


def test_generated_passwords_are_long_and_different():
    passwords = {account_services.generate_password() for _ in range(20)}
    assert len(passwords) == 20
    assert all(password_problem(p) is None for p in passwords)  # long enough and not guessable
