"""On PostgreSQL a request that only read ends with COMMIT (its connection keeps the statements
psycopg prepared); one that wrote without committing, or failed, is still rolled back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select, text, update
from sqlalchemy.engine import make_url

from tests.databases import scratch_postgres_database
from tracker import create_app
from tracker.extensions import db
from tracker.models import City

pytestmark = pytest.mark.postgres


@pytest.fixture
def own_app(database_url: str) -> Iterator[Flask]:
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("prepared statements across requests are psycopg's: PostgreSQL only")
    with scratch_postgres_database(database_url, "request_end") as url:
        app = create_app("test", overrides={"SQLALCHEMY_DATABASE_URI": url})

        def read() -> str:
            return ",".join(db.session.scalars(select(City.name).order_by(City.name)))

        def write_without_commit() -> str:
            db.session.execute(update(City).values(name="Changed"))
            return "wrote"

        def text_write_without_commit() -> str:
            db.session.execute(text("UPDATE city SET name = 'Changed by text'"))
            return "wrote"

        def add_without_flush() -> str:
            db.session.add(City(name="Added", slug="added", nation="England"))
            return "added"

        def fail() -> str:
            db.session.scalars(select(City.name)).all()
            raise RuntimeError("the view failed")

        for view in (read, write_without_commit, text_write_without_commit, add_without_flush, fail):
            app.add_url_rule(f"/probe/{view.__name__}", view.__name__, view)
        with app.app_context():
            db.create_all()
            db.session.add(City(name="Hull", slug="hull", nation="England"))
            db.session.commit()
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _prepared(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(text("SELECT statement FROM pg_prepared_statements")))


def test_a_read_only_request_keeps_its_prepared_statements(own_app: Flask) -> None:
    client = own_app.test_client()
    for _ in range(8):  # psycopg prepares a statement the sixth time it runs on a connection
        assert client.get("/probe/read").get_data(as_text=True) == "Hull"
    assert any("FROM city" in statement for statement in _prepared(own_app))


@pytest.mark.parametrize("path", ["/probe/write_without_commit", "/probe/text_write_without_commit",
                                  "/probe/add_without_flush"])
def test_a_request_that_changed_something_without_committing_is_rolled_back(own_app: Flask, path: str) -> None:
    client = own_app.test_client()
    assert client.get(path).status_code == 200
    assert client.get("/probe/read").get_data(as_text=True) == "Hull"


def test_a_failed_request_is_rolled_back(own_app: Flask) -> None:
    own_app.config["PROPAGATE_EXCEPTIONS"] = False
    client = own_app.test_client()
    assert client.get("/probe/fail").status_code == 500
    assert client.get("/probe/read").get_data(as_text=True) == "Hull"
