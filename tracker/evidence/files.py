"""Attachments of evidence replies: what a file is (from its content, never its name or the type
the browser claims), the name it is shown and downloaded under, and where its bytes are kept.

Allowed: PDF, DOCX, XLSX, CSV, PNG and JPEG. PDF, PNG and JPEG by their signatures; DOCX and XLSX
as zip files holding their main part (``word/document.xml``, ``xl/workbook.xml``), read from the
zip's directory without unpacking anything; CSV as UTF-8 text without NUL bytes. A file whose name
says one of these types while its content is another (a PNG renamed ``.pdf``) is refused too.

The bytes are kept outside the static folder, in EVIDENCE_DIR (default ``<INSTANCE_DIR>/evidence``),
under random names. A file written for a transaction that rolls back is removed; a file a reply
drops is removed once the change is committed (a rollback must not leave a row without its file).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from tracker.aftercommit import is_outer, keep_for_outer_transaction
from tracker.errors import DomainError


class TooLarge(DomainError):
    """An upload over a size limit: refused as the web's "content too large" (413)."""

    status_code = 413


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = Kind("pdf", "PDF", "application/pdf", (".pdf",))
DOCX = Kind("docx", "Word document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",))
XLSX = Kind("xlsx", "Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",))
CSV = Kind("csv", "CSV", "text/csv", (".csv",))
PNG = Kind("png", "PNG image", "image/png", (".png",))
JPEG = Kind("jpeg", "JPEG image", "image/jpeg", (".jpg", ".jpeg"))
KINDS = (PDF, DOCX, XLSX, CSV, PNG, JPEG)
BY_EXTENSION = {ext: kind for kind in KINDS for ext in kind.extensions}
BY_CONTENT_TYPE = {kind.content_type: kind for kind in KINDS}
ALLOWED_TEXT = "PDF, Word (DOCX), Excel (XLSX), CSV, PNG or JPEG"
ACCEPT = ",".join(sorted(BY_EXTENSION)) + "," + ",".join(k.content_type for k in KINDS)

_ZIP_SIGNATURES = (b"PK\x03\x04",)
_NAME_PART = re.compile(r"[^\w .()\-]+", re.UNICODE)
_STORED = re.compile(r"^[0-9a-f]{32}$")
_EXTENSION = re.compile(r"[A-Za-z][A-Za-z0-9]{0,4}")
MAX_NAME = 120


def size_text(size: int) -> str:
    """A size as people read it: 10 MB, 2.5 MB, 340 KB."""
    if size >= 1024 * 1024:
        value = size / (1024 * 1024)
        return f"{value:.0f} MB" if value == int(value) or value >= 10 else f"{value:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def _zip_kind(stream: IO[bytes]) -> Kind | None:
    """DOCX or XLSX when the zip's directory lists the package's content types and main part."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _is_csv(stream: IO[bytes]) -> bool:
    stream.seek(0)
    data = stream.read()
    if not data.strip() or b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def sniff(stream: IO[bytes]) -> Kind | None:
    """The allowed type the content is, or None."""
    stream.seek(0)
    head = stream.read(8)
    found: Kind | None = None
    if head.startswith(b"%PDF-"):
        found = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        found = JPEG
    elif head.startswith(_ZIP_SIGNATURES):
        found = _zip_kind(stream)
    elif _is_csv(stream):
        found = CSV
    stream.seek(0)
    return found


def _split(name: str) -> tuple[str, str | None]:
    """A file name's last part as (stem, extension with its dot, lower case); an ending that does
    not look like an extension ("Hull data 12.5") is part of the stem."""
    base = unicodedata.normalize("NFC", re.split(r"[\\/]", name or "")[-1])
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    stem, dot, ext = base.rpartition(".")
    if dot and _EXTENSION.fullmatch(ext):
        return stem, f".{ext.lower()}"
    return base, None


def safe_filename(name: str, kind: Kind) -> str:
    """The name a file is shown and downloaded under: its last part only, letters, digits, spaces
    and . _ - ( ) kept, at most MAX_NAME characters, ending with its type's extension."""
    stem, ext = _split(name)
    stem = " ".join(_NAME_PART.sub(" ", stem).split()).strip(" .")
    extension = ext if ext in kind.extensions else kind.extensions[0]
    stem = (stem or "evidence")[: MAX_NAME - len(extension)].rstrip(" .") or "evidence"
    return stem + extension


@dataclass(frozen=True)
class Checked:
    """An upload that may be kept: its type, the name it will carry, its size and its bytes."""

    kind: Kind
    filename: str
    size: int
    stream: IO[bytes]


def check(name: str, stream: IO[bytes], *, max_bytes: int) -> Checked:
    """The upload as it may be kept, or a refusal (on the form's ``files`` field) saying why."""
    shown = (re.split(r"[\\/]", name or "")[-1] or "The file")[:MAX_NAME]
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise DomainError(f"{shown} is empty.", field="files")
    if size > max_bytes:
        raise TooLarge(f"{shown} is {size_text(size)}: each file must be {size_text(max_bytes)} or smaller.",
                       field="files")
    kind = sniff(stream)
    if kind is None:
        raise DomainError(f"{shown} is not a {ALLOWED_TEXT} file: only those can be attached.", field="files")
    _, ext = _split(shown)
    named = BY_EXTENSION.get(ext) if ext else None
    if ext and named is None:
        raise DomainError(f"{shown} is named as a “{ext}” file: only {ALLOWED_TEXT} files can be attached.",
                          field="files")
    if named is not None and named != kind:
        raise DomainError(f"{shown} is named as a {named.label} but its content is a {kind.label}: "
                          "rename it with the right extension, or attach the file you meant.", field="files")
    return Checked(kind, safe_filename(name, kind), size, stream)


# --- where the bytes are kept ------------------------------------------------------------------


def folder() -> Path:
    configured = current_app.config.get("EVIDENCE_DIR") or ""
    path = Path(configured) if configured else Path(current_app.config["INSTANCE_DIR"]) / "evidence"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def path_of(stored_name: str) -> Path:
    """Where a stored file's bytes are; only a name the tracker made can name one."""
    if not _STORED.match(stored_name):
        raise ValueError("not a stored evidence file's name")
    return folder() / stored_name


_WRITTEN = "kc_evidence_written"
_DROPPED = "kc_evidence_dropped"


def store(session: Session, upload: Checked) -> str:
    """Write the upload under a new random name (removed again if the transaction rolls back)."""
    if not session.in_transaction():
        session.begin()  # so that a rollback, even before any statement, is one the hooks below see
    name = secrets.token_hex(16)
    target = path_of(name)
    partial = target.with_name(name + ".part")
    upload.stream.seek(0)
    with partial.open("xb") as out:
        shutil.copyfileobj(upload.stream, out, 1024 * 1024)
    os.replace(partial, target)
    session.info.setdefault(_WRITTEN, []).append(name)
    return name


def drop_after_commit(session: Session, stored_name: str) -> None:
    """Remove a file once the change that dropped it is committed (kept if it rolls back)."""
    if not session.in_transaction():
        session.begin()
    session.info.setdefault(_DROPPED, []).append(stored_name)


def _unlink(names: list[str]) -> None:
    for name in names:
        try:
            path_of(name).unlink(missing_ok=True)
        except (OSError, ValueError, RuntimeError):
            # Outside an app context, or already gone: an unreferenced random name harms nothing.
            continue


# A file dropped inside a savepoint that rolls back is kept: its row is back.
keep_for_outer_transaction(_DROPPED)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if not is_outer(session):
        return
    session.info.pop(_WRITTEN, None)
    _unlink(session.info.pop(_DROPPED, []))


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    # Every rollback of the session's outermost transaction, whether or not it had reached the
    # database yet (after_rollback fires only for the latter); a savepoint's rollback is not one.
    if previous_transaction.parent is not None or previous_transaction.nested:
        return
    session.info.pop(_DROPPED, None)
    _unlink(session.info.pop(_WRITTEN, []))
