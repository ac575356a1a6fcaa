from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import City, Consultation, Role, Status, User, WorkArea
from tracker.seed import MEMBER_CITIES, WORK_AREAS, seed_demo, seed_reference_data


def _counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(model)) for model in (City, WorkArea, User, Consultation)
    )


def test_reference_data_is_the_network():
    # The autouse fixture has already seeded once.
    assert db.session.scalar(select(func.count()).select_from(City)) == 25
    names = set(db.session.scalars(select(City.name)))
    assert {"Newport", "Wrexham", "Coventry", "BCP"} <= names
    assert {n for n, _ in MEMBER_CITIES} == names
    wales = set(db.session.scalars(select(City.name).where(City.nation == "Wales")))
    assert wales == {"Newport", "Wrexham"}
    areas = {a.name: a.lead_city.name for a in db.session.scalars(select(WorkArea))}
    assert areas == {name: lead for name, lead, _ in WORK_AREAS}


def test_seeding_twice_creates_nothing_new():
    assert seed_reference_data() == {"cities": 0, "work_areas": 0}
    seed_demo()
    db.session.commit()
    first = _counts()
    seed_reference_data()
    seed_demo()
    db.session.commit()
    assert _counts() == first
    assert first[2] >= 13 and first[3] >= 30


def test_demo_data_covers_every_role_and_many_states():
    users = seed_demo()
    db.session.commit()
    roles = {demo.role for demo, _ in users}
    assert roles == set(Role)
    statuses = set(db.session.scalars(select(Consultation.status)))
    assert statuses >= {s.value for s in Status} - {Status.WITHDRAWN.value}
    leads = db.session.scalars(select(User).where(User.role == Role.POLICY_LEAD.value)).all()
    assert all(lead.city is not None for lead in leads)
    # Demo logins work with the printed passwords.
    admin = db.session.scalar(select(User).where(User.email == "admin@keycities.test"))
    assert admin.check_password("admin-demo-2026")
