"""Signing in with the council's own account: OpenID Connect with Microsoft Entra ID and Google
Workspace, through Authlib (state, nonce and PKCE; the ID token's signature from the provider's
published keys, its audience, expiry and nonce).

What a checked token must also say, by provider:

- Entra ID (multi-tenant): its tenant (``tid``) is one of ENTRA_ALLOWED_TENANTS and its issuer is
  exactly ``https://login.microsoftonline.com/{tid}/v2.0`` for that tenant; the person is the pair
  (``tid``, ``oid``).
- Google: its hosted domain (``hd``) is one of GOOGLE_ALLOWED_DOMAINS and ``email_verified`` is
  true; the person is (``hd``, ``sub``).

An account is found by that pair, never by the email address alone. A first sign-in (no account
linked yet) is offered to the features that can make the link (an invitation: they register with
``register_first_sign_in``); auth imports none of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from authlib.integrations.flask_client import FlaskOAuth2App, OAuth
from flask import current_app
from sqlalchemy import select

from tracker import activity
from tracker.errors import DomainError
from tracker.extensions import db, get_where
from tracker.models import User
from tracker.models.signin import ExternalIdentity
from tracker.timeutil import utcnow

ENTRA, GOOGLE = "entra", "google"
ENTRA_ISSUER = "https://login.microsoftonline.com/{tid}/v2.0"
GOOGLE_ISSUERS = ("https://accounts.google.com", "accounts.google.com")
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class Provider:
    name: str
    label: str  # on the button: "Sign in with ..."
    client_id: str
    client_secret: str
    metadata_url: str


@dataclass(frozen=True)
class Identity:
    """What a checked ID token says about the person."""

    provider: str
    tenant: str  # tid or hd
    subject: str  # oid or sub
    email: str
    name: str


class Refused(Exception):
    """The provider's answer does not let this person in; the message says why, to them."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_tenant_id(value: str) -> bool:
    return bool(_GUID.match(value))


def _providers() -> list[Provider]:
    cfg = current_app.config
    return [
        Provider(ENTRA, "Microsoft (your council's Microsoft 365 account)", cfg["ENTRA_CLIENT_ID"],
                 cfg["ENTRA_CLIENT_SECRET"], cfg["ENTRA_METADATA_URL"]),
        Provider(GOOGLE, "Google (your council's Google Workspace account)", cfg["GOOGLE_CLIENT_ID"],
                 cfg["GOOGLE_CLIENT_SECRET"], cfg["GOOGLE_METADATA_URL"]),
    ]


def enabled() -> list[Provider]:
    """The providers this installation offers: those with a client id, a secret and an allow-list."""
    cfg = current_app.config
    allowed = {ENTRA: cfg["ENTRA_ALLOWED_TENANTS"], GOOGLE: cfg["GOOGLE_ALLOWED_DOMAINS"]}
    return [p for p in _providers() if p.client_id and p.client_secret and allowed[p.name]]


def provider(name: str) -> Provider | None:
    return next((p for p in enabled() if p.name == name), None)


def client(p: Provider) -> FlaskOAuth2App:
    """Authlib's client for the provider, made once per process for its settings (the discovery
    document and keys it fetched are kept with it)."""
    clients: dict[tuple[str, ...], FlaskOAuth2App] = current_app.extensions.setdefault("kc_oidc_clients", {})
    key = (p.name, p.client_id, p.client_secret, p.metadata_url)
    found = clients.get(key)
    if found is None:
        # Bound to this app (Authlib keeps its registry there); the client is what this module keeps.
        oauth = OAuth(current_app._get_current_object())  # type: ignore[attr-defined]
        found = oauth.register(
            p.name, client_id=p.client_id, client_secret=p.client_secret, server_metadata_url=p.metadata_url,
            client_kwargs={"scope": "openid email profile", "code_challenge_method": "S256",
                           "timeout": float(current_app.config["OIDC_TIMEOUT"])},
        )
        clients[key] = found
    return found


def claims_options(p: Provider) -> dict[str, Any]:
    """What Authlib checks of the ID token besides signature, expiry and nonce. Entra ID's
    discovery document names no single issuer (it has a {tenantid} placeholder): checked in ``check``."""
    options: dict[str, Any] = {"aud": {"essential": True, "value": p.client_id}, "iss": {"essential": True}}
    if p.name == GOOGLE:
        options["iss"]["values"] = list(GOOGLE_ISSUERS)
    return options


def _text(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name)
    return value.strip() if isinstance(value, str) else ""


def check(p: Provider, claims: dict[str, Any]) -> Identity:
    """The person an ID token (already verified by Authlib) names, if this installation lets them in."""
    cfg = current_app.config
    name = _text(claims, "name")
    if p.name == ENTRA:
        tid = _text(claims, "tid").lower()
        allowed = {t.strip().lower() for t in cfg["ENTRA_ALLOWED_TENANTS"]}
        if not tid or tid not in allowed:
            raise Refused("Your organisation's Microsoft account is not one this tracker accepts. "
                          "Sign in with your password, or ask the network's administrator.")
        if _text(claims, "iss") != ENTRA_ISSUER.format(tid=tid):
            raise Refused("Microsoft's answer did not come from your organisation's own issuer, so it was not "
                          "accepted.")
        oid = _text(claims, "oid").lower()
        if not is_tenant_id(oid):
            raise Refused("Microsoft's answer did not say which account signed in (no object id).")
        email = (_text(claims, "email") or _text(claims, "preferred_username")).lower()
        return Identity(ENTRA, tid, oid, email, name)
    hd = _text(claims, "hd").lower()
    allowed = {d.strip().lower() for d in cfg["GOOGLE_ALLOWED_DOMAINS"]}
    if not hd or hd not in allowed:
        raise Refused("Your Google account is not one of a council this tracker accepts. Sign in with your "
                      "council's Google Workspace account, or with your password.")
    if claims.get("email_verified") is not True:
        raise Refused("Google has not verified your account's email address, so it cannot sign you in here.")
    email = _text(claims, "email").lower()
    sub = _text(claims, "sub")
    if not sub or not email.endswith("@" + hd):
        raise Refused("Google's answer did not name an account of your council's domain.")
    return Identity(GOOGLE, hd, sub, email, name)


def linked_user(identity: Identity) -> User | None:
    """The account this council account signs in to, if one is linked; notes its use."""
    row = db.session.scalar(select(ExternalIdentity).where(
        ExternalIdentity.provider == identity.provider, ExternalIdentity.tenant == identity.tenant,
        ExternalIdentity.subject == identity.subject))
    if row is None:
        return None
    row.last_used_at = utcnow()
    row.email = identity.email[:254]
    return row.user


def link(user: User, identity: Identity, *, actor: User | None) -> ExternalIdentity:
    """This council account signs in to ``user`` from now on. Flushes."""
    taken = db.session.scalar(select(ExternalIdentity.user_id).where(
        ExternalIdentity.provider == identity.provider, ExternalIdentity.tenant == identity.tenant,
        ExternalIdentity.subject == identity.subject))
    if taken is not None and taken != user.id:
        raise DomainError("This council account already signs in to another account in the tracker.")
    if taken == user.id:
        raise DomainError("This council account is already linked to your account.")
    row = ExternalIdentity(user_id=user.id, provider=identity.provider, tenant=identity.tenant,
                           subject=identity.subject, email=identity.email[:254], last_used_at=utcnow())
    db.session.add(row)
    db.session.flush()
    activity.record("council_account_linked", actor=actor or user, subject_type="user", subject_id=user.id,
                    message=f"Linked the {label(identity.provider)} account {identity.email or identity.subject} "
                            f"to {user.email}", after={"provider": identity.provider, "tenant": identity.tenant})
    return row


def unlink(user: User, identity_id: int) -> None:
    row = get_where(ExternalIdentity, identity_id, "That council account is not linked to yours.", user_id=user.id)
    activity.record("council_account_unlinked", actor=user, subject_type="user", subject_id=user.id,
                    message=f"Unlinked the {label(row.provider)} account {row.email or row.subject}")
    db.session.delete(row)
    db.session.flush()


def linked_accounts(user: User) -> list[ExternalIdentity]:
    return list(db.session.scalars(select(ExternalIdentity).where(ExternalIdentity.user_id == user.id)
                                   .order_by(ExternalIdentity.created_at)))


def label(provider_name: str) -> str:
    return {ENTRA: "Microsoft", GOOGLE: "Google"}.get(provider_name, provider_name)


def record_refused(p: Provider, reason: str, email: str = "") -> None:
    activity.record("sign_in_refused", actor=None, subject_type="user", subject_id=None,
                    message=f"Refused a sign-in with {label(p.name)}{' for ' + email if email else ''}: {reason}")


# (identity, the invitation token the browser brought, if any) -> the account now linked to it, or
# None when the feature has nothing for this person; raises DomainError to refuse with a reason.
FirstSignIn = Callable[[Identity, str | None], User | None]
_FIRST: list[FirstSignIn] = []


def register_first_sign_in(hook: FirstSignIn) -> None:
    if hook not in _FIRST:
        _FIRST.append(hook)


def first_sign_in(identity: Identity, invitation_token: str | None) -> User | None:
    for hook in _FIRST:
        user = hook(identity, invitation_token)
        if user is not None:
            return user
    return None
