"""Personal access tokens: each person makes, lists and revokes their own at /account/tokens."""

from flask import Blueprint

bp = Blueprint("api_tokens", __name__)

from tracker.api.tokens import routes  # noqa: E402,F401
