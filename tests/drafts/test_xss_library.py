"""Rendering is inert whatever users type; the library finds past responses."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tracker.drafts.markdown import render
from tracker.extensions import db
from tracker.models import Status
from tracker.models.drafts import CitySupport, Question, ResponseVersion

PAYLOADS = [
    "<script>alert('xss-1')</script>",
    "<img src=x onerror=alert('xss-2')>",
    "<svg onload=alert('xss-3')>",
    "[click](javascript:alert('xss-4'))",
    "[click](JaVaScRiPt:alert('xss-5'))",
    "[click](  javascript:alert('xss-6'))",
    "[click](java\tscript:alert('xss-7'))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCg4KTwvc2NyaXB0Pg==)",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoOSk+)",
    "![img](javascript:alert('xss-10'))",
    "<a href=\"javascript:alert('xss-11')\">x</a>",
    "<iframe src=\"javascript:alert('xss-12')\"></iframe>",
    "<div style=\"background:url(javascript:alert('xss-13'))\" onclick=alert(13)>x</div>",
    "[x](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert('xss-14'))",
    "<details open ontoggle=alert('xss-15')>",
    "<body onload=alert('xss-16')>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss-17')>",
    "[x](vbscript:msgbox('xss-18'))",
    "<form action=\"javascript:alert('xss-19')\"><button>go</button></form>",
    "`<script>alert('xss-20')</script>` and ```\n<script>alert(21)</script>\n```",
    "<a href=\"&#x6A;avascript:alert('xss-22')\">x</a>",
    "<<script>script>alert('xss-23')<</script>/script>",
]

BAD_SCHEME = re.compile(r"^\s*(javascript|data|vbscript):", re.I)


class _Inspector(HTMLParser):
    """Collects real elements and attributes (text that merely looks like HTML is fine)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "svg", "math", "style", "frame", "base"):
            if tag != "script" or not self._is_ours(attrs):
                self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name.lower() in ("href", "src", "action", "formaction", "xlink:href") and value and BAD_SCHEME.match(value):
                self.problems.append(f"{tag} {name}={value}")
            if name.lower() == "style" and value and "javascript" in value.lower():
                self.problems.append(f"{tag} style")

    @staticmethod
    def _is_ours(attrs: list[tuple[str, str | None]]) -> bool:
        # The layout's own scripts: modules from /static and GOV.UK's body-class one-liner, which
        # carries only the page's CSP nonce.
        src = dict(attrs).get("src") or ""
        return src.startswith("/static/") or [name for name, _ in attrs] == ["nonce"]


def assert_inert(html: str) -> None:
    inspector = _Inspector()
    inspector.feed(html)
    assert inspector.problems == [], inspector.problems
    # The raw text too: no script tag and no event handler inside any tag.
    for tag in re.findall(r"<[^>]+>", html):
        assert not re.search(r"\son\w+\s*=", tag, re.I), tag
    assert "xss-" not in "".join(re.findall(r"<script[^>]*>.*?</script>", html, re.S | re.I))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_renderer_output_is_inert(payload):
    html = str(render(payload))
    assert "<script" not in html.lower()
    assert_inert(html)


def test_payloads_in_drafts_and_comments_render_inert_on_every_page(make_draft, as_user, users):
    assert len(PAYLOADS) >= 15
    joined = "\n\n".join(PAYLOADS)
    consultation = make_draft(Status.IN_REVIEW, versions=["Safe first version.", joined])
    q = Question(consultation_id=consultation.id, number=1, text="<script>alert('xss-q')</script>Question?")
    db.session.add(q)
    db.session.commit()
    client = as_user("lead")
    # Answers by question, a comment per payload, and a preview.
    client.post(f"/consultations/{consultation.id}/response/mode", data={"mode": "questions", "version": consultation.version})
    client.post(f"/consultations/{consultation.id}/response/edit",
                data={"base_version": 2, "body": joined, f"answer_{q.id}": joined, "note": PAYLOADS[0], "save": "1"})
    for payload in PAYLOADS:
        assert client.post(f"/consultations/{consultation.id}/response/comments", data={"body": payload}).status_code == 302
    base = f"/consultations/{consultation.id}/response"
    pages = [base, f"{base}/versions", f"{base}/versions/2", f"{base}/versions/3", f"{base}/diff?from=1&to=3"]
    for path in pages:
        r = client.get(path)
        assert r.status_code == 200, path
        assert_inert(r.get_data(as_text=True))
    preview = client.post(f"/consultations/{consultation.id}/response/edit",
                          data={"base_version": 3, "body": joined, f"answer_{q.id}": joined, "preview": "1"})
    assert preview.status_code == 200
    assert_inert(preview.get_data(as_text=True))
    live = client.post(f"/consultations/{consultation.id}/response/preview", data={"text": joined})
    assert live.status_code == 200
    assert_inert(live.get_data(as_text=True))
    # The comment text is still shown, as text.
    assert "&lt;script&gt;alert('xss-1')&lt;/script&gt;" in client.get(base).get_data(as_text=True)


def _submitted(make_draft, title: str, text: str, area: str = "Transport", year_days: int = -10):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from tracker.models.drafts import Submission
    from tracker.timeutil import utcnow

    consultation = make_draft(Status.SUBMITTED, versions=[text], title=title, area=area, closes_in_days=year_days)
    version = db.session.scalar(db.select(ResponseVersion).where(ResponseVersion.body == text))
    db.session.add(Submission(consultation_id=consultation.id, version_id=version.id, method="email",
                              submitted_at=utcnow() - timedelta(days=-year_days + 1), reference="R"))
    db.session.commit()
    return consultation


def test_library_finds_a_response_by_a_phrase(make_draft, as_user, users):
    wanted = _submitted(make_draft, "Bus franchising guidance", "We ask for a bus franchising fund for smaller cities.")
    _submitted(make_draft, "Planning fees", "Planning fees should cover the full cost of the service.", area="Housing")
    make_draft(Status.DRAFTING, versions=["A bus franchising fund draft that was never submitted."], title="Unsent draft")
    db.session.add(CitySupport(consultation_id=wanted.id, city_id=users["other_lead"].city_id))
    db.session.commit()
    client = as_user("contributor")
    page = client.get("/consultations/library?q=bus+franchising+fund").get_data(as_text=True)
    assert "Bus franchising guidance" in page
    assert "Planning fees" not in page and "Unsent draft" not in page
    assert "supported by Salford" in page
    assert f"/consultations/{wanted.id}/response/versions/1/export.docx" in page
    # Case does not matter; LIKE wildcards in the search are literal.
    assert "Bus franchising guidance" in client.get("/consultations/library?q=BUS+FRANCHISING").get_data(as_text=True)
    assert "1 response" not in client.get("/consultations/library?q=%25").get_data(as_text=True)
    # Filters by work area.
    housing = db.session.scalar(db.select(type(wanted.work_area)).where(type(wanted.work_area).name == "Housing"))
    by_area = client.get(f"/consultations/library?area={housing.id}").get_data(as_text=True)
    assert "Planning fees" in by_area and "Bus franchising guidance" not in by_area


def test_library_year_filter_and_bad_input(make_draft, as_user):
    from tracker.timeutil import to_uk, utcnow

    _submitted(make_draft, "Recent one", "text of the recent one")
    client = as_user("contributor")
    year = to_uk(utcnow()).year
    assert "Recent one" in client.get(f"/consultations/library?year={year}").get_data(as_text=True)
    assert client.get("/consultations/library?year=1999").status_code == 400
    assert client.get("/consultations/library?page=999").status_code == 200


def test_a_rendered_text_is_reused_the_same_and_stays_inert() -> None:
    """The per-process cache of rendered texts (keyed by the text and the heading level) gives
    back what a fresh render gives, and never a different level's HTML."""
    from tracker.drafts import markdown

    text = "# Our view\n\n<script>alert('cached')</script> and **bold**"
    markdown._cache.clear()
    fresh = render(text, 2)
    assert len(markdown._cache) == 1
    assert render(text, 2) == fresh  # from the cache
    assert len(markdown._cache) == 1
    assert "<h2>Our view</h2>" in fresh and "<script" not in fresh
    assert "<h3>Our view</h3>" in render(text, 3)
    long_text = "word " * 20_000
    render(long_text)
    assert len(markdown._cache) == 2  # too long to keep: rendered each time
