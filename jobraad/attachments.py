"""Attachments (scanned certificates, PDFs, photos of letters) stored inside the
encrypted database, never as loose files.

A file is accepted by what it is, not by what it is called: PDF, PNG or JPEG,
recognised by its first bytes; a PDF must also open. Anything refused raises
`AttachmentRefused` with a Danish message, and nothing is stored. Every add,
view, removal and export is logged with `audit.record`, never with the file name
(it often holds the citizen's name). Bytes are handed to the caller in memory; no
temporary file is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
import stat
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Attachment, Citizen, DocumentationItem
from db.session import Database
from jobraad import audit
from jobraad import formatting as fmt
from jobraad.citizens import CitizenNotFound
from jobraad.errors import UserFacingError
from jobraad.outputs import check_output, rules_for, write_output

__all__ = [
    "ALLOWED",
    "MAX_ATTACHMENT_BYTES",
    "AttachmentNotFound",
    "AttachmentRefused",
    "AttachmentView",
    "add_attachment",
    "add_attachment_bytes",
    "detect_mime_type",
    "export_attachment",
    "list_attachments",
    "read_attachment",
    "remove_attachment",
]

MAX_ATTACHMENT_BYTES = 15 * 1024 * 1024

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
ALLOWED: tuple[str, ...] = (PDF, PNG, JPEG)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
)
_EXTENSION = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg"}
_FILENAME_MAX = 255  # Attachment.filename is String(255)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

_MB = 1024 * 1024


class AttachmentRefused(UserFacingError):
    """The file was not attached; the message says why, in Danish. Nothing was stored."""


class AttachmentNotFound(UserFacingError):
    def __init__(self) -> None:
        super().__init__("Bilaget findes ikke (længere). Det kan være fjernet i et andet vindue.")


@dataclass(frozen=True)
class AttachmentView:
    attachment_id: int
    item_id: int | None
    filename: str
    mime_type: str
    size: int
    added_at: dt.datetime


def _too_large(size: int) -> AttachmentRefused:
    return AttachmentRefused(
        f"Filen er {fmt.file_size(size)}; grænsen er {fmt.file_size(MAX_ATTACHMENT_BYTES)}. "
        "Scan den evt. igen i lavere opløsning eller i sort-hvid."
    )


def detect_mime_type(data: bytes) -> str | None:
    """The allowed type the bytes are, by their magic number, or None."""
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    return None


def _check_pdf_opens(data: bytes) -> None:
    from pypdf import PdfReader  # here, not at start: attaching is rare, importing pypdf is not free

    try:
        # pypdf warns about small flaws it repairs; only a file it cannot open is refused.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise AttachmentRefused(
                    "PDF-filen er beskyttet med en adgangskode og kan ikke vises. "
                    "Gem den uden adgangskode, og prøv igen."
                )
            pages = len(reader.pages)
    except AttachmentRefused:
        raise
    except Exception:  # pypdf raises many kinds on a damaged file; any of them means "broken"
        raise AttachmentRefused("PDF-filen er beskadiget og kan ikke åbnes. Den er ikke vedhæftet.") from None
    if pages < 1:
        raise AttachmentRefused("PDF-filen har ingen sider. Den er ikke vedhæftet.")


def _validate(data: bytes) -> str:
    """The MIME type of acceptable bytes, or raise `AttachmentRefused`."""
    if not data:
        raise AttachmentRefused("Filen er tom (0 byte). Den er ikke vedhæftet.")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise _too_large(len(data))
    mime = detect_mime_type(data)
    if mime is None:
        raise AttachmentRefused("Kun PDF, PNG og JPEG kan vedhæftes.")
    if mime == PDF:
        _check_pdf_opens(data)
    return mime


def _clean_filename(filename: str, mime: str) -> str:
    """The last part of a path (also a Windows one), without control characters."""
    name = re.split(r"[\\/]", unicodedata.normalize("NFC", filename))[-1]
    name = _CONTROL.sub("", name).strip()
    if not name:
        name = "bilag" + _EXTENSION[mime]
    if len(name) > _FILENAME_MAX:
        stem, dot, suffix = name.rpartition(".")
        if dot and len(suffix) <= 10:
            name = stem[: _FILENAME_MAX - len(suffix) - 1] + "." + suffix
        else:
            name = name[:_FILENAME_MAX]
    return name


def _view(a: Attachment) -> AttachmentView:
    return AttachmentView(
        attachment_id=a.id,
        item_id=a.item_id,
        filename=a.filename,
        mime_type=a.mime_type,
        size=a.size,
        added_at=a.added_at,
    )


def _check_owner(session: Session, citizen_id: int, item_id: int | None) -> None:
    if session.get(Citizen, citizen_id) is None:
        raise CitizenNotFound()
    if item_id is not None:
        item = session.get(DocumentationItem, item_id)
        if item is None or item.citizen_id != citizen_id:
            raise AttachmentRefused("Dokumentationspunktet hører ikke til denne borger. Bilaget er ikke vedhæftet.")


def _get(session: Session, attachment_id: int) -> Attachment:
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise AttachmentNotFound()
    return attachment


def add_attachment_bytes(
    database: Database, citizen_id: int, filename: str, data: bytes, item_id: int | None = None
) -> int:
    """Store `data` as an attachment of the citizen (and of a documentation item of
    theirs). Returns the new attachment's id. One transaction, audited."""
    mime = _validate(data)
    with database.transaction() as session:
        _check_owner(session, citizen_id, item_id)
        attachment = Attachment(
            citizen_id=citizen_id,
            item_id=item_id,
            filename=_clean_filename(filename, mime),
            mime_type=mime,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
        )
        session.add(attachment)
        session.flush()
        audit.record(session, audit.Action.CHANGE, citizen_id, "bilag tilføjet")
        return attachment.id


def _read_file(path: Path) -> bytes:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise AttachmentRefused("Filen findes ikke (længere). Den er ikke vedhæftet.") from None
    except OSError as err:
        raise AttachmentRefused(f"Filen kan ikke læses ({err.strerror}). Den er ikke vedhæftet.") from None
    if not stat.S_ISREG(info.st_mode):
        raise AttachmentRefused("Det valgte er ikke en fil. Vælg en PDF-, PNG- eller JPEG-fil.")
    # Checked before reading: a 2 GB video dropped by mistake is never loaded into memory.
    if info.st_size > MAX_ATTACHMENT_BYTES:
        raise _too_large(info.st_size)
    try:
        with path.open("rb") as fh:
            # One byte more than the limit tells a file that grew since stat() from one that fits.
            data = fh.read(MAX_ATTACHMENT_BYTES + 1)
            if len(data) > MAX_ATTACHMENT_BYTES:
                raise _too_large(max(len(data), os.fstat(fh.fileno()).st_size))
            return data
    except OSError as err:
        raise AttachmentRefused(f"Filen kan ikke læses ({err.strerror}). Den er ikke vedhæftet.") from None


def add_attachment(database: Database, citizen_id: int, path: Path, item_id: int | None = None) -> int:
    """Read the file at `path` and store it; see `add_attachment_bytes`."""
    path = Path(path)
    data = _read_file(path)
    return add_attachment_bytes(database, citizen_id, path.name, data, item_id)


def list_attachments(database: Database, citizen_id: int, item_id: int | None = None) -> list[AttachmentView]:
    """The citizen's attachments (only those of `item_id` if given), oldest first.
    The file contents are not loaded."""
    with database.reading() as session:
        query = select(Attachment).where(Attachment.citizen_id == citizen_id)
        if item_id is not None:
            query = query.where(Attachment.item_id == item_id)
        rows = session.scalars(query.order_by(Attachment.added_at, Attachment.id)).all()
        return [_view(a) for a in rows]


def read_attachment(database: Database, attachment_id: int) -> tuple[AttachmentView, bytes]:
    """The attachment and its bytes, for showing it. Every view is logged."""
    with database.transaction() as session:
        attachment = _get(session, attachment_id)
        data = attachment.data
        audit.record(session, audit.Action.VIEW_ATTACHMENT, attachment.citizen_id, "")
        return _view(attachment), data


def remove_attachment(database: Database, attachment_id: int) -> None:
    with database.transaction() as session:
        attachment = _get(session, attachment_id)
        citizen_id = attachment.citizen_id
        session.delete(attachment)
        audit.record(session, audit.Action.CHANGE, citizen_id, "bilag fjernet")


def export_attachment(database: Database, attachment_id: int, dest: Path, *, replace: bool = False) -> None:
    """Save a copy of the attachment where the user chose ("Gem som…") through the one
    writer: an existing file only with `replace`, never the database (`OutputRefusedError`).
    If writing fails, `StorageError` is raised and the export is not logged."""
    rules = rules_for(database)
    check_output(Path(dest), rules, replace=replace)
    with database.transaction() as session:
        attachment = _get(session, attachment_id)
        data = attachment.data
        audit.record(session, audit.Action.EXPORT, attachment.citizen_id, "bilag")
        # Written last inside the transaction: if writing fails, the log entry rolls back.
        write_output(Path(dest), data, rules, replace=replace)
