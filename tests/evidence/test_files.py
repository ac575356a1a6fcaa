"""Attachments, piece by piece: the type read from the content, the name made safe, the bytes kept
under a random name and removed again when the transaction that wrote them rolls back."""

from __future__ import annotations

import io

import pytest
from flask import Flask

from tests.evidence import conftest as ev
from tracker.errors import DomainError
from tracker.evidence import files
from tracker.extensions import db


@pytest.mark.parametrize(("content", "kind"), [
    (ev.pdf(), files.PDF), (ev.png(), files.PNG), (ev.jpeg(), files.JPEG), (ev.docx(), files.DOCX),
    (ev.xlsx(), files.XLSX), (ev.csv(), files.CSV), (b"\xef\xbb\xbfa,b\n1,2\n", files.CSV),
    (b"GIF89a\x01\x00", None), (b"PK\x03\x04broken zip", None), (b"\x00\x01\x02", None), (b"   \n", None),
], ids=["pdf", "png", "jpeg", "docx", "xlsx", "csv", "csv-bom", "gif", "broken-zip", "binary", "blank"])
def test_the_type_comes_from_the_content(content: bytes, kind: files.Kind | None) -> None:
    assert files.sniff(io.BytesIO(content)) == kind


@pytest.mark.parametrize(("name", "kind", "safe"), [
    ("Bus figures.pdf", files.PDF, "Bus figures.pdf"),
    ('..\\..\\"Bus"\r\nfigures;.pdf', files.PDF, "Bus figures.pdf"),
    ("/etc/passwd", files.CSV, "passwd.csv"),
    ("photo.JPEG", files.JPEG, "photo.jpeg"),
    ("Hull data 12.5", files.CSV, "Hull data 12.5.csv"),
    ("<script>.png", files.PNG, "script.png"),
    ("....pdf", files.PDF, "evidence.pdf"),
    ("Ffigurau’r ddinas.xlsx", files.XLSX, "Ffigurau r ddinas.xlsx"),
    ("x" * 300 + ".docx", files.DOCX, "x" * 115 + ".docx"),
], ids=["plain", "windows-path-and-header-injection", "unix-path", "upper-case", "no-extension", "markup",
        "only-dots", "welsh", "long"])
def test_the_name_is_made_safe(name: str, kind: files.Kind, safe: str) -> None:
    assert files.safe_filename(name, kind) == safe


def test_the_size_is_checked_before_the_content(app: Flask) -> None:
    with pytest.raises(DomainError, match=r"big.pdf is 2.0 MB: each file must be 1 MB or smaller."):
        files.check("big.pdf", io.BytesIO(b"%PDF-" + b"0" * (2 * 1024 * 1024)), max_bytes=1024 * 1024)
    assert files.size_text(25 * 1024 * 1024) == "25 MB" and files.size_text(1536) == "2 KB"


def test_a_file_written_for_a_transaction_that_rolls_back_is_removed(app: Flask) -> None:
    with app.test_request_context():
        checked = files.check("a.pdf", io.BytesIO(ev.pdf()), max_bytes=10**6)
        name = files.store(db.session(), checked)
        assert files.path_of(name).read_bytes() == ev.pdf()
        db.session.rollback()
        assert not files.path_of(name).exists()
        kept = files.store(db.session(), checked)
        db.session.commit()
        assert files.path_of(kept).exists()
        files.drop_after_commit(db.session(), kept)
        db.session.rollback()  # the change that dropped it did not happen: the file stays
        assert files.path_of(kept).exists()
        files.drop_after_commit(db.session(), kept)
        db.session.commit()
        assert not files.path_of(kept).exists()


def test_only_names_the_tracker_made_name_a_stored_file(app: Flask) -> None:
    with app.test_request_context():
        for name in ("../tracker.sqlite", "a" * 32 + "/..", "A" * 32, ""):
            with pytest.raises(ValueError):
                files.path_of(name)
