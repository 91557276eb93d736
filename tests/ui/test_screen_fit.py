"""Previews fit the screen they open on: their buttons are never below its edge."""

from __future__ import annotations

import io
from pathlib import Path

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
    for text in ("&Udskriv", "Udskriv &til…", "&Gem som…", "Luk"):
        assert preview.rect().contains(buttons[text].geometry()), text


def test_the_attachment_viewer_fits_the_screen(qtbot: QtBot) -> None:
    room = QGuiApplication.primaryScreen().availableGeometry()
    viewer = AttachmentViewer("attest.pdf", "application/pdf", _pdf())
    qtbot.addWidget(viewer)
    viewer.show()
    qtbot.waitExposed(viewer)
    assert room.contains(viewer.geometry())


def test_the_dossier_is_suggested_in_the_documents_folder(qtbot: QtBot, database: Database, tmp_path: Path) -> None:
    from unittest.mock import patch

    from PySide6.QtWidgets import QFileDialog

    from ui.places import documents_folder

    preview = DossierPreview(_pdf(), "Sag SÆ 2026-03-02.pdf", database)
    qtbot.addWidget(preview)
    with patch.object(QFileDialog, "getSaveFileName", return_value=(str(tmp_path / "sag.pdf"), "")) as asked:
        assert preview.save_as() == tmp_path / "sag.pdf"
    assert Path(asked.call_args.args[2]) == documents_folder() / "Sag SÆ 2026-03-02.pdf"
