"""At 100,000 consultations on PostgreSQL, no statement of the main pages reads a whole table that
grows with the data (docs/architecture.md, "Speed, and how it is tested").

The statements checked are the ones real requests issue, captured from the engine and explained with
their own parameters: when a page's queries change, the new ones are checked without this file
knowing their SQL. The data is `seed --scale`'s, committed once per session in a database of its
own and analyzed as the command leaves it, apart from the suite's rolled-back per-test data.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask, request_started
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, func, select
from sqlalchemy.engine import make_url

from tests.conftest import _forget_request_state, login
from tests.databases import scratch_postgres_database
from tests.perf.conftest import skip_plans
from tracker import create_app
from tracker.extensions import db, limiter
from tracker.models import Consultation, User
from tracker.models.policy import ResponseAsk
from tracker.scale import analyze, seed_scale

pytestmark = pytest.mark.postgres

SCALE = 100_000
# Tables whose rows grow with the number of consultations (or of sign-ins). The rest (cities, work
# areas, users, settings) stay small whatever the data, and a scan of them is the cheapest plan.
GROWING = frozenset({
    "consultation", "response", "response_version", "comment", "activity_log", "message",
    "notification", "city_support", "contributor", "submission", "outcome", "user_session", "response_ask",
})
# Statements that read rows; EXPLAIN without ANALYZE never runs them, so writes are safe to explain.
EXPLAINED = ("SELECT", "WITH", "UPDATE", "DELETE", "INSERT")


@dataclass
class Statement:
    sql: str
    parameters: Any


@dataclass
class Scale:
    app: Flask
    coordinator_id: int
    lead_id: int
    contributor_id: int
    drafting_id: int
    submitted_id: int
    work_area_id: int
    city_id: int
    ask_id: int  # the ask made in the most responses: the longest ask page


def _first(stmt: Any) -> int:
    value = db.session.scalar(stmt.limit(1))
    assert value is not None, f"the scale data has none of: {stmt}"
    return int(value)


@pytest.fixture(scope="session")
def scale(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scale]:
    if make_url(database_url).get_backend_name() != "postgresql":
        skip_plans()
    # create_app() points the process-wide limiter at the app it builds; the suite's own is put back.
    saved_limiter = (limiter._storage, limiter._limiter)
    with scratch_postgres_database(database_url, "scale") as url:
        app = create_app("test", overrides={
            "SQLALCHEMY_DATABASE_URI": url,
            "INSTANCE_DIR": str(tmp_path_factory.mktemp("scale-instance")),
        })
        limiter._storage, limiter._limiter = saved_limiter
        request_started.connect(_forget_request_state, app)
        with app.app_context():
            db.create_all()
            seed_scale(SCALE, echo=lambda line: None)
            db.session.commit()
            analyze()
            ids = Scale(
                app=app,
                coordinator_id=_first(select(User.id).where(User.email == "coordinator@keycities.test")),
                lead_id=_first(select(User.id).where(User.email == "lead.hull@keycities.test")),
                contributor_id=_first(select(User.id).where(User.email == "contributor.newport@keycities.test")),
                drafting_id=_first(select(Consultation.id).where(Consultation.status == "drafting")
                                   .order_by(Consultation.id)),
                submitted_id=_first(select(Consultation.id).where(Consultation.status == "submitted")
                                    .order_by(Consultation.id.desc())),
                work_area_id=_first(select(Consultation.work_area_id).where(Consultation.work_area_id.is_not(None))),
                city_id=_first(select(Consultation.lead_city_id).where(Consultation.lead_city_id.is_not(None))),
                ask_id=_first(select(ResponseAsk.ask_id).group_by(ResponseAsk.ask_id)
                              .order_by(func.count().desc(), ResponseAsk.ask_id)),
            )
            db.session.remove()
        try:
            yield ids
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


@contextmanager
def captured(engine: Engine) -> Iterator[list[Statement]]:
    """Every statement the engine sends while inside, with the parameters it was sent with."""
    statements: list[Statement] = []

    def note(conn: Any, cursor: Any, sql: str, parameters: Any, context: Any, executemany: bool) -> None:
        if not executemany:
            statements.append(Statement(sql, parameters))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


def explain(engine: Engine, statement: Statement, *, how: str = "FORMAT JSON") -> Any:
    """The plan, through the DB-API cursor as SQLAlchemy sent the statement: the same placeholders
    and parameters, so PostgreSQL plans it for these values as it did for the request."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"EXPLAIN ({how}) {statement.sql}", statement.parameters)
        rows = cursor.fetchall()
        raw.rollback()
    finally:
        raw.close()
    if how == "FORMAT JSON":
        plan = rows[0][0]
        return json.loads(plan) if isinstance(plan, str) else plan
    return "\n".join(row[0] for row in rows)


def growing_scans(plan: Any) -> list[str]:
    """The growing tables read whole somewhere in the plan (parallel scans included)."""
    found: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in GROWING:
            found.append(node["Relation Name"])
        for child in node.get("Plans", []):
            walk(child)

    for entry in plan:
        walk(entry["Plan"])
    return found


def signed_in(scale: Scale, user_id: int) -> FlaskClient:
    client = scale.app.test_client()
    with scale.app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        login(client, user)
        db.session.remove()
    return client


def check_plans(scale: Scale, user_id: int, path: str) -> None:
    client = signed_in(scale, user_id)
    engine = _engine(scale.app)
    # Outside any app context of the scale app: the request has a session of its own, as in production.
    with captured(engine) as statements:
        response = client.get(path)
    assert response.status_code == 200, f"{path}: {response.status_code}"
    checked = [s for s in statements if s.sql.lstrip().upper().startswith(EXPLAINED)]
    assert checked, f"{path} issued no statement to check"
    problems = []
    for statement in checked:
        tables = growing_scans(explain(engine, statement))
        if tables:
            problems.append(
                f"-- reads all of {', '.join(sorted(set(tables)))}:\n{statement.sql}\n"
                f"-- parameters: {statement.parameters!r}\n{explain(engine, statement, how='COSTS ON')}"
            )
    assert not problems, (
        f"GET {path} at {SCALE:,} consultations: {len(problems)} of its {len(checked)} statements scan a "
        f"growing table (add an index, or change the query):\n\n" + "\n\n".join(problems)
    )


def _engine(app: Flask) -> Engine:
    with app.app_context():
        return db.engine


COORDINATOR_PAGES = {
    "dashboard": "/",
    "list": "/consultations/",
    "list deep page": "/consultations/?page=2000",
    "list last page": "/consultations/?page=4000",
    "status submitted": "/consultations/?status=submitted",
    "status drafting": "/consultations/?status=drafting",
    "status open": "/consultations/?status=open",
    "work area": "/consultations/?work_area={work_area_id}",
    "work area deep page": "/consultations/?work_area={work_area_id}&page=200",
    "lead city": "/consultations/?city={city_id}",
    "closing in 7 days": "/consultations/?closing=7",
    "closing in 30 days": "/consultations/?closing=30",
    "still open": "/consultations/?closing=open",
    "closed": "/consultations/?closing=closed",
    "overdue": "/consultations/?closing=overdue",
    "search": "/consultations/?q=bus",
    "search deep page": "/consultations/?q=bus&page=100",
    "open in a work area": "/consultations/?status=open&work_area={work_area_id}",
    "drafting consultation": "/consultations/{drafting_id}",
    "submitted consultation": "/consultations/{submitted_id}",
    "drafting response": "/consultations/{drafting_id}/response",
    "submitted response": "/consultations/{submitted_id}/response",
    "ask page": "/policy/asks/{ask_id}",
    "ask page, last page": "/policy/asks/{ask_id}?page=1000",
}


@pytest.mark.parametrize("path", COORDINATOR_PAGES.values(), ids=COORDINATOR_PAGES.keys())
def test_coordinator_pages_read_no_growing_table_whole(scale: Scale, path: str) -> None:
    check_plans(scale, scale.coordinator_id, path.format(**vars(scale)))


@pytest.mark.parametrize("role", ["lead", "contributor"])
def test_dashboards_read_no_growing_table_whole(scale: Scale, role: str) -> None:
    check_plans(scale, getattr(scale, f"{role}_id"), "/")


@pytest.mark.parametrize("path", ["/consultations/{drafting_id}", "/consultations/{drafting_id}/response"],
                         ids=["consultation", "response"])
def test_lead_pages_read_no_growing_table_whole(scale: Scale, path: str) -> None:
    check_plans(scale, scale.lead_id, path.format(**vars(scale)))


def test_the_growing_tables_are_in_the_schema() -> None:
    """A renamed table would make the checks above pass without looking at it."""
    missing = GROWING - set(db.metadata.tables)
    assert not missing, missing
