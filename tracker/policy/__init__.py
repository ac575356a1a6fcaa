"""Policy: the network's standing asks, the engagement log, partner networks and the annual
report to the LGA Leadership Board."""

from flask import Blueprint

bp = Blueprint("policy", __name__)

from tracker.policy import routes  # noqa: E402,F401
