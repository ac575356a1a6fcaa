"""Command-line tasks: flask --app wsgi <command>."""

from __future__ import annotations

import getpass

import click
from flask import Flask
from sqlalchemy import select

from tracker.errors import DomainError
from tracker.extensions import db
from tracker.models import City, Role


def register(app: Flask) -> None:
    @app.cli.command("seed")
    @click.option("--demo", is_flag=True, help="Also add demo users and consultations.")
    @click.option("--scale", type=click.IntRange(min=1, max=1_000_000), default=None,
                  help="Add N generated consultations with years of history (for benchmarks).")
    def seed_command(demo: bool, scale: int | None) -> None:
        """Load the member cities and work areas (safe to run again)."""
        from flask import current_app

        from tracker import seed

        if (demo or scale) and current_app.config["ENV_NAME"] == "production":
            raise click.ClickException(
                "Demo data is refused in production: its accounts have passwords published in the README."
            )
        if scale:
            from tracker.scale import analyze, seed_scale

            seed_scale(scale, echo=click.echo)
            db.session.commit()
            analyze()
            return
        created = seed.seed_reference_data()
        click.echo(f"Reference data: {created['cities']} cities and {created['work_areas']} work areas added.")
        if demo:
            users = seed.seed_demo()
            click.echo("Demo logins (email / password):")
            for demo_user, password in users:
                where = f", {demo_user.city}" if demo_user.city else ""
                click.echo(f"  {demo_user.role.label:<12} {demo_user.email:<38} {password}   ({demo_user.name}{where})")
        db.session.commit()

    @app.cli.command("disable-demo-accounts")
    def disable_demo_accounts_command() -> None:
        """Disable every demo account and forget its password (production refuses to start while
        one still has its published password)."""
        import secrets

        from tracker.auth import sessions
        from tracker.models import User
        from tracker.seed import DEMO_USERS

        users = db.session.scalars(select(User).where(User.email.in_([d.email for d in DEMO_USERS]))).all()
        for user in users:
            user.is_enabled = False
            # Enabling one again later does not bring the published password back.
            user.set_password(secrets.token_urlsafe(32))
            sessions.end_all(user, "demo account disabled")
        db.session.commit()
        click.echo(f"{len(users)} demo accounts disabled; their passwords are replaced by random ones.")

    @app.cli.command("create-user")
    @click.option("--email", prompt=True)
    @click.option("--name", prompt=True)
    @click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.ADMIN.value, show_default=True)
    @click.option("--city", default="", help="Member city (needed for policy leads and contributors).")
    @click.option("--password", default=None, help="Prompted for when omitted (preferred).")
    def create_user_command(email: str, name: str, role: str, city: str, password: str | None) -> None:
        """Create an account, for example the first admin."""
        from tracker.auth.services import create_user

        if password is None:
            password = getpass.getpass("Password (12 characters or more): ")
        city_row = None
        if city:
            city_row = db.session.scalar(select(City).where(City.name == city))
            if city_row is None:
                raise click.BadParameter(f"No member city called {city!r}.", param_hint="--city")
        try:
            user = create_user(email=email, name=name, password=password, role=role, city=city_row)
        except DomainError as exc:
            raise click.ClickException(exc.message) from None
        db.session.commit()
        click.echo(f"Created {user.role} {user.email}.")

    @app.cli.command("mark-missed")
    def mark_missed_command() -> None:
        """Mark open consultations whose closing time has passed as missed."""
        from tracker.consultations.services import mark_missed_consultations

        ids = mark_missed_consultations()
        db.session.commit()
        click.echo(f"{len(ids)} consultations marked as missed.")
