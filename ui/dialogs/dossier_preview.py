"""Preview of the rehabiliteringsteam dossier, from memory: print it (`ui.printing`: the PDF
as it is, in a worker, its progress and Annuller in the window), or save it where the
caseworker chooses (and open it in the system's PDF viewer).

Enter prints on the default printer (the usual case: Ctrl+D, Enter); Ctrl+P asks Qt's print
dialog first. "Modtager" says who the dossier is for (`jobraad.dossier.reader_choices`, the
team first); choosing another reader makes the dossier again for them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.errors import UserFacingError
from jobraad.outputs import rules_for, write_output
from jobraad.print_spool import job_title
from ui import printing
from ui.file_dialogs import FileKind, save_file
from ui.places import documents_folder
from ui.screen import fit_to_screen
from ui.worker import Progress, run_with_progress

if TYPE_CHECKING:
    from db.session import Database


#: Makes the dossier for a reader (its key): the PDF and the file name to suggest for it.
Rebuild = Callable[[str, Progress], tuple[bytes, str]]


class DossierPreview(QDialog):
    """`readers` ((key, Danish label), the team first) and `rebuild` give the "Modtager"
    choice; `reader` is the one `data` was made for. Without them the preview shows `data` only.
    `title` is the window's (another document, such as the citizen's plan); `note` is said beside
    the page count."""

    def __init__(
        self,
        data: bytes,
        suggested_name: str,
        database: Database,
        parent: QWidget | None = None,
        *,
        readers: Sequence[tuple[str, str]] = (),
        reader: str = "",
        rebuild: Rebuild | None = None,
        title: str = "Sag til rehabiliteringsteamet",
        note: str = "",
    ) -> None:
        super().__init__(parent)
        self.database = database  # its file (and backups) are never what "Gem som" replaces
        self.setWindowTitle(title)
        self.note = note  # said after the page count (e.g. that a translation is foreløbig)
        fit_to_screen(self, 980, 1000, parent)
        self.data = data
        self.suggested_name = suggested_name
        self.saved_to: Path | None = None
        self._rebuild = rebuild
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.reader_choice = QComboBox()
        self.reader_choice.setObjectName("reader")
        for key, label in readers:
            self.reader_choice.addItem(label, key)
        self.reader_choice.setCurrentIndex(max(self.reader_choice.findData(reader), 0))
        self.reader_choice.setToolTip(
            "Hver modtager får kun det, der er til dem; forsiden nævner modtageren og det, der er udeladt."
        )
        self.reader_choice.currentIndexChanged.connect(self._reader_changed)
        reader_label = QLabel("&Modtager:")
        reader_label.setBuddy(self.reader_choice)
        top.addWidget(reader_label)
        top.addWidget(self.reader_choice)
        for widget in (reader_label, self.reader_choice):
            widget.setVisible(bool(readers) and rebuild is not None)
        self.info = QLabel()
        self.info.setObjectName("dossierInfo")
        top.addWidget(self.info, 1)
        layout.addLayout(top)
        self._bytes = QByteArray()
        self._buffer = QBuffer(self)
        self.document = QPdfDocument(self)
        view = QPdfView(self)
        view.setPageMode(QPdfView.PageMode.MultiPage)
        view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        view.setDocument(self.document)
        layout.addWidget(view)
        self._show(data, suggested_name)
        self.print_status = printing.PrintStatus(self)
        self.print_status.ended.connect(self._print_ended)
        layout.addWidget(self.print_status)
        buttons = QHBoxLayout()
        self.print_button = QPushButton("&Udskriv")
        self.print_button.setObjectName("printNow")
        self.print_button.setToolTip("Udskriv på standardprinteren (Enter)")
        self.print_button.setDefault(True)  # Enter in the preview prints
        self.print_button.clicked.connect(self.print_now)
        buttons.addWidget(self.print_button)
        self.choose_button = QPushButton("Udskriv &til…")
        self.choose_button.setToolTip("Vælg printer, sider og kopier (Ctrl+P)")
        self.choose_button.clicked.connect(self.print_document)
        buttons.addWidget(self.choose_button)
        for text, tip, slot in (
            ("&Gem som…", "Ctrl+S", self.save_as),
            ("Gem og åbn i &PDF-læser…", "", self.save_and_open),
        ):
            button = QPushButton(text)
            button.setAutoDefault(False)
            if tip:
                button.setToolTip(tip)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QPushButton("Luk")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.choose_button.setAutoDefault(False)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_document)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_as)
        self._close_after_print: int | None = None
        self.print_button.setFocus()

    def _show(self, data: bytes, suggested_name: str) -> None:
        """Show `data` (a PDF) in the preview; it is what is printed and saved from now on."""
        self.data = data
        self.suggested_name = suggested_name
        self.document.close()
        self._buffer.close()
        self._bytes = QByteArray(data)
        self._buffer.setData(self._bytes)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)
        pages = self.document.pageCount()
        text = f"{pages} {'side' if pages == 1 else 'sider'}. Fortroligt – gem kun filen, hvor sagerne må ligge."
        self.info.setText(f"{text} {self.note}" if self.note else text)
        self.info.setWordWrap(bool(self.note))

    def reader(self) -> str:
        """The key of the reader the dossier shown is for."""
        return str(self.reader_choice.currentData() or "")

    def _reader_changed(self) -> None:
        rebuild, reader = self._rebuild, self.reader()
        if rebuild is None or not reader:
            return
        self.reader_choice.setEnabled(False)
        self.print_button.setEnabled(False)

        def done(result: object) -> None:
            assert isinstance(result, tuple)
            data, name = result
            self._show(data, name)
            self.reader_choice.setEnabled(True)
            self.print_button.setEnabled(not self.print_status.running())

        def failed(message: str, is_bug: bool) -> None:
            self.reader_choice.setEnabled(True)
            self.print_button.setEnabled(not self.print_status.running())
            (QMessageBox.critical if is_bug else QMessageBox.warning)(self, "Dossier", message)

        run_with_progress(self, "Laver sagen til den valgte modtager…", lambda p: rebuild(reader, p), done, failed)

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

    def print_now(self) -> None:
        """Enter: the dossier on the default printer, no dialog; the preview stays usable."""
        if self.print_status.running():
            return
        title = job_title(self.suggested_name)
        self._print(printing.default_printer(title), title)

    def print_document(self) -> None:
        """Ctrl+P: the print dialog, then the print in a worker; the preview stays usable."""
        if self.print_status.running():
            return
        title = job_title(self.suggested_name)
        printer = printing.choose_printer(self, title, self.document.pageCount())
        if printer is None:
            return
        self._print(printer, title)

    def _print(self, printer: QPrinter, title: str) -> None:
        job = printing.PrintJob(printer, title, self.database)
        data = self.data
        self.print_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        self.print_status.start(job, lambda progress: job.deliver(data, progress))

    def _print_ended(self, _message: str, _printed: bool) -> None:
        self.print_button.setEnabled(True)
        self.choose_button.setEnabled(True)
        if self._close_after_print is not None:
            super().done(self._close_after_print)

    def done(self, result: int) -> None:
        """Closing while a print runs cancels it; the preview closes when it has stopped."""
        if self.print_status.running():
            self._close_after_print = result
            self.print_status.cancel()
            return
        super().done(result)
