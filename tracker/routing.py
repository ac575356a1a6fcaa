"""URL rules that cannot be turned into a 500: ids within the database's range, and no control
characters in a query string."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter, Map, ValidationError

# C0 controls and DEL; tab, line feed and carriage return are allowed in multi-line text only.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Every id column is a 32-bit INTEGER on PostgreSQL: a larger number names no row.
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` that matches only numbers a database id can hold; anything else is a 404."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        # The digits are checked before int() so that a 10,000-digit number costs nothing.
        if len(value) > len(str(MAX_ID)):
            raise ValidationError()
        return super().to_python(value)


def _refuse_control_characters() -> None:
    for key, value in request.args.items(multi=True):
        if CONTROL_CHARACTERS.search(key) or CONTROL_CHARACTERS.search(value):
            abort(400, "The web address contains a hidden control character. Check the link and try again.")


def register(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(_refuse_control_characters)


def parse_id(value: str | None) -> int | None:
    """A row id typed in a form or a query string, or None if it cannot name a row."""
    raw = (value or "").strip()
    if not (raw.isascii() and raw.isdecimal()) or len(raw) > len(str(MAX_ID)):
        return None
    number = int(raw)
    return number if 1 <= number <= MAX_ID else None
