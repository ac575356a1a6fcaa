"""Invitations: an admin's (a person, their role and city) and a lead's (a contributor from any
member city to one response). The invitee's account is made at once, disabled and without a
password, so that the email goes through messaging like any other; following the link once, within
INVITATION_DAYS, they set a password or sign in with their council account, and the invitation is
spent. Resending draws a new token (the old link dies); revoking kills it.

Services check, change, log and flush; the views commit. Accepting is one conditional update, so
two tabs (or two people with one link) cannot both accept it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, func, select, update

from tracker import activity
from tracker.auth import oidc
from tracker.auth.passwords import password_problem
from tracker.auth.permissions import require
from tracker.auth.services import normalise_email
from tracker.drafts import people
from tracker.drafts.permissions import can_manage_contributors
from tracker.errors import DomainError, NotFound, PermissionDenied, Stale, one_line
from tracker.extensions import db
from tracker.invitations import tokens
from tracker.messaging.notify import email_only
from tracker.models import City, Consultation, Role, User
from tracker.models.invitations import Invitation
from tracker.models.messages import Kind
from tracker.models.signin import ExternalIdentity
from tracker.timeutil import to_uk, utcnow


def lifetime() -> timedelta:
    return timedelta(days=int(current_app.config["INVITATION_DAYS"]))


def _email(value: str) -> str:
    email = normalise_email(value)
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 254 or any(ch.isspace() for ch in email):
        raise DomainError("Enter an email address in the correct format, like name@example.gov.uk", "email")
    return email


def _name(value: str) -> str:
    return one_line(value, field="name", limit=120, missing="Enter the person's name.",
                    too_long="The name must be 120 characters or fewer.")


def _live_for(email: str, now: datetime) -> Invitation | None:
    return db.session.scalar(select(Invitation).where(
        func.lower(Invitation.email) == email, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
        Invitation.expires_at > now).order_by(Invitation.id.desc()).limit(1))


def _never_used(user: User) -> bool:
    """An account made for an invitation and never taken up: disabled, no password, never signed in,
    no council account, no invitation accepted."""
    if user.is_enabled or user.password_hash or user.last_login_at is not None:
        return False
    linked = db.session.scalar(select(ExternalIdentity.id).where(ExternalIdentity.user_id == user.id).limit(1))
    accepted = db.session.scalar(select(Invitation.id).where(
        Invitation.user_id == user.id, Invitation.accepted_at.is_not(None)).limit(1))
    return linked is None and accepted is None


def _account_for(email: str, name: str, role: Role, city: City | None, now: datetime, *, existing: str) -> User:
    """The disabled account the invitation opens: made now, or the one an earlier, dead invitation made."""
    live = _live_for(email, now)
    if live is not None:
        raise DomainError(f"{email} was invited on {to_uk(live.sent_at):%-d %B %Y}; that invitation is still open. "
                          "Resend it from the list of invitations instead.", "email")
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    if user is not None and not _never_used(user):
        raise DomainError(existing.format(email=email), "email")
    if user is None:
        user = User(email=email, name=name, role=role.value, city=city, is_enabled=False, password_hash="")
        db.session.add(user)
    else:
        user.name, user.role, user.city = name, role.value, city
    db.session.flush()
    return user


def _create(actor: User, user: User, role: Role, city: City | None, consultation: Consultation | None,
            now: datetime) -> Invitation:
    nonce = tokens.new_nonce()
    _, digest = tokens.issue(nonce)
    invitation = Invitation(user=user, email=user.email, role=role.value, city=city, consultation=consultation,
                            token_hash=digest, nonce=nonce, invited_by=actor, created_at=now, sent_at=now,
                            expires_at=now + lifetime(), times_sent=1, version=1)
    db.session.add(invitation)
    db.session.flush()
    _send(invitation, actor)
    return invitation


def _send(invitation: Invitation, actor: User) -> None:
    """The email, through messaging; its link is written when it goes (invitations/email.py)."""
    network = current_app.config["NETWORK_NAME"]
    what = (f"to help with {network}'s response to “{invitation.consultation.title}”" if invitation.consultation
            else f"as {describe_role(invitation)}")
    email_only(invitation.user, kind=Kind.INVITATION.value,
               subject=f"{actor.name} invited you to the {network} tracker",
               body=f"{actor.name} invited you to the {network} tracker {what}. The link is written into the email "
                    "when it is sent and is not kept here.",
               key=f"invitation:{invitation.id}:{invitation.times_sent}")


def describe_role(invitation: Invitation) -> str:
    role = Role(invitation.role)
    return f"{role.label.lower()} of {invitation.city.name}" if invitation.city else role.label.lower()


def invite(actor: User, *, email: str, name: str, role: Role | str, city: City | None) -> Invitation:
    """An admin invites someone to the tracker with a role (and a city for leads and contributors)."""
    require(actor, "admins", "invite people")
    now = utcnow()
    email, name, role = _email(email), _name(name), Role(role)
    if role.needs_city and city is None:
        raise DomainError(f"A {role.label.lower()} must belong to a member city.", "city")
    user = _account_for(email, name, role, city, now, existing="There is already an account for {email}.")
    invitation = _create(actor, user, role, city, None, now)
    activity.record("invitation_sent", actor=actor, subject_type="invitation", subject_id=invitation.id,
                    message=f"Invited {email} as {describe_role(invitation)}",
                    after={"email": email, "role": role.value, "city_id": city.id if city else None})
    return invitation


def invite_contributor(actor: User, consultation: Consultation, *, email: str, name: str,
                       city: City | None) -> Invitation:
    """A lead (or a coordinator) invites an officer of a member city to contribute to this response;
    they are added as a contributor when they accept."""
    if not can_manage_contributors(actor, consultation):
        raise PermissionDenied("Only the lead city's policy leads and coordinators can invite contributors.")
    now = utcnow()
    email, name = _email(email), _name(name)
    if city is None or not city.is_member:
        raise DomainError("Choose the member city the person works for.", "city")
    user = _account_for(
        email, name, Role.CONTRIBUTOR, city, now,
        existing="There is already an account for {email}: add them from the list of officers instead.")
    invitation = _create(actor, user, Role.CONTRIBUTOR, city, consultation, now)
    activity.record("invitation_sent", actor=actor, consultation=consultation, subject_type="invitation",
                    subject_id=invitation.id, message=f"Invited {email} ({city.name}) to contribute to the response",
                    after={"email": email, "city_id": city.id})
    return invitation


def may_manage(actor: User, invitation: Invitation) -> bool:
    if actor.is_admin:
        return True
    return invitation.consultation is not None and can_manage_contributors(actor, invitation.consultation)


def _check(actor: User, invitation: Invitation, version: int | None) -> None:
    if not may_manage(actor, invitation):
        raise PermissionDenied("Only admins, and for a response its lead city's policy leads and coordinators, "
                               "can change this invitation.")
    if version is None or version != invitation.version:
        raise Stale(f"The invitation for {invitation.email} changed since you opened the page "
                    f"({invitation.state(utcnow())} now). Check it and try again.", version=invitation.version)


def resend(actor: User, invitation: Invitation, version: int | None) -> Invitation:
    """A new link, valid for INVITATION_DAYS from now, by email; the old link stops working."""
    _check(actor, invitation, version)
    now = utcnow()
    state = invitation.state(now)
    if state in ("accepted", "revoked"):
        raise DomainError(f"This invitation was {state}: it cannot be sent again."
                          + (" Invite them again instead." if state == "revoked" else ""))
    invitation.nonce = tokens.new_nonce()
    _, invitation.token_hash = tokens.issue(invitation.nonce)
    invitation.times_sent += 1
    invitation.sent_at = now
    invitation.expires_at = now + lifetime()
    invitation.version += 1
    db.session.flush()
    _send(invitation, actor)
    activity.record("invitation_resent", actor=actor, consultation=invitation.consultation,
                    subject_type="invitation", subject_id=invitation.id,
                    message=f"Sent the invitation for {invitation.email} again (the earlier link no longer works)")
    return invitation


def revoke(actor: User, invitation: Invitation, version: int | None) -> None:
    _check(actor, invitation, version)
    if invitation.accepted_at is not None:
        raise DomainError(f"{invitation.email} has accepted this invitation already: disable the account instead.")
    if invitation.revoked_at is not None:
        raise DomainError("This invitation was revoked already.")
    invitation.revoked_at = utcnow()
    invitation.revoked_by = actor
    invitation.version += 1
    db.session.flush()
    activity.record("invitation_revoked", actor=actor, consultation=invitation.consultation,
                    subject_type="invitation", subject_id=invitation.id,
                    message=f"Revoked the invitation for {invitation.email}")


def find(token: str) -> Invitation | None:
    if not token or len(token) > tokens.MAX_TOKEN_LENGTH:
        return None
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == tokens.token_hash(token)))


GONE = {
    "accepted": "This invitation has been used already. Sign in instead.",
    "revoked": "This invitation was withdrawn. Ask whoever invited you for a new one.",
    "expired": "This invitation has expired. Ask whoever invited you to send it again.",
}


def live(token: str, now: datetime | None = None) -> Invitation:
    """The invitation a link opens, or a refusal that says why not."""
    invitation = find(token)
    if invitation is None:
        raise NotFound("This invitation link is not right, or a newer invitation was sent since. "
                       "Use the link in the latest email, or ask whoever invited you to send it again.")
    state = invitation.state(now or utcnow())
    if state != "pending":
        raise DomainError(GONE[state])
    return invitation


def _accept(invitation: Invitation, how: str) -> None:
    now = utcnow()
    taken = db.session.execute(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.token_hash == invitation.token_hash,
               Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None), Invitation.expires_at > now)
        .values(accepted_at=now, accepted_with=how, version=Invitation.version + 1)
        .execution_options(synchronize_session=False)
    )
    if not cast("CursorResult[Any]", taken).rowcount:
        raise DomainError(GONE["accepted"])
    db.session.refresh(invitation)
    user = invitation.user
    user.is_enabled = True
    if invitation.consultation is not None:
        people.add_invited_contributor(user, invitation.consultation, invited_by=invitation.invited_by)
    activity.record("invitation_accepted", actor=user, consultation=invitation.consultation,
                    subject_type="invitation", subject_id=invitation.id,
                    message=f"{user.email} accepted the invitation ({_HOW.get(how, how)})")


_HOW = {"password": "set a password", oidc.ENTRA: "signed in with Microsoft", oidc.GOOGLE: "signed in with Google"}


def accept_with_password(token: str, *, name: str, password: str) -> User:
    invitation = live(token)
    user = invitation.user
    name = _name(name)
    problem = password_problem(password, about=[user.email, name])
    if problem:
        raise DomainError(problem, "password")
    user.name = name
    user.set_password(password)
    _accept(invitation, "password")
    return user


def _council_listed(invitation: Invitation, provider: str) -> str | None:
    city = invitation.city
    if city is None:
        return None
    return city.entra_tenant_id if provider == oidc.ENTRA else city.google_domain


def _by_email(identity: oidc.Identity, now: datetime) -> Invitation | None:
    """A live invitation for the account's email address whose city lists the account's tenant or
    domain: the council vouches for the address, so the link is not needed."""
    if not identity.email:
        return None
    listed = City.entra_tenant_id if identity.provider == oidc.ENTRA else City.google_domain
    return db.session.scalar(
        select(Invitation).join(City, City.id == Invitation.city_id)
        .where(func.lower(Invitation.email) == identity.email, func.lower(listed) == identity.tenant,
               Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None), Invitation.expires_at > now)
        .order_by(Invitation.id.desc()).limit(1))


def accept_with_council_account(identity: oidc.Identity, token: str | None) -> User | None:
    """A first sign-in with a council account: the invitation whose link the browser followed, or
    one for the account's email whose city lists its tenant or domain. Links the account; None when
    there is no such invitation (oidc.first_sign_in's hook)."""
    now = utcnow()
    invitation = live(token, now) if token else _by_email(identity, now)
    if invitation is None:
        return None
    listed = _council_listed(invitation, identity.provider)
    if listed and listed.lower() != identity.tenant:
        city = invitation.city.name if invitation.city else "your council"
        raise DomainError(f"This invitation is for {city}: sign in with a {city} council account, or set a password.")
    oidc.link(invitation.user, identity, actor=invitation.user)
    _accept(invitation, identity.provider)
    return invitation.user


oidc.register_first_sign_in(accept_with_council_account)
