"""The one Markdown renderer of the tracker: markdown-it-py, then sanitised with nh3.

Every place that shows user Markdown (versions, comments, preview, library) calls
``render()``; it returns ``Markup`` only after nh3 has cleaned it, so a template can
never show unsanitised HTML by forgetting a filter.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

# Raw HTML in the source is shown as text (html=False); nh3 then removes anything
# that slipped through the renderer itself (defence in depth).
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "s", "del",
    "ins", "code", "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr",
    "th", "td", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render(source: str | None) -> Markup:
    """Markdown to safe HTML."""
    if not source:
        return Markup("")
    return Markup(sanitise(_md.render(source)))  # noqa: S704 - sanitised by nh3 just above


def tokens(source: str) -> list[Token]:
    """The markdown-it token stream, for the DOCX export."""
    return _md.parse(source or "")
