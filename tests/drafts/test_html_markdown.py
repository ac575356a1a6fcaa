"""The HTML mammoth writes, as Markdown that reads back to the same words and structure."""

from __future__ import annotations

import html

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tracker.drafts.html_markdown import RULE_TEXT, convert
from tracker.drafts.markdown import render, tokens


def md(source: str, alignments=None) -> str:  # type: ignore[no-untyped-def]
    return "\n\n".join(b.markdown for b in convert(source, alignments).blocks)


def words_of(markdown: str) -> tuple[list[str], str]:
    """(block token types, the inline text) of Markdown as the tracker reads it."""
    toks = tokens(markdown)
    text = []
    for tok in toks:
        for child in tok.children or []:
            if child.type in ("text", "code_inline"):
                text.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                text.append(" ")
    return [t.type for t in toks if t.type != "inline"], " ".join("".join(text).split())


# Text a council officer might type, heavy on what Markdown gives a meaning to.
PROSE = st.text(alphabet=st.sampled_from(list("abc XYZ 019*_`[]()<>#-+=!|~&;.:\\'\"/\t")), max_size=40)


@settings(max_examples=300, deadline=None)
@given(PROSE)
def test_any_text_reads_back_as_the_same_words_in_one_paragraph(text):
    expected = " ".join(text.split())
    assume(expected != RULE_TEXT)  # the export's thematic break, read back as one
    out = md(f"<p>{html.escape(text)}</p>")
    if not expected:
        assert out == ""
        return
    assert words_of(out) == (["paragraph_open", "paragraph_close"], expected)


SEGMENT = st.tuples(PROSE, st.sampled_from(["", "strong", "em", "s", "strong em"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(SEGMENT, min_size=1, max_size=6))
def test_bold_and_italics_never_leave_stray_marks(segments):
    source = ""
    for text, marks in segments:
        inner = html.escape(text)
        for tag in marks.split():
            inner = f"<{tag}>{inner}</{tag}>"
        source += inner
    expected = " ".join("".join(t for t, _m in segments).split())
    assume(expected != RULE_TEXT)
    out = md(f"<p>{source}</p>")
    if expected:
        assert words_of(out) == (["paragraph_open", "paragraph_close"], expected)


def test_marks_on_words_come_through():
    out = md("<p>The <strong>network</strong> <em>welcomes</em> it<strong> strongly </strong>and "
             "<s>no longer</s> <strong><em>both</em></strong>, un<strong>usual</strong>ly.</p>")
    assert out == "The **network** *welcomes* it **strongly** and ~~no longer~~ ***both***, un**usual**ly."
    page = str(render(out))
    assert "<strong>network</strong>" in page and "<em>welcomes</em>" in page and "<s>no longer</s>" in page


def test_a_mark_markdown_cannot_place_is_dropped_and_said():
    converted = convert('<p><strong>"quoted"</strong>word</p>')
    # "**" closing after a quote mark and before a letter does not close in Markdown.
    assert [b.markdown for b in converted.blocks] == ['"quoted"word']
    assert converted.dropped == ['Bold, italic or struck-through text in “"quoted"word” (kept as plain text: '
                                 "Markdown could not mark it as it was)"]


def test_lines_that_would_start_a_list_heading_or_quote_are_escaped():
    out = md("<p>- not a list<br />1. nor this<br /># nor a heading<br />+ nor<br />=====<br />&gt; nor a quote</p>")
    assert words_of(out) == (["paragraph_open", "paragraph_close"],
                             "- not a list 1. nor this # nor a heading + nor ===== > nor a quote")


def test_headings_keep_their_level_and_a_closing_hash():
    converted = convert("<h1>Plan B #</h1><h3>Costs<br />and <em>funding</em></h3><h2></h2>"
                        '<h2><strong>"Quoted"</strong>word <img alt="logo" /></h2>')
    assert [(b.kind, b.heading, b.text, b.markdown) for b in converted.blocks] == [
        ("heading", 1, "Plan B #", "# Plan B \\#"),
        ("heading", 3, "Costs and funding", "### Costs and *funding*"),
        ("heading", 2, '"Quoted"word', '## "Quoted"word'),
    ]
    assert converted.dropped == ["A picture (logo)"]  # said once, though the heading was written twice
    assert "<h1>Plan B #</h1>" in str(render("# Plan B \\#", 1))


def test_links():
    converted = convert('<p><a href="https://example.org/a (b)">the (report)</a>, <a href="mailto:x@y.test">mail</a>, '
                        '<a href="javascript:alert(1)">bad</a>, <a href="file:///c:/x.doc">local</a>, '
                        '<a href="#_Toc1">contents</a>, <a id="bookmark"></a>end</p>')
    [block] = converted.blocks
    assert block.markdown == ("[the (report)](https://example.org/a%20%28b%29), [mail](mailto:x@y.test), bad, "
                              "local, contents, end")
    assert converted.dropped == [
        "A link to “javascript:alert(1)” (only web and email links are kept): its text is kept",
        "A link to “file:///c:/x.doc” (only web and email links are kept): its text is kept",
    ]
    assert 'href="https://example.org/a%20%28b%29"' in str(render(block.markdown))


def test_nested_lists_and_a_continued_item():
    source = ("<ol><li>one<ul><li>a</li><li>b<ol><li>deep</li></ol></li></ul></li><li>two</li></ol>"
              '<p class="kc-continue-1">More about two.</p><ul><li></li><li>only</li></ul>')
    out = md(source)
    assert out == ("1. one\n   - a\n   - b\n     1. deep\n2. two\n\n   More about two.\n\n- only")
    page = str(render(out))
    assert page.count("<ol>") == 2 and page.count("<ul>") == 2
    assert "<li>\n<p>two</p>\n<p>More about two.</p>\n</li>" in page


def test_tables_with_merged_cells_pipes_and_lists():
    source = ("<table><thead><tr><th><p><strong>Area</strong></p></th><th colspan=\"2\"><p>Figures</p></th></tr>"
              "</thead><tbody><tr><td rowspan=\"2\"><p>Hull</p></td><td><p>a | b</p></td><td><p><code>x|y</code></p>"
              "</td></tr><tr><td><p>one</p><p>two</p></td><td><ul><li>p</li><li>q</li></ul></td></tr></tbody></table>")
    converted = convert(source, [[None, "center", "right"]])
    [block] = converted.blocks
    assert block.kind == "table"
    assert block.markdown == ("| Area | Figures |  |\n| --- | :---: | ---: |\n| Hull | a \\| b | `x\\|y` |\n"
                              "|  | one two | p; q |")
    page = str(render(block.markdown))
    assert "<td>a | b</td>" in page and "<code>x|y</code>" in page
    assert converted.dropped == ["A list inside a table cell (its text is kept on one line in the cell)",
                                 "Merged table cells (split again: Markdown tables have none)"]


def test_pictures_unknown_elements_and_the_trackers_own_paragraphs():
    converted = convert('<p class="kc-title">Response</p><p class="kc-tracker">Version: 3</p>'
                        '<p>Before <img alt="A chart of bus use" /><img /> after <script>alert(1)</script></p>'
                        "<blockquote><p>Quoted</p><p>twice</p></blockquote><p><code>line 1<br />line 2</code></p>")
    assert [b.markdown for b in converted.blocks] == [
        "Before after alert(1)", "> Quoted\n>\n> twice", "```\nline 1\nline 2\n```"]
    assert converted.dropped == [
        "The title page and question texts of a file exported from the tracker (the export writes them again)",
        "A picture (A chart of bus use)", "A picture",
    ]
    assert convert('<p class="kc-title">Our response</p><p>* * *</p>').dropped == [
        "The document's title “Our response” (the tracker shows the consultation's title)"]
    assert [b.markdown for b in convert("<p>* * *</p>").blocks] == ["---"]
