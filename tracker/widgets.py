"""GOV.UK Frontend's WTForms widgets, drawn by calling their component macro directly.

govuk-frontend-wtf draws every field through a whole ``flask.render_template`` of a two-line
template (``{% from '<component>/macro.html' import govukX %}{{ govukX(params) }}``): context
processors, template signals and a macro import for each field, the largest part of the response
page's drawing. The same macro called with the same parameters gives the same HTML; tests/test_widgets.py
checks that for every widget the tracker uses.

A field's HTML is a function of its parameters, so it is drawn through tracker.drawings, which
keeps what each process drew (the empty forms every page shows).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, cast

from flask import Flask, current_app
from govuk_frontend_wtf.gov_form_base import GovFormBase
from markupsafe import Markup

from tracker import drawings

_IMPORT = re.compile(r"""\{%\s*from\s+['"]([^'"]+)['"]\s+import\s+(\w+)\s*%\}\s*\{\{\s*\2\(params\)\s*\}\}\s*$""")
_EXTENSION_KEY = "kc_widget_macros"


def _macro(app: Flask, template: str) -> Callable[[dict[str, Any]], Markup] | None:
    """The component macro a widget template calls, or None if the template is not the
    library's two-line form (then the library's own rendering is used)."""
    cache: dict[str, Callable[[dict[str, Any]], Markup] | None] = app.extensions.setdefault(_EXTENSION_KEY, {})
    if template not in cache:
        source, _, _ = app.jinja_env.loader.get_source(app.jinja_env, template)  # type: ignore[union-attr]
        found = _IMPORT.match(source.strip())
        cache[template] = (
            getattr(app.jinja_env.get_template(found.group(1)).module, found.group(2)) if found else None
        )
    return cache[template]


_library_render = GovFormBase.render


def _render(self: GovFormBase, params: dict[str, Any]) -> Markup:
    template: str = self.template
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    macro = _macro(app, template)
    if macro is None:
        return cast(Markup, _library_render(self, params))
    return drawings.draw(template, macro, params)


def install() -> None:
    GovFormBase.render = _render
