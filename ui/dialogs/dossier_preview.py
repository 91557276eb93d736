"""Preview of the rehabiliteringsteam dossier, from memory: print it (`ui.printing`: the PDF
as it is, in a worker, its progress and Annuller in the window), or save it where the
caseworker chooses (and open it in the system's PDF viewer)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget

from db.errors import UserFacingError
from jobraad.outputs import rules_for, write_output
from jobraad.print_spool import job_title
from ui import printing
from ui.file_dialogs import FileKind, save_file
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
        self.print_status = printing.PrintStatus(self)
        self.print_status.ended.connect(self._print_ended)
        layout.addWidget(self.print_status)
        buttons = QHBoxLayout()
        self.print_button = QPushButton("&Udskriv…")
        self.print_button.setToolTip("Ctrl+P")
        self.print_button.clicked.connect(self.print_document)
        buttons.addWidget(self.print_button)
        for text, tip, slot in (
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
        self._close_after_print: int | None = None

    def save_as(self) -> Path | None:
        target = save_file(
            self, FileKind.DOSSIER, "Gem sagen", self.suggested_name, "PDF (*.pdf)", default=documents_folder()
        )
        if target is None:
            return None
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
        """The print dialog, then the print in a worker; the preview stays usable."""
        if self.print_status.running():
            return
        title = job_title(self.suggested_name)
        printer = printing.choose_printer(self, title, self.document.pageCount())
        if printer is None:
            return
        job = printing.PrintJob(printer, title, self.database)
        data = self.data
        self.print_button.setEnabled(False)
        self.print_status.start(job, lambda progress: job.deliver(data, progress))

    def _print_ended(self, _message: str, _printed: bool) -> None:
        self.print_button.setEnabled(True)
        if self._close_after_print is not None:
            super().done(self._close_after_print)

    def done(self, result: int) -> None:
        """Closing while a print runs cancels it; the preview closes when it has stopped."""
        if self.print_status.running():
            self._close_after_print = result
            self.print_status.cancel()
            return
        super().done(result)
