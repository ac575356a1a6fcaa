"""Views of the admin feature: accounts, member cities, work areas and their activity.

Every view is admins only; the rules (and the activity log) live in the services.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, make_response, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from tracker.admin import bp, services
from tracker.admin.forms import (
    CityForm,
    ResetPasswordForm,
    ResetSecondFactorForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
    WorkAreaForm,
    city_choices,
)
from tracker.auth import credentials, mfa
from tracker.auth import services as account_services
from tracker.auth.permissions import admin_required
from tracker.changes import in_words
from tracker.errors import DomainError
from tracker.extensions import db
from tracker.models import City, Role, User, WorkArea
from tracker.pagination import Page, govuk_pagination, paginate
from tracker.routing import parse_id
from tracker.views import Refused, attach_error, run, saved


def _get_or_404(model: Any, id_: int) -> Any:
    return db.get_or_404(model, id_, description="That record does not exist.")


def _city_from(value: str | None) -> City | None:
    city_id = parse_id(value)
    return db.session.get(City, city_id) if city_id else None


def pagination_params(page: Page[Any], endpoint: str, **args: Any) -> dict[str, Any] | None:
    """govukPagination's parameters for a page of a list, keeping the filters in the links."""
    return govuk_pagination(page.page, page.pages, lambda n: url_for(endpoint, **args, page=n))


def _no_store(response: Response) -> Response:
    # The page shows a password: keep it out of the browser's and proxies' caches.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/")
@admin_required
def index() -> ResponseReturnValue:
    return render_template("admin/index.html")


# Accounts


@bp.get("/users")
@admin_required
def users() -> ResponseReturnValue:
    form = UserFilterForm(request.args)
    form.city.choices = city_choices("All cities")
    role = form.role.data if form.role.data in {r.value for r in Role} else None
    city_id = parse_id(form.city.data)
    page = paginate(services.users_query(role=role, city_id=city_id), current_app.config["PAGE_SIZE"])
    filters = {k: v for k, v in {"role": role, "city": city_id}.items() if v}
    return render_template(
        "admin/users.html", filter_form=form, page=page,
        pagination=pagination_params(page, "admin.users", **filters),
    )


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_new() -> ResponseReturnValue:
    form = UserCreateForm()
    form.city.choices = city_choices("No city (admins and coordinators)")
    if not form.is_submitted():
        form.role.data = Role.CONTRIBUTOR.value
    valid = form.validate_on_submit()  # both checks run, so every error shows at once
    if _no_account_problems(form) and valid:
        generated = not form.password.data
        password = form.password.data or account_services.generate_password()
        try:
            user = account_services.create_user(
                email=form.email.data or "", name=form.name.data or "", password=password,
                role=form.role.data, city=_city_from(form.city.data), job_title=form.job_title.data or "",
                actor=current_user,
            )
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc)
        except IntegrityError:
            # Another admin created the same email between our check and the commit.
            db.session.rollback()
            attach_error(form, DomainError("There is already an account for this email address.", "email"))
        else:
            # Shown once, on this response only: never flashed (the session cookie is not secret).
            return _no_store(make_response(render_template(
                "admin/user_created.html", user=user, password=password if generated else None,
            )))
    form.password.data = ""  # a password is never sent back into the page, right or wrong
    return render_template("admin/user_new.html", form=form)


def _no_account_problems(form: UserCreateForm) -> bool:
    """The service's reasons (taken email, weak password, ...) put on the fields the form's own
    checks passed, so that every error shows at once; True when there are none at all."""
    if not form.is_submitted():
        return False
    role = Role(form.role.data) if form.role.data in {r.value for r in Role} else None
    problems = account_services.account_problems(
        email=form.email.data or "", name=form.name.data or "", password=form.password.data or None,
        role=role, city=_city_from(form.city.data))
    for name, message in problems.items():
        field = getattr(form, name)
        if not field.errors:
            field.errors = [*field.errors, message]
    return not problems


def _saved_account(user: User, was_enabled: bool, ended: credentials.Held) -> str:
    if was_enabled and not user.is_enabled:
        said = f"{user.name}'s account is disabled: they have been signed out and cannot sign in."
    elif user.is_enabled and not was_enabled:
        said = (f"{user.name}'s account is active again: they can sign in with their password, and make new "
                "API tokens and calendar addresses (the old ones stay dead).")
    else:
        return f"Saved the account of {user.name}."
    return " ".join(filter(None, (said, credentials.ended_in_words(ended, "their"))))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int) -> ResponseReturnValue:
    user: User = _get_or_404(User, user_id)
    form = UserEditForm(obj=None if request.method == "POST" else user)
    form.city.choices = city_choices("No city (admins and coordinators)")
    if not form.is_submitted():
        form.city.data = str(user.city_id or "")
        form.is_enabled.data = "yes" if user.is_enabled else "no"
    if form.validate_on_submit():
        enable = form.is_enabled.data == "yes"
        was_enabled = user.is_enabled
        if user.is_enabled and not enable and form.confirmed.data != "yes" and user.id != current_user.id:
            return render_template("admin/user_disable_confirm.html", form=form, user=user,
                                   held=credentials.held_by(user))
        done = run(
            form,
            lambda: account_services.update_user(
                current_user, user, name=form.name.data or "", role=form.role.data,
                city=_city_from(form.city.data), job_title=form.job_title.data or "", is_enabled=enable,
            ),
            success=lambda ended: _saved_account(user, was_enabled, ended), then=url_for("admin.users"),
        )
        if not isinstance(done, Refused):
            return done
    return render_template("admin/user_edit.html", form=form, user=user, second_factor=mfa.is_enrolled(user),
                           second_factor_required=mfa.is_required(user))


@bp.route("/users/<int:user_id>/second-factor", methods=["GET", "POST"])
@admin_required
def user_second_factor(user_id: int) -> ResponseReturnValue:
    """A lost phone: the authenticator and recovery codes go, and the person's sessions end."""
    user: User = _get_or_404(User, user_id)
    form = ResetSecondFactorForm()
    if form.validate_on_submit():
        done = run(form, lambda: mfa.reset(current_user, user),
                   success=lambda ended: f"Reset {user.name}'s second factor; {ended} session(s) signed out. They set "
                                         "it up again when they next sign in with their password.",
                   then=url_for("admin.user_edit", user_id=user.id))
        if not isinstance(done, Refused):
            return done
    return render_template("admin/user_second_factor.html", form=form, user=user, enrolled=mfa.is_enrolled(user))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@admin_required
def user_password(user_id: int) -> ResponseReturnValue:
    user: User = _get_or_404(User, user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        generated = not form.password.data
        password = form.password.data or account_services.generate_password()
        try:
            ended = account_services.reset_password(current_user, user, password)
        except DomainError as exc:
            db.session.rollback()
            attach_error(form, exc)
        else:
            db.session.commit()
            return _no_store(make_response(render_template(
                "admin/user_password_done.html", user=user, password=password if generated else None,
                ended=credentials.ended_in_words(ended, "their"),
            )))
    return render_template("admin/user_password.html", form=form, user=user, held=credentials.held_by(user))


# Member cities


@bp.get("/cities")
@admin_required
def cities() -> ResponseReturnValue:
    return render_template("admin/cities.html", cities=services.all_cities())


@bp.route("/cities/<int:city_id>", methods=["GET", "POST"])
@admin_required
def city_edit(city_id: int) -> ResponseReturnValue:
    city: City = _get_or_404(City, city_id)
    form = CityForm(obj=None if request.method == "POST" else city)
    def change() -> None:
        services.update_city(current_user, city, name=form.name.data or "", nation=form.nation.data or "",
                             is_member=bool(form.is_member.data), entra_tenant_id=form.entra_tenant_id.data or "",
                             google_domain=form.google_domain.data or "")

    if form.validate_on_submit() and (done := saved(form, change, success=lambda _: f"Saved {city.name}.",
                                                    then=url_for("admin.cities"))):
        return done
    return render_template("admin/city_edit.html", form=form, city=city)


# Work areas


@bp.get("/work-areas")
@admin_required
def work_areas() -> ResponseReturnValue:
    return render_template("admin/work_areas.html", areas=services.work_areas())


@bp.route("/work-areas/<int:area_id>", methods=["GET", "POST"])
@admin_required
def work_area_edit(area_id: int) -> ResponseReturnValue:
    area: WorkArea = _get_or_404(WorkArea, area_id)
    form = WorkAreaForm(obj=None if request.method == "POST" else area)
    form.lead_city.choices = city_choices("No lead city")
    if not form.is_submitted():
        form.lead_city.data = str(area.lead_city_id or "")
    def change() -> None:
        services.update_work_area(current_user, area, name=form.name.data or "",
                                  description=form.description.data or "", lead_city=_city_from(form.lead_city.data))

    if form.validate_on_submit() and (done := saved(form, change, success=lambda _: f"Saved {area.name}.",
                                                    then=url_for("admin.work_areas"))):
        return done
    return render_template("admin/work_area_edit.html", form=form, area=area)


# Activity


@bp.get("/activity")
@admin_required
def activity() -> ResponseReturnValue:
    page = paginate(services.activity_query(), current_app.config["PAGE_SIZE"])
    return render_template(
        "admin/activity.html", rows=in_words(page.items), pagination=pagination_params(page, "admin.activity"),
    )
