"""The invitation's email, written when messaging sends it: only then is the link's token made
(tokens.py), so it is never stored. An invitation that was resent, revoked, accepted or has
expired since its email was planned is not sent."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template

from tracker.extensions import db
from tracker.invitations import tokens
from tracker.invitations.services import describe_role
from tracker.messaging import kinds
from tracker.models.invitations import Invitation
from tracker.models.messages import Kind, Message
from tracker.timeutil import to_uk
from tracker.urls import external_url


def _which(message: Message) -> tuple[int, int] | None:
    parts = (message.event_key or "").split(":")
    if len(parts) != 3 or parts[0] != "invitation" or not (parts[1].isdigit() and parts[2].isdigit()):
        return None
    return int(parts[1]), int(parts[2])


def write(invitation: Invitation, token: str) -> kinds.Written:
    network = current_app.config["NETWORK_NAME"]
    ctx = {
        "invitation": invitation, "network": network, "link": external_url("invitations.accept", token=token),
        "role": describe_role(invitation), "inviter": invitation.invited_by.name if invitation.invited_by else network,
        "expires": to_uk(invitation.expires_at).strftime("%A %-d %B %Y at %H:%M") + " (UK time)",
        "consultation": invitation.consultation,
    }
    subject = f"{ctx['inviter']} invited you to the {network} tracker"
    return (subject, render_template("invitations/email/invitation.txt", **ctx),
            render_template("invitations/email/invitation.html", **ctx))


def prepare(message: Message, now: datetime) -> kinds.Ready:
    which = _which(message)
    invitation = db.session.get(Invitation, which[0]) if which else None
    if which is None or invitation is None:
        return kinds.Ready("The invitation no longer exists.")
    if invitation.times_sent != which[1]:
        return kinds.Ready("The invitation was sent again since: only the latest email goes.")
    state = invitation.state(now)
    if state != "pending":
        return kinds.Ready(f"The invitation was {state} before its email went.")
    token = tokens.token_of(invitation)
    if token is None:
        return kinds.Ready("The invitation's link can no longer be written (the tracker's key changed): send the "
                           "invitation again.")
    return kinds.Ready(write=lambda: write(invitation, token))


kinds.register(kinds.KindRules(prepare), kinds=[Kind.INVITATION])
