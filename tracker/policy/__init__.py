"""Policy: the network's standing asks, the engagement log, partner networks and the annual
report to the LGA Leadership Board."""

from flask import Blueprint

bp = Blueprint("policy", __name__)

# followups: its reminder kinds' labels are known in every process, not only in the sweep's.
from tracker.policy import followups, routes  # noqa: E402,F401
