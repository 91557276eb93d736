"""Previews fit the screen they open on: their buttons are never below its edge."""

from __future__ import annotations

import io

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from reportlab.pdfgen.canvas import Canvas

from db.session import Database
from ui.dialogs.attachment_viewer import AttachmentViewer
from ui.dialogs.dossier_preview import DossierPreview
from ui.screen import FRAME_HEIGHT


def _pdf() -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(72, 720, "Side 1")
    canvas.save()
    return out.getvalue()


def test_the_dossier_preview_and_its_buttons_fit_the_screen(qtbot: QtBot, database: Database) -> None:
    screen = QGuiApplication.primaryScreen()
    room = screen.availableGeometry()
    assert room.height() < 1000 + FRAME_HEIGHT  # the offscreen screen is smaller than the preview's wish
    preview = DossierPreview(_pdf(), "sag.pdf", database)
    qtbot.addWidget(preview)
    preview.show()
    qtbot.waitExposed(preview)
    assert room.contains(preview.geometry())
    assert preview.geometry().bottom() + FRAME_HEIGHT // 2 <= room.bottom() + 1
    buttons = {b.text(): b for b in preview.findChildren(QPushButton)}
    for text in ("&Udskriv…", "&Gem som…", "Luk"):
        assert preview.rect().contains(buttons[text].geometry()), text


def test_the_attachment_viewer_fits_the_screen(qtbot: QtBot) -> None:
    room = QGuiApplication.primaryScreen().availableGeometry()
    viewer = AttachmentViewer("attest.pdf", "application/pdf", _pdf())
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitExposed(viewer)
    assert room.contains(viewer.geometry())
