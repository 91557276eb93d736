"""Preview of the rehabiliteringsteam dossier, from memory: print it, or save it
where the caseworker chooses (and open it in the system's PDF viewer)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from db.errors import UserFacingError
from jobraad.outputs import rules_for, write_output
from ui.places import documents_folder
from ui.screen import fit_to_screen

if TYPE_CHECKING:
    from db.session import Database


class DossierPreview(QDialog):
    def __init__(self, data: bytes, suggested_name: str, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database  # its file (and backups) are never what "Gem som" replaces
        self.setWindowTitle("Sag til rehabiliteringsteamet")
        fit_to_screen(self, 980, 1000, parent)
        self.data = data
        self.suggested_name = suggested_name
        self.saved_to: Path | None = None
        layout = QVBoxLayout(self)
        self._bytes = QByteArray(data)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        info = QLabel(f"{self.document.pageCount()} sider. Fortroligt – gem kun filen, hvor sagerne må ligge.")
        info.setObjectName("dossierInfo")
        layout.addWidget(info)
        view = QPdfView(self)
        view.setPageMode(QPdfView.PageMode.MultiPage)
        view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        view.setDocument(self.document)
        layout.addWidget(view)
        buttons = QHBoxLayout()
        for text, tip, slot in (
            ("&Udskriv…", "Ctrl+P", self.print_document),
            ("&Gem som…", "Ctrl+S", self.save_as),
            ("Gem og åbn i &PDF-læser…", "", self.save_and_open),
        ):
            button = QPushButton(text)
            if tip:
                button.setToolTip(tip)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QPushButton("Luk")
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_document)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_as)

    def save_as(self) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Gem sagen", str(documents_folder() / self.suggested_name), "PDF (*.pdf)"
        )
        if not path:
            return None
        target = Path(path)
        try:
            # Qt's save dialog has asked before replacing an existing file.
            write_output(target, self.data, rules_for(self.database), replace=True)
        except UserFacingError as err:
            QMessageBox.warning(self, "Gem", err.message)
            return None
        self.saved_to = target
        return target

    def save_and_open(self) -> None:
        target = self.save_as()
        if target is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

    def print_document(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName("Sag til rehabiliteringsteamet")
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.render_to(printer)

    def render_to(self, printer: QPrinter) -> int:
        """Draw every page on the printer; returns the number of pages printed."""
        painter = QPainter()
        if not painter.begin(printer):
            QMessageBox.warning(self, "Udskriv", "Printeren kunne ikke startes.")
            return 0
        printed = 0
        try:
            for page in range(self.document.pageCount()):
                if page:
                    printer.newPage()
                target = painter.viewport()
                size = (
                    self.document.pagePointSize(page).toSize().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                )
                image = self.document.render(page, QSize(size.width(), size.height()))
                painter.drawImage(0, 0, image)
                printed += 1
        finally:
            painter.end()
        return printed
