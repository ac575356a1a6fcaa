"""Invitations: people without an account are invited by email (by an admin, with a role and city;
by a lead, as a contributor to one response) and join by a single-use link, with a password or
their council account. services.py holds the rules, email.py writes the email when messaging sends
it, tokens.py makes the link's token (never stored)."""

from flask import Blueprint

bp = Blueprint("invitations", __name__)

from tracker.invitations import email, routes  # noqa: E402,F401
