"""Attachments stored inside the encrypted database: the round trip, every refusal
(and that a refusal stores nothing), ownership of documentation items, the audit
entries, and that the bytes never appear in the file on disk unencrypted."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import func, select

from db.errors import StorageError
from db.models import Attachment, DocumentationItem
from db.session import Database
from jobraad import attachments, audit
from jobraad.attachments import (
    AttachmentNotFound,
    AttachmentRefused,
    AttachmentView,
    add_attachment,
    add_attachment_bytes,
    export_attachment,
    list_attachments,
    read_attachment,
    remove_attachment,
)
from jobraad.citizens import CitizenInput, CitizenNotFound, create_citizen
from tests.helpers import audit_log

# --- sample files ------------------------------------------------------------------


def png_bytes(payload: bytes = b"") -> bytes:
    """A real 1×1 PNG; `payload` goes into a tEXt chunk (to find it again on disk)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    text = chunk(b"tEXt", b"Comment\x00" + payload) if payload else b""
    idat = zlib.compress(b"\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + text + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def pdf_bytes(text: str = "Lægeattest LÆ 265") -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(100, 700, text)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


# --- helpers -----------------------------------------------------------------------


@pytest.fixture
def citizen(database: Database) -> int:
    return create_citizen(database, CitizenInput("Søren", "Ærø", "0101621233"))


@pytest.fixture
def other_citizen(database: Database) -> int:
    return create_citizen(database, CitizenInput("Łucja", "Wąsik", "0202702345"))


def new_item(database: Database, citizen_id: int, key: str = "lae265") -> int:
    with database.transaction() as session:
        item = DocumentationItem(citizen_id=citizen_id, item_key=key)
        session.add(item)
        session.flush()
        return item.id


def stored_count(database: Database) -> int:
    with database.reading() as session:
        return session.scalar(select(func.count()).select_from(Attachment)) or 0


# --- the round trip -----------------------------------------------------------------


def test_bytes_in_are_bytes_out_with_sha256_stored(database: Database, citizen: int) -> None:
    data = pdf_bytes()
    attachment_id = add_attachment_bytes(database, citizen, "LÆ 265 Søren.pdf", data)

    view, back = read_attachment(database, attachment_id)
    assert back == data
    assert view == AttachmentView(
        attachment_id=attachment_id,
        item_id=None,
        filename="LÆ 265 Søren.pdf",
        mime_type="application/pdf",
        size=len(data),
        added_at=view.added_at,
    )
    with database.reading() as session:
        row = session.get(Attachment, attachment_id)
        assert row is not None
        assert row.sha256 == hashlib.sha256(data).hexdigest()
        assert row.citizen_id == citizen


def test_add_from_a_file_on_disk(database: Database, citizen: int, tmp_path: Path) -> None:
    path = tmp_path / "scanning.jpg"
    path.write_bytes(JPEG)
    attachment_id = add_attachment(database, citizen, path)
    view, back = read_attachment(database, attachment_id)
    assert (view.filename, view.mime_type, back) == ("scanning.jpg", "image/jpeg", JPEG)


def test_type_is_decided_by_content_not_by_name(database: Database, citizen: int) -> None:
    attachment_id = add_attachment_bytes(database, citizen, "x.pdf", png_bytes())
    view, _ = read_attachment(database, attachment_id)
    assert view.mime_type == "image/png"
    assert view.filename == "x.pdf"


def test_a_path_in_the_file_name_is_dropped(database: Database, citizen: int) -> None:
    attachment_id = add_attachment_bytes(database, citizen, "C:\\Users\\kk\\Scan\x07 01.png", png_bytes())
    [view] = list_attachments(database, citizen)
    assert view.attachment_id == attachment_id
    assert view.filename == "Scan 01.png"


def test_list_is_per_citizen_and_filtered_by_item(database: Database, citizen: int, other_citizen: int) -> None:
    item = new_item(database, citizen)
    on_item = add_attachment_bytes(database, citizen, "a.pdf", pdf_bytes(), item_id=item)
    loose = add_attachment_bytes(database, citizen, "b.png", png_bytes())
    add_attachment_bytes(database, other_citizen, "c.png", png_bytes())

    assert [v.attachment_id for v in list_attachments(database, citizen)] == [on_item, loose]
    assert [(v.attachment_id, v.item_id) for v in list_attachments(database, citizen, item_id=item)] == [
        (on_item, item)
    ]
    assert len(list_attachments(database, other_citizen)) == 1


# --- refusals: nothing is stored ----------------------------------------------------


def test_too_large_is_refused_with_size_in_danish(
    database: Database, citizen: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(attachments, "MAX_ATTACHMENT_BYTES", 15 * 1024 * 1024)
    data = b"%PDF-" + b"\x00" * int(23.4 * 1024 * 1024)
    with pytest.raises(AttachmentRefused) as caught:
        add_attachment_bytes(database, citizen, "stor.pdf", data)
    assert caught.value.message.startswith("Filen er 23,4 MB; grænsen er 15 MB.")
    assert stored_count(database) == 0


def test_too_large_file_is_refused_before_reading(
    database: Database, citizen: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(attachments, "MAX_ATTACHMENT_BYTES", 1000)
    path = tmp_path / "stor.png"
    path.write_bytes(png_bytes(b"x" * 2000))

    def no_reading(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the file was opened although stat() showed it too large")

    monkeypatch.setattr(Path, "open", no_reading)
    with pytest.raises(AttachmentRefused, match=r"grænsen er 1000 byte"):
        add_attachment(database, citizen, path)
    assert stored_count(database) == 0


def test_exactly_at_the_limit_is_accepted(database: Database, citizen: int, monkeypatch: pytest.MonkeyPatch) -> None:
    data = png_bytes()
    monkeypatch.setattr(attachments, "MAX_ATTACHMENT_BYTES", len(data))
    add_attachment_bytes(database, citizen, "ok.png", data)
    assert stored_count(database) == 1


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("tom.pdf", b"", "Filen er tom"),
        ("x.pdf", "Tekst med æøå, ikke en PDF.\n".encode(), "Kun PDF, PNG og JPEG kan vedhæftes."),
        ("film.png", b"\x00\x00\x00\x18ftypmp42", "Kun PDF, PNG og JPEG kan vedhæftes."),
        ("ødelagt.pdf", b"%PDF-1.4\nikke en rigtig pdf\n", "PDF-filen er beskadiget"),
        ("halv.pdf", pdf_bytes()[:600], "PDF-filen er beskadiget"),
    ],
    ids=["empty", "text-named-pdf", "video", "broken-pdf", "truncated-pdf"],
)
def test_refused_files_store_nothing(
    database: Database, citizen: int, filename: str, data: bytes, message: str
) -> None:
    before = audit_log(database)
    with pytest.raises(AttachmentRefused) as caught:
        add_attachment_bytes(database, citizen, filename, data)
    assert message in caught.value.message
    assert stored_count(database) == 0
    assert audit_log(database) == before


def test_password_protected_pdf_is_refused(database: Database, citizen: int) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt(user_password="hemmelig", owner_password="ejer")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(AttachmentRefused, match="adgangskode"):
        add_attachment_bytes(database, citizen, "låst.pdf", out.getvalue())
    assert stored_count(database) == 0


def test_unreadable_or_missing_file_is_refused(database: Database, citizen: int, tmp_path: Path) -> None:
    with pytest.raises(AttachmentRefused, match="findes ikke"):
        add_attachment(database, citizen, tmp_path / "væk.pdf")
    with pytest.raises(AttachmentRefused, match="ikke en fil"):
        add_attachment(database, citizen, tmp_path)
    assert stored_count(database) == 0


def test_item_of_another_citizen_is_refused(database: Database, citizen: int, other_citizen: int) -> None:
    foreign_item = new_item(database, other_citizen)
    with pytest.raises(AttachmentRefused, match="hører ikke til denne borger"):
        add_attachment_bytes(database, citizen, "a.png", png_bytes(), item_id=foreign_item)
    with pytest.raises(AttachmentRefused, match="hører ikke til denne borger"):
        add_attachment_bytes(database, citizen, "a.png", png_bytes(), item_id=foreign_item + 999)
    assert stored_count(database) == 0


def test_unknown_citizen_is_refused(database: Database) -> None:
    with pytest.raises(CitizenNotFound):
        add_attachment_bytes(database, 4711, "a.png", png_bytes())
    assert stored_count(database) == 0


# --- audit --------------------------------------------------------------------------


def test_add_view_export_and_remove_are_audited(database: Database, citizen: int, tmp_path: Path) -> None:
    start = len(audit_log(database))
    attachment_id = add_attachment_bytes(database, citizen, "Søren Ærø LÆ 265.pdf", pdf_bytes())
    read_attachment(database, attachment_id)
    export_attachment(database, attachment_id, tmp_path / "kopi.pdf")
    remove_attachment(database, attachment_id)

    assert audit_log(database)[start:] == [
        (audit.Action.CHANGE, citizen, "bilag tilføjet"),
        (audit.Action.VIEW_ATTACHMENT, citizen, ""),
        (audit.Action.EXPORT, citizen, "bilag"),
        (audit.Action.CHANGE, citizen, "bilag fjernet"),
    ]
    # The file name (it holds the citizen's name) is never in the log.
    assert not any("Søren" in detail for _, _, detail in audit_log(database))
    assert stored_count(database) == 0
    with database.reading() as session:
        assert audit.verify_chain(session).ok


def test_listing_loads_no_content_and_is_not_a_view(database: Database, citizen: int) -> None:
    add_attachment_bytes(database, citizen, "a.png", png_bytes())
    before = audit_log(database)
    list_attachments(database, citizen)
    assert audit_log(database) == before


def test_removed_or_unknown_attachment(database: Database, citizen: int, tmp_path: Path) -> None:
    attachment_id = add_attachment_bytes(database, citizen, "a.png", png_bytes())
    remove_attachment(database, attachment_id)
    with pytest.raises(AttachmentNotFound):
        read_attachment(database, attachment_id)
    with pytest.raises(AttachmentNotFound):
        remove_attachment(database, attachment_id)
    with pytest.raises(AttachmentNotFound):
        export_attachment(database, attachment_id, tmp_path / "a.png")


def test_removing_the_item_keeps_the_attachment(database: Database, citizen: int) -> None:
    item = new_item(database, citizen)
    attachment_id = add_attachment_bytes(database, citizen, "a.png", png_bytes(), item_id=item)
    with database.transaction() as session:
        session.delete(session.get(DocumentationItem, item))
    [view] = list_attachments(database, citizen)
    assert (view.attachment_id, view.item_id) == (attachment_id, None)


# --- export -------------------------------------------------------------------------


def test_export_writes_the_bytes(database: Database, citizen: int, tmp_path: Path) -> None:
    data = pdf_bytes()
    attachment_id = add_attachment_bytes(database, citizen, "a.pdf", data)
    dest = tmp_path / "Gemt attest.pdf"
    export_attachment(database, attachment_id, dest)
    assert dest.read_bytes() == data
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_failed_export_leaves_nothing_and_is_not_logged(
    database: Database, citizen: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attachment_id = add_attachment_bytes(database, citizen, "a.pdf", pdf_bytes())
    before = audit_log(database)
    out = tmp_path / "ud"
    out.mkdir()

    def disk_full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(StorageError, match="ikke plads nok"):
        export_attachment(database, attachment_id, out / "a.pdf")
    assert list(out.iterdir()) == []
    assert audit_log(database) == before


# --- encryption at rest -------------------------------------------------------------


def test_content_is_not_readable_in_the_database_file(database: Database, citizen: int, db_path: Path) -> None:
    marker = b"HEMMELIG-DIAGNOSE-" * 200
    add_attachment_bytes(database, citizen, "diagnose.png", png_bytes(marker))
    _, back = read_attachment(database, list_attachments(database, citizen)[0].attachment_id)
    assert marker in back

    raw = b"".join(p.read_bytes() for p in db_path.parent.iterdir() if p.name.startswith(db_path.name))
    assert b"HEMMELIG-DIAGNOSE-" not in raw
    assert b"diagnose.png" not in raw
    database.close()
    raw = b"".join(p.read_bytes() for p in db_path.parent.iterdir() if p.name.startswith(db_path.name))
    assert b"HEMMELIG-DIAGNOSE-" not in raw
