"""GOV.UK macros drawn from what each process kept (tracker/drawings.py): the same HTML as the
macro draws, never another call's, and escaping kept apart from markup."""

from __future__ import annotations

from flask import Flask, render_template_string
from markupsafe import Markup

from tracker import drawings


def _plain_macro(app: Flask, name: str, component: str):  # type: ignore[no-untyped-def]
    module = app.jinja_env.get_template(f"govuk_frontend_jinja/components/{component}/macro.html").module
    return getattr(module, name)


def test_a_kept_drawing_is_the_macros_own(app: Flask) -> None:
    drawings.forget()
    tag = {"text": "In review", "classes": "govuk-tag--orange"}
    with app.test_request_context("/"):
        first = render_template_string("{{ govukTag(tag) }}", tag=tag)
        again = render_template_string("{{ govukTag(tag) }}", tag=tag)
        own = str(_plain_macro(app, "govukTag", "tag")(tag))
    assert first == again == own
    assert '<strong class="govuk-tag govuk-tag--orange">' in first and "In review" in first


def test_text_and_markup_of_the_same_characters_are_drawn_apart(app: Flask) -> None:
    drawings.forget()
    with app.test_request_context("/"):
        as_text = render_template_string('{{ govukInsetText({"text": t}) }}', t="<b>bold</b>")
        as_markup = render_template_string('{{ govukInsetText({"text": t}) }}', t=Markup("<b>bold</b>"))
        as_text_again = render_template_string('{{ govukInsetText({"text": t}) }}', t="<b>bold</b>")
    assert "&lt;b&gt;bold&lt;/b&gt;" in as_text and "<b>" not in as_text
    assert "<b>bold</b>" in as_markup
    assert as_text_again == as_text


def test_different_parameters_are_different_drawings(app: Flask) -> None:
    drawings.forget()
    with app.test_request_context("/"):
        html = [render_template_string("{{ govukButton({'text': t, 'href': h}) }}", t=t, h=h)
                for t, h in (("Assign", "/consultations/1/assign"), ("Assign", "/consultations/2/assign"),
                             ("Triage", "/consultations/1/assign"))]
    assert len(set(html)) == 3
    assert "/consultations/2/assign" in html[1] and "Triage" in html[2]


def test_a_call_block_and_long_texts_are_drawn_and_not_kept(app: Flask) -> None:
    drawings.forget()
    long_text = "word " * 1_500
    with app.test_request_context("/"):
        called = render_template_string(
            "{% call govukDetails({'summaryText': 'More'}) %}<p>Inside</p>{% endcall %}")
        long = render_template_string("{{ govukInsetText({'text': t}) }}", t=long_text)
    assert "<p>Inside</p>" in called and "More" in called
    assert long_text.strip() in long
    assert not any(long_text.strip() in repr(key) for key in drawings._drawn)
    assert not any("Inside" in repr(key) for key in drawings._drawn)


def test_every_pages_service_navigation_is_drawn_from_what_was_kept(app: Flask, as_user) -> None:  # type: ignore[no-untyped-def]
    # GOV.UK's page template imports its own govukServiceNavigation: the frame must not draw
    # through that one, or the navigation of every page is drawn anew.
    drawings.forget()
    client = as_user("coordinator")
    first = client.get("/notifications").get_data(as_text=True)
    kept = [key for key in drawings._drawn if key[0] == "govukServiceNavigation"]
    assert len(kept) == 1
    assert client.get("/notifications").get_data(as_text=True).count('class="govuk-service-navigation"') == 1
    assert [key for key in drawings._drawn if key[0] == "govukServiceNavigation"] == kept
    # The kept drawing is the one shown: the current section marked, the coordinator's inbox listed.
    assert "govuk-service-navigation__item--active" in first and 'href="/intake/"' in first
