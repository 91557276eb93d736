"""The PDF of a received document in the demo: one page, the same bytes on every run.

Written directly rather than with ReportLab: a finished demo case has every received document
attached, so a caseload of 1,000 citizens carries well over a thousand of them, and a one-page
text PDF of fixed shape is a few string joins (ReportLab took about a millisecond each).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from jobraad import formatting as fmt
from jobraad.demo.builder import Builder


def pdf_attachment(b: Builder, title: str, name: str, received_on: dt.date | None, sender: str) -> dict[str, Any]:
    """A one-page PDF as an attachment row's values."""
    assert received_on is not None
    data = one_page_pdf(title, [f"Modtaget {fmt.date(received_on)} fra {sender}", b.texts["attachment_text"]])
    return {
        "filename": f"{name}_{received_on:%Y-%m-%d}.pdf",
        "mime_type": "application/pdf",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "data": data,
        "added_at": b.at(received_on),
    }


def _text(s: str) -> bytes:
    """A PDF string literal in WinAnsiEncoding (what the standard fonts read)."""
    raw = s.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def one_page_pdf(title: str, lines: list[str]) -> bytes:
    """An A4 page with `title` in bold and `lines` below it, in Helvetica; the title also in
    the document information."""
    content = b"BT /F1 14 Tf 72 770 Td " + _text(title) + b" Tj /F2 11 Tf"
    for i, line in enumerate(lines):
        content += b" 0 " + (b"-25" if i == 0 else b"-20") + b" Td " + _text(line) + b" Tj"
    content += b" ET"
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.2756 841.8898] "
        b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        font % b"Helvetica-Bold",
        font % b"Helvetica",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Title " + _text(title) + b" /Producer (jobraad demo) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 7 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
