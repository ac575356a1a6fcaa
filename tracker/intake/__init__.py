from flask import Blueprint

bp = Blueprint("intake", __name__)

from tracker.intake import routes  # noqa: E402,F401
