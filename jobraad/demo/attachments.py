"""The PDF of a received document in the demo: one page, the same bytes on every run."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from typing import Any

from jobraad import formatting as fmt
from jobraad.demo.builder import Builder


def pdf_attachment(b: Builder, title: str, name: str, received_on: dt.date | None, sender: str) -> dict[str, Any]:
    """A one-page PDF as an attachment row's values (ReportLab's invariant mode)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    assert received_on is not None
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setTitle(title)
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(72, 770, title)
    pdf.setFont("Helvetica", 11)
    pdf.drawString(72, 745, f"Modtaget {fmt.date(received_on)} fra {sender}")
    pdf.drawString(72, 725, b.texts["attachment_text"])
    pdf.showPage()
    pdf.save()
    data = buffer.getvalue()
    return {
        "filename": f"{name}_{received_on:%Y-%m-%d}.pdf",
        "mime_type": "application/pdf",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "data": data,
        "added_at": b.at(received_on),
    }
