"""Untrusted input: only the allowed bases (redirects included), size limits before and while
reading, short reads said so, DOCX zip bombs refused unread."""

from __future__ import annotations

import io
import zipfile

import pytest
from flask import Flask

from tests.documents.server import Sites, redirect, short_body, streaming
from tracker.documents.docx import UnreadableDocx, docx_blocks
from tracker.documents.fetch import FetchError, api_path, origin
from tracker.documents.reader import Reader, make_fetcher

MB = 1_000_000


def test_origins_compare_scheme_host_and_port() -> None:
    assert origin("https://assets.publishing.service.gov.uk/media/x.pdf") == (
        "https", "assets.publishing.service.gov.uk", 443)
    assert origin("HTTPS://Assets.Publishing.Service.gov.uk:443/x") == ("https", "assets.publishing.service.gov.uk", 443)
    for bad in ("ftp://www.gov.uk/x", "https://user:pw@www.gov.uk/x", "javascript:alert(1)", "https://www.gov.uk:99999/",
                "//www.gov.uk/x", ""):
        assert origin(bad) is None


def test_only_the_allowed_bases_are_fetched(sites: Sites) -> None:
    fetcher = make_fetcher()
    assert fetcher.is_allowed(sites.assets.url + "/media/a.pdf")
    assert fetcher.is_allowed("https://assets.publishing.service.gov.uk/media/a.pdf")
    for url in (sites.foreign.url + "/media/a.pdf", "http://assets.publishing.service.gov.uk/media/a.pdf",
                "https://assets.publishing.service.gov.uk:8443/media/a.pdf", "https://assets.publishing.service.gov.uk.evil.example/a",
                sites.assets.url.replace("127.0.0.1", "localhost") + "/media/a.pdf"):
        assert not fetcher.is_allowed(url), url
        with pytest.raises(FetchError, match="not one of the allowed addresses"):
            fetcher.get(url)
    assert sites.foreign.requests == []


def test_a_gov_uk_path_cannot_change_the_host() -> None:
    for path in ("//evil.example/x", "https://evil.example/x", "x", "/a\\b"):
        with pytest.raises(FetchError, match="not a GOV.UK path"):
            api_path(path)
    assert api_path("/government/consultations/a b") == "/government/consultations/a%20b"


def test_a_redirect_to_a_foreign_host_is_refused(sites: Sites) -> None:
    sites.assets.routes["/media/moved.pdf"] = redirect(sites.foreign.url + "/media/adult-skills-fund.pdf")
    with pytest.raises(FetchError, match="not one of the allowed addresses") as refused:
        make_fetcher().get(sites.assets.url + "/media/moved.pdf")
    assert not refused.value.transient
    assert sites.assets.requests == ["/media/moved.pdf"]
    assert sites.foreign.requests == []


def test_a_redirect_within_the_allowed_bases_is_followed_and_too_many_are_not(sites: Sites) -> None:
    sites.assets.routes["/media/old.pdf"] = redirect("/media/adult-skills-fund.pdf", 301)
    fetched = make_fetcher().get(sites.assets.url + "/media/old.pdf")
    assert fetched.data.startswith(b"%PDF-") and fetched.url.endswith("/media/adult-skills-fund.pdf")
    sites.assets.routes["/media/loop.pdf"] = redirect("/media/loop.pdf")
    with pytest.raises(FetchError, match="more than 5 redirects"):
        make_fetcher().get(sites.assets.url + "/media/loop.pdf")


def test_a_300_mb_file_is_refused_without_being_downloaded(sites: Sites) -> None:
    sites.assets.routes["/media/huge.pdf"] = streaming(sites.assets, declared=300 * MB, total=300 * MB)
    with pytest.raises(FetchError) as refused:
        make_fetcher().get(sites.assets.url + "/media/huge.pdf")
    assert str(refused.value) == ("refused unread: it declares 300.0 MB, over the limit of 20.0 MB "
                                  "(DOCUMENT_MAX_BYTES)")
    assert sites.assets.done.wait(10), "the server should have seen the client hang up"
    assert sites.assets.bytes_sent < 2 * MB, sites.assets.bytes_sent


def test_a_lying_content_length_stops_at_the_limit(sites: Sites, app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "DOCUMENT_MAX_BYTES", 1 * MB)
    sites.assets.routes["/media/liar.pdf"] = streaming(sites.assets, declared=1000, total=50 * MB, chunked=True)
    with pytest.raises(FetchError) as stopped:
        make_fetcher().get(sites.assets.url + "/media/liar.pdf")
    assert str(stopped.value) == ("stopped reading at the limit of 1.0 MB (DOCUMENT_MAX_BYTES): the file is "
                                  "larger, though its Content-Length said 1,000 bytes")
    assert sites.assets.done.wait(10)
    assert sites.assets.bytes_sent < 4 * MB


def test_no_content_length_stops_at_the_limit_too(sites: Sites, app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "DOCUMENT_MAX_BYTES", 1 * MB)
    sites.assets.routes["/media/endless.pdf"] = streaming(sites.assets, declared=None, total=50 * MB)
    with pytest.raises(FetchError, match="it gave no Content-Length"):
        make_fetcher().get(sites.assets.url + "/media/endless.pdf")


def test_a_short_read_is_an_error_that_says_so(sites: Sites) -> None:
    sites.assets.routes["/media/cut.pdf"] = short_body(declared=100_000, sent=40_000)
    with pytest.raises(FetchError, match=r"^short read: got 40,000 of the 100,000 bytes its Content-Length declared") \
            as cut:
        make_fetcher().get(sites.assets.url + "/media/cut.pdf")
    assert cut.value.transient
    assert sites.assets.requests == ["/media/cut.pdf", "/media/cut.pdf"]  # tried again once (GOVUK_MAX_RETRIES)


def test_a_file_gov_uk_lists_as_too_big_is_skipped_without_a_request(sites: Sites, app: Flask,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "DOCUMENT_MAX_BYTES", 5000)
    reading = Reader(make_fetcher()).govuk("/government/consultations/bus-franchising-reform")
    pdf = next(d for d in reading.documents if d.title == "Bus franchising reform: impact assessment")
    assert (pdf.status, pdf.reason) == ("skipped", "refused unread: GOV.UK lists it at 5,752 bytes, over the limit "
                                                   "of 5,000 bytes (DOCUMENT_MAX_BYTES)")
    assert "/media/bus-franchising-consultation.pdf" in sites.assets.requests
    assert "/media/bus-franchising-impact-assessment.pdf" not in sites.assets.requests


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_zip_bomb_docx_is_refused_before_it_is_unzipped() -> None:
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (30 * MB)})
    assert len(bomb) < 100_000
    with pytest.raises(UnreadableDocx, match=r"refused: it unzips to 30.0 MB, over the limit of 10.0 MB"):
        docx_blocks(bomb, max_unzipped=10 * MB)
    with pytest.raises(UnreadableDocx, match=r"refused: word/document.xml unzips \d+ times its size"):
        docx_blocks(bomb, max_unzipped=100 * MB)


def test_a_zip_bomb_response_form_is_skipped_with_the_reason(sites: Sites, app: Flask,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.documents.server import send

    monkeypatch.setitem(app.config, "DOCUMENT_MAX_UNZIPPED_BYTES", 10 * MB)
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"\0" * (30 * MB)})
    sites.assets.routes["/media/housing-standards-response-form.docx"] = lambda h: send(h, 200, bomb)
    reading = Reader(make_fetcher()).govuk("/government/consultations/social-housing-competence-standards")
    assert (reading.documents[0].status, reading.documents[0].reason) == (
        "skipped", "could not be read: refused: it unzips to 30.0 MB, over the limit of 10.0 MB")


def test_files_that_are_not_what_they_say_are_refused() -> None:
    with pytest.raises(UnreadableDocx, match="not a DOCX"):
        docx_blocks(b"PK\x03\x04 not really", max_unzipped=MB)
    with pytest.raises(UnreadableDocx, match="no word/document.xml"):
        docx_blocks(_zip({"a.txt": b"hello"}), max_unzipped=MB)
