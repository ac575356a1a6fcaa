from flask import Blueprint

bp = Blueprint("consultations", __name__)

from tracker.consultations import routes  # noqa: E402,F401
