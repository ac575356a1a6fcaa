"""The one Markdown renderer of the tracker: markdown-it-py, then sanitised with nh3.

Every place that shows user Markdown (versions, comments, preview, library) calls
``render()``; it returns ``Markup`` only after nh3 has cleaned it, so a template can
never show unsanitised HTML by forgetting a filter.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict

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


def shift_headings(toks: list[Token], top: int) -> list[Token]:
    """Make the text's ``#`` heading an h``top`` (and ``##`` the level below, and so on, h6 at
    most): a draft sits under the page's own headings, so the page keeps its one h1. A heading is
    never more than one level below the one before it (a text that starts at ``##`` or jumps from
    ``#`` to ``###``), so the page's outline skips no level for people moving by headings."""
    level = top - 1
    for tok in toks:
        if tok.type == "heading_open":
            level = min(int(tok.tag[1]) + top - 1, 6, level + 1)
        if tok.type in ("heading_open", "heading_close"):
            tok.tag = f"h{level}"
    return toks


def heading_top(in_sections: bool) -> int:
    """The level a draft's ``#`` heading takes, the same on the page and in the exports: under
    the title (level 1) in a free-text response, under the Introduction or Question heading
    (level 2) in one answered question by question."""
    return 3 if in_sections else 2


# Saved versions and comments never change, and the response page shows the same ones to
# everyone: each web process keeps the sanitised HTML of the texts it rendered last.
_CACHE_SIZE = 256
_CACHE_MAX_SOURCE = 50_000  # characters; longer drafts are rendered every time
_cache: OrderedDict[tuple[bytes, int], str] = OrderedDict()
_cache_lock = threading.Lock()


def render(source: str | None, top: int = 2) -> Markup:
    """Markdown to safe HTML, its headings starting at h``top``."""
    if not source:
        return Markup("")
    if len(source) > _CACHE_MAX_SOURCE:
        return Markup(_render(source, top))  # noqa: S704 - sanitised by nh3 in _render
    key = (hashlib.blake2b(source.encode(), digest_size=16).digest(), top)
    with _cache_lock:
        html = _cache.get(key)
        if html is not None:
            _cache.move_to_end(key)
    if html is None:
        html = _render(source, top)
        with _cache_lock:
            _cache[key] = html
            if len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return Markup(html)  # noqa: S704 - sanitised by nh3 in _render


def _render(source: str, top: int) -> str:
    html = _md.renderer.render(shift_headings(_md.parse(source), top), _md.options, {})
    return sanitise(html)


# A comment's mentions (drafts/mentions.py) are the one mark the renderer adds itself: Markdown
# cannot produce a <mark> (raw HTML is shown as text), so only those pass the sanitiser.
_MENTION_CLASSES = {"mark": {"kc-mention"}}


def render_tokens(toks: list[Token], top: int = 2, *, mentions: bool = False) -> Markup:
    """render() for a token stream changed by its caller (mentions highlighted), not kept."""
    html = _md.renderer.render(shift_headings(toks, top), _md.options, {})
    if not mentions:
        return Markup(sanitise(html))  # noqa: S704 - sanitised by nh3
    return Markup(nh3.clean(  # noqa: S704 - sanitised by nh3
        html, tags=ALLOWED_TAGS | {"mark"}, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow", strip_comments=True, allowed_classes=_MENTION_CLASSES,
    ))


def tokens(source: str) -> list[Token]:
    """The markdown-it token stream, for the DOCX export."""
    return _md.parse(source or "")


# An ATX heading's hashes, after any blockquote or list marker that contains it.
_ATX = re.compile(r"^((?:[ \t]*>)*[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?[ \t]*)(#{1,6})(?=[ \t]|$)")


def shift_source(source: str, top: int) -> str:
    """The Markdown text with its headings moved as ``render(source, top)`` moves them, for the
    Markdown export; an underlined (setext) heading becomes a ``#`` one."""
    lines: list[str | None] = list(source.split("\n"))
    toks = _md.parse(source)
    for i, tok in enumerate(toks):
        if tok.type != "heading_open" or tok.map is None:
            continue
        level = min(int(tok.tag[1]) + top - 1, 6)
        first, end = tok.map
        if tok.markup.startswith("#"):
            lines[first] = _ATX.sub(r"\g<1>" + "#" * level, lines[first] or "", count=1)
        else:
            # Text lines, then the underline: one ATX heading line instead.
            content = " ".join(toks[i + 1].content.split("\n"))
            lines[first:end] = [f"{'#' * level} {content}", *[None] * (end - first - 1)]
    return "\n".join(line for line in lines if line is not None)


def plain_text(source: str | None) -> str:
    """The words of the Markdown text without its marks (for search snippets): blocks joined
    by spaces, links as their text."""
    parts: list[str] = []
    for tok in _md.parse(source or ""):
        if tok.type == "inline":
            parts.append("".join(child.content for child in tok.children or []
                                 if child.type in ("text", "code_inline")) or tok.content)
        elif tok.type in ("fence", "code_block"):
            parts.append(tok.content.strip())
    return " ".join(" ".join(part.split()) for part in parts if part.strip())
