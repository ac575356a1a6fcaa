from flask import Blueprint

bp = Blueprint("auth", __name__)

from tracker.auth import oidc_views, routes, second_factor  # noqa: E402,F401
