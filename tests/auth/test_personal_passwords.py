"""The password rule refuses the account's own email address, its parts and the person's name with
digits, wherever a password is chosen: one's own change, an admin's reset, a new account (form and
command line)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests import factories
from tests.auth.conftest import sign_in
from tests.conftest import login
from tracker.auth.passwords import PERSONAL, password_problem
from tracker.extensions import db
from tracker.models import Role, User

# Lena Lead, lena@hull.gov.uk: zxcvbn scores most of these as strong, even told her name and address.
LENAS = ["lena@hull.gov.uk", "LENA@HULL.GOV.UK-2026", "LenaLead2026!", "lenalead12345", "Lena.Lead.1984",
         "hull.gov.uk2026", "Hull20262026!!", "Lena Lead Hull 1984", "lena-lead-2026"]


@pytest.fixture
def lena() -> User:
    user = factories.make_user(Role.POLICY_LEAD, city_name="Hull", email="lena@hull.gov.uk", name="Lena Lead")
    db.session.commit()
    return user


@pytest.mark.parametrize("password", LENAS)
def test_the_rule_refuses_the_email_its_parts_and_the_name_with_digits(password: str) -> None:
    assert password_problem(password, about=["lena@hull.gov.uk", "Lena Lead"]) == PERSONAL


@pytest.mark.parametrize("password", ["Magdalena ferry lantern orchard", "Hull City Council bus lanes 2026",
                                      "moorland ferry lantern orchard"])
def test_a_passphrase_that_only_shares_a_word_is_fine(password: str) -> None:
    assert password_problem(password, about=["lena@hull.gov.uk", "Lena Lead"]) is None


@pytest.mark.parametrize("password", ["LenaLead2026!", "lena@hull.gov.uk", "hull.gov.uk2026"])
def test_ones_own_change_refuses_it_on_the_field_and_keeps_the_old_password(
        app: Flask, lena: User, password: str) -> None:
    client = app.test_client()
    assert sign_in(client, lena.email).status_code == 302
    response = client.post("/account/password", data={"current_password": factories.PASSWORD,
                                                      "new_password": password})
    assert response.status_code == 400
    assert PERSONAL in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, lena.id).check_password(factories.PASSWORD)
    assert not db.session.get(User, lena.id).check_password(password)


def test_an_admins_reset_and_new_accounts_refuse_it_too(app: Flask, admin: User, lena: User) -> None:
    admin_client = login(app.test_client(), admin)
    response = admin_client.post(f"/admin/users/{lena.id}/password", data={"password": "Lena.Lead.1984"})
    assert PERSONAL in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, lena.id).check_password(factories.PASSWORD)

    response = admin_client.post("/admin/users/new", data={
        "email": "omar@salford.gov.uk", "name": "Omar Other", "role": "coordinator", "password": "Salford2026!!"})
    html = response.get_data(as_text=True)
    assert PERSONAL in html
    assert 'value="omar@salford.gov.uk"' in html and 'value="Omar Other"' in html  # what was typed stays

    result = app.test_cli_runner().invoke(args=[
        "create-user", "--email", "omar@salford.gov.uk", "--name", "Omar Other", "--role", "admin",
        "--password", "OmarOther1999"])
    assert result.exit_code != 0
    assert "must not be made from your name or your email address" in result.output
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email == "omar@salford.gov.uk")) == 0


def test_a_good_passphrase_is_still_taken(app: Flask, lena: User) -> None:
    client = app.test_client()
    sign_in(client, lena.email)
    response = client.post("/account/password", data={"current_password": factories.PASSWORD,
                                                      "new_password": "Magdalena ferry lantern orchard"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, lena.id).check_password("Magdalena ferry lantern orchard")
