"""Issue 23 in a real browser: "upload a Word draft". The lead opens the editor, follows "Upload a
Word document", chooses a .docx (a table, a numbered list, a link, a heading and a picture), sees
what it changes and what was left out, saves it, and the response page shows it; axe finds nothing
serious on either page."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH

from tests import factories
from tests.browser.axe import serious_a11y_faults
from tests.browser.conftest import browser_login
from tests.drafts import word_files as wf
from tracker.drafts import queries, versions
from tracker.extensions import db
from tracker.models import Consultation, Role, Status

pytestmark = pytest.mark.browser


def _word_draft() -> bytes:
    doc = wf.new()
    doc.add_heading("Our evidence", level=1)
    intro = doc.add_paragraph("Bus use fell by a third; see ")
    wf.add_link(intro, "https://www.gov.uk/guidance/bus-services", "the guidance")
    intro.add_run(".")
    table = doc.add_table(rows=2, cols=2)
    for c, (head, value) in enumerate([("City", "Hull"), ("Routes", "12")]):
        table.cell(0, c).text, table.cell(1, c).text = head, value
    table.cell(1, 1).paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    wf.add_list(doc, [(0, "Fund the routes"), (0, "Publish the timetables")])
    doc.add_picture(io.BytesIO(wf.png()))
    return wf.save(doc)


def test_upload_a_word_draft(live_server: str, page: Any) -> None:
    lead = factories.make_user(Role.POLICY_LEAD, city_name="Hull", name="Lena Lead")
    consultation = factories.make_consultation(Status.DRAFTING, title="Bus services: accessibility", lead=lead)
    db.session.flush()
    versions.save_version(lead, consultation, versions.DraftText(body="The first, typed version."), 0)
    db.session.commit()

    browser_login(page, live_server, lead.email, factories.PASSWORD)
    page.goto(f"{live_server}/consultations/{consultation.id}/response/edit")
    page.get_by_role("link", name="Upload a Word document").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Bus services: accessibility"
    assert serious_a11y_faults(page) == []

    # Submitting without a file says so on the field.
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_load_state()
    assert "Choose a Word document (.docx) to upload." in page.locator(".govuk-error-summary").inner_text()

    page.set_input_files("input[name=file]", files=[{"name": "Bus draft.docx", "mimeType": wf.DOCX_TYPE,
                                                    "buffer": _word_draft()}])
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_load_state()
    assert "Check the uploaded document" in page.locator(".govuk-caption-l").inner_text()
    assert page.locator("[data-kc-filename]").inner_text() == "Bus draft.docx"
    assert page.locator("[data-kc-dropped] li").all_inner_texts() == ["A picture"]
    assert "Fund the routes" in page.locator("[data-kc-change]").first.inner_text()
    page.locator("summary", has_text="The version as it will look").click()
    assert page.locator("[data-kc-upload-preview] table td").all_inner_texts() == ["Hull", "12"]
    assert serious_a11y_faults(page) == []

    page.get_by_role("button", name="Save as version 2").click()
    page.wait_for_load_state()
    assert "Version 2 saved from Bus draft.docx." in page.content()
    markdown = page.locator(".kc-markdown").first
    assert markdown.locator("h2", has_text="Our evidence").count() == 1
    assert markdown.locator("ol li").all_inner_texts() == ["Fund the routes", "Publish the timetables"]
    assert markdown.locator("a", has_text="the guidance").get_attribute("href") == \
        "https://www.gov.uk/guidance/bus-services"

    db.session.expire_all()
    version = queries.current_version(queries.get_response(db.session.get(Consultation, consultation.id)))
    assert version.number == 2 and version.note == "Uploaded from Bus draft.docx"
    assert "| City | Routes |\n| --- | ---: |\n| Hull | 12 |" in version.body
