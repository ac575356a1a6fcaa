from flask import Blueprint

bp = Blueprint("consultations", __name__)

from tracker.consultations import link_keys, routes  # noqa: E402,F401
