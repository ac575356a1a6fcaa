"""Key Cities Tracker: the network's consultation workbench."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask, abort
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from config import celery_config, get_config


def create_app(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=False)
    config = get_config(config_name)
    app.config.from_object(config)
    config.apply_environment(app.config)
    if overrides:
        app.config.update(overrides)
    app.config.setdefault("CELERY", celery_config(app.config))
    from tracker.auth.mfa import check_setting

    check_setting(list(app.config.get("MFA_REQUIRED_ROLES") or []))
    if app.config["ENV_NAME"] == "production" and app.config["MAIL_BACKEND"] == "notify":
        from tracker.govuk_notify import settings_problem

        if problem := settings_problem(app.config["NOTIFY_API_KEY"], app.config["NOTIFY_TEMPLATE_IDS"]):
            raise RuntimeError(f"MAIL_BACKEND is notify but {problem}.")
    Path(app.config["INSTANCE_DIR"]).mkdir(parents=True, exist_ok=True)

    _configure_logging(app)
    _configure_templates(app)
    _register_extensions(app)
    from tracker import routing, security

    routing.register(app)  # before the blueprints: a rule takes its converters when it is added
    security.register(app)
    _register_blueprints(app)

    from tracker import cli, errorhandlers

    errorhandlers.register(app)
    cli.register(app)
    if app.config["ENV_NAME"] == "production":
        if click.get_current_context(silent=True) is None:
            # A WSGI server (gunicorn): refuse to start at all.
            _refuse_published_demo_passwords_or_defer(app)
        else:
            # Under the CLI the app is built for every command, including the ones that put this
            # right (`flask disable-demo-accounts`): only the serving of pages is refused.
            app.before_request(_DemoGuard(app))
    return app


class _DemoGuard:
    """`flask run` in production: no page is served while a demo account has its published password."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.checked = False

    def __call__(self) -> None:
        if self.checked:
            return
        try:
            _refuse_published_demo_passwords(self.app)
        except RuntimeError as exc:
            logging.getLogger("tracker").error("%s", exc)
            abort(503, "The tracker is not available: it has demo accounts with published passwords. "
                       "An administrator must run `flask --app wsgi disable-demo-accounts`.")
        self.checked = True


def _refuse_published_demo_passwords_or_defer(app: Flask) -> None:
    """The check at start, or before the first page if the database cannot be reached yet: a
    worker that gunicorn replaces during an outage must come up and answer 503s (a worker that
    fails to boot stops gunicorn altogether, and nothing would serve when the database is back)."""
    from sqlalchemy.exc import SQLAlchemyError

    from tracker.unavailable import database_unreachable

    try:
        _refuse_published_demo_passwords(app)
    except SQLAlchemyError as exc:
        if not database_unreachable(exc):
            raise
        logging.getLogger("tracker").error("The database is unreachable at start: %s", getattr(exc, "orig", exc))
        app.before_request(_DemoGuard(app))


def _refuse_published_demo_passwords(app: Flask) -> None:
    """Production does not start while a demo account opens with the README's password."""
    from sqlalchemy import inspect

    from tracker.extensions import db
    from tracker.seed import demo_accounts_with_published_passwords

    with app.app_context():
        try:
            # A new, empty database has no accounts; any other database error stops the start.
            exposed = demo_accounts_with_published_passwords() if inspect(db.engine).has_table("user") else []
        finally:
            db.session.remove()
    if exposed:
        raise RuntimeError(
            "Refusing to start in production: demo accounts still have their published passwords "
            f"({', '.join(exposed)}). Disable them or reset their passwords "
            "with `flask --app wsgi disable-demo-accounts`, then start again."
        )


def _configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("tracker")
    root.handlers[:] = [handler]
    root.setLevel(app.config["LOG_LEVEL"])
    root.propagate = False
    # Flask-Limiter says here when Redis cannot be reached and it counts in memory, and when Redis
    # is back; its other lines (one per refused request, naming the account) stay out of the log.
    limits = logging.getLogger("flask-limiter")
    limits.handlers[:] = [handler]
    limits.filters[:] = [_storage_news]
    limits.setLevel(logging.INFO)


def _storage_news(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.WARNING or str(record.msg).startswith("Rate limit storage")


def _configure_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("tracker"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    from tracker import templating, widgets

    templating.register(app)
    widgets.install()


def _register_extensions(app: Flask) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers

    from tracker import models  # noqa: F401 - every table known before migrations run
    from tracker.auth import loader  # noqa: F401 - the user loader
    from tracker.celery import celery_init_app
    from tracker.db_setup import configure_engine_events, register_request_end
    from tracker.extensions import csrf, db, limiter, limiter_storage_uri, login_manager, migrate
    from tracker.unavailable import register as register_unavailable

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", limiter_storage_uri(app.config["REDIS_URL"]))
    register_unavailable(app)  # before the limiter: its Retry-After must not replace the 503's
    limiter.init_app(app)
    WTFormsHelpers(app)
    with app.app_context():
        configure_engine_events(db.engine)
        # After db.init_app: teardowns run last-registered first, so this one sees the session open.
        register_request_end(app, db.session)
    # Before the blueprints: each feature adds its tasks and beat entries as it is registered.
    celery_init_app(app)
    from tracker.messaging import tasks  # the send tasks, known to every process

    tasks.schedule(app)


def _register_blueprints(app: Flask) -> None:
    from tracker.account import bp as account_bp
    from tracker.admin import bp as admin_bp
    from tracker.alerts import bp as alerts_bp
    from tracker.api import bp as api_bp
    from tracker.api.tokens import bp as api_tokens_bp
    from tracker.api.v1.openapi import register as register_api_v1
    from tracker.auth import bp as auth_bp
    from tracker.consultations import bp as consultations_bp
    from tracker.documents import bp as documents_bp
    from tracker.drafts import bp as drafts_bp
    from tracker.evidence import bp as evidence_bp
    from tracker.health import bp as health_bp
    from tracker.intake import bp as intake_bp
    from tracker.invitations import bp as invitations_bp
    from tracker.pages import dashboard  # before the blueprints whose endpoints its pages keep
    from tracker.policy import bp as policy_bp
    from tracker.reminders import bp as reminders_bp
    from tracker.reports import bp as reports_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(consultations_bp, url_prefix="/consultations")
    app.register_blueprint(drafts_bp, url_prefix="/consultations")
    app.register_blueprint(evidence_bp, url_prefix="/consultations")
    app.register_blueprint(intake_bp, url_prefix="/intake")
    app.register_blueprint(invitations_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(reminders_bp)
    app.register_blueprint(alerts_bp, url_prefix="/alerts")
    app.register_blueprint(policy_bp, url_prefix="/policy")
    app.register_blueprint(reports_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(api_bp, url_prefix="/api")
    app.register_blueprint(api_tokens_bp)
    register_api_v1(app)
    app.register_blueprint(health_bp)
