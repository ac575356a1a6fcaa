"""Writing Markdown text that the tracker's renderer reads back as it was written: text escaped,
marks placed where Markdown lets them open and close, code spans and fences long enough, lines
that would start a list or heading escaped, and a paragraph checked by parsing it again."""

from __future__ import annotations

import re

from tracker.drafts.markdown import tokens
from tracker.routing import CONTROL_CHARACTERS

# ASCII punctuation Markdown gives a meaning to anywhere in a line.
_ESCAPE = re.compile(r"([\\`*_\[\]<>|~])")
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_LINE_START = re.compile(r"^[-+=#]")
_NUMBERED = re.compile(r"^(\d{1,9})([.)])")
MARKER = re.compile(r"^( *)(- |\d{1,9}\. )")
_CLOSING_HASHES = re.compile(r"( )(#+) *$")
HARD_BREAK = "\n"  # inside a paragraph's text, whitespace is collapsed, so a newline is a <br>


def escape(text: str) -> str:
    return _ENTITY.sub("\\\\&", _ESCAPE.sub(r"\\\1", text))


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", CONTROL_CHARACTERS.sub("", text))


def url(href: str) -> str:
    return href.strip().replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C") \
        .replace(">", "%3E")


def wrap(marker: str, inner: str) -> str:
    """``**inner**`` with any spaces or line breaks at its ends moved outside: "** x**" is not bold."""
    core = inner.strip(" " + HARD_BREAK)
    if not core:
        return inner
    start = inner.index(core)
    return f"{inner[:start]}{marker}{core}{marker}{inner[start + len(core):]}"


def code(text: str) -> str:
    text = " ".join(collapse(text).split())
    if not text:
        return ""
    ticks = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fence(text: str) -> str:
    text = CONTROL_CHARACTERS.sub("", text).strip("\n")
    ticks = "`" * max(3, max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    return f"{ticks}\n{text}\n{ticks}"


def lines(inline: str) -> str:
    """A paragraph's inline Markdown as lines: no spaces at their ends, a line that would start a
    list, heading or quote escaped, and line breaks as Markdown's backslash line break."""
    parts = [escape_start(re.sub(" {2,}", " ", line).strip(" "))
             for line in inline.strip(" " + HARD_BREAK).split(HARD_BREAK)]
    return "\\\n".join(part for part in parts if part)


def heading_line(level: int, inline: str) -> str:
    """An ATX heading; a "#" at the end of its text is escaped ("Plan B #" would lose it)."""
    return "#" * level + " " + _CLOSING_HASHES.sub(r"\1\\\2", inline)


def escape_start(line: str) -> str:
    if _LINE_START.match(line):
        return "\\" + line
    return _NUMBERED.sub(r"\1\\\2", line, count=1)


def reads_back(markdown: str, expected: str, kind: str = "paragraph") -> bool:
    """Whether ``markdown`` is one paragraph (or heading) whose words are ``expected``: no mark
    left as a stray character, no line read as a list or heading."""
    toks = tokens(markdown)
    if [t.type for t in toks] != [f"{kind}_open", "inline", f"{kind}_close"]:
        return False
    words = []
    for child in toks[1].children or []:
        if child.type in ("text", "code_inline"):
            words.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            words.append(" ")
    return " ".join("".join(words).split()) == expected


def continue_item(markdown: str, text: str, depth: int) -> str:
    """A "List Continue" paragraph as a further paragraph of the list's last item at ``depth``
    (1 the outermost), under that item's text."""
    markers = [m for m in map(MARKER.match, markdown.split("\n")) if m]
    indents = sorted({len(m.group(1)) for m in markers})
    if not markers:
        return markdown + "\n\n" + text
    level = indents[min(depth, len(indents)) - 1]
    last = [m for m in markers if len(m.group(1)) == level][-1]
    pad = " " * last.end()
    return markdown + "\n\n" + "\n".join(pad + line if line else line for line in text.split("\n"))
