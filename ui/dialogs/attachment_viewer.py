"""Show an attachment from memory (never via a temp file): PDFs with QtPdf, images as pixmaps."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from ui.screen import fit_to_screen


class AttachmentViewer(QDialog):
    def __init__(self, filename: str, mime_type: str, data: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Bilag: {filename}")
        fit_to_screen(self, 900, 1000, parent)
        layout = QVBoxLayout(self)
        self._buffer: QBuffer | None = None
        if mime_type == "application/pdf":
            self._bytes = QByteArray(data)
            self._buffer = QBuffer(self._bytes, self)
            self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self.document = QPdfDocument(self)
            self.document.load(self._buffer)
            view = QPdfView(self)
            view.setPageMode(QPdfView.PageMode.MultiPage)
            view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            view.setDocument(self.document)
            layout.addWidget(view)
        else:
            pixmap = QPixmap()
            pixmap.loadFromData(data)
            label = QLabel()
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setPixmap(pixmap)
            scroll = QScrollArea()
            scroll.setWidget(label)
            scroll.setWidgetResizable(True)
            layout.addWidget(scroll)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Luk")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
