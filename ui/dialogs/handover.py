"""Handing a case to a colleague, and receiving one, in the window (jobraad.handover).

Borger ▸ Overdrag sag til kollega… writes the case to one encrypted file and shows the
one-time code once, large and selectable, with the reminder to give it another way than the
file. The case is then closed as "overdraget"; deleting its data is a separate, confirmed step
("Slet sagens data nu…"), which can also be taken later from the same dialog.

Filer ▸ Modtag sag fra kollega… asks for the file and the code, and adds the case in one
transaction; a refusal (wrong code, a changed file, a CPR already here) is shown in the dialog
in Danish, and nothing is changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jobraad import handover
from jobraad.outputs import suggested_name
from ui import palette
from ui.file_dialogs import FileKind, last_folder, open_file, save_file
from ui.worker import Progress, run_with_progress

if TYPE_CHECKING:
    from db.session import Database
    from ui.main_window import MainWindow

TITLE = "Overdrag sag til kollega"
RECEIVE_TITLE = "Modtag sag fra kollega"
FILTER = f"Overdragelsesfil (*{handover.FILE_SUFFIX});;Alle filer (*)"

# What the summary counts, in the words of the file's sections.
_SUMMARY = (
    ("attachment", "bilag"),
    ("hours_entry", "uger med timer"),
    ("journal_note", "journalnotater"),
    ("documentation_item", "dokumentationspunkter"),
    ("meeting", "møder"),
)


def _mono(size_delta: int = 6) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSize(font.pointSize() + size_delta)
    font.setBold(True)
    return font


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("handoverError")
    label.setWordWrap(True)
    label.setStyleSheet(palette.error_style())
    label.hide()
    return label


class HandoverDialog(QDialog):
    """The sender's side: choose the file, write it, show the code, delete after confirmation."""

    def __init__(
        self,
        database: Database,
        citizen_id: int,
        name: str,
        file_name: str,
        parent: QWidget | None = None,
        on_changed: Callable[[bool], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.database = database
        self.citizen_id = citizen_id
        self.name = name
        self.on_changed = on_changed  # called with True when the case was deleted
        self.code = ""
        self.deleted = False
        self._asked_to_replace: Path | None = None  # chosen in Qt's save dialog, which asks before replacing

        counts = handover.case_row_counts(database, citizen_id)
        parts = [f"{label}: {counts.get(table, 0)}" for table, label in _SUMMARY]
        intro = QLabel(
            f"Hele sagen om <b>{_escape(name)}</b> gemmes som én krypteret fil til en kollega: stamdata, forløb og "
            "mål, praktik og timer, dokumentation og bilag, samtykker, helbredsnotater, kontakter, journal, "
            f"møder, frister, sagstekster, forsørgelse, CV og borgerens poster i loggen ({', '.join(parts)}).<br><br>"
            "Filen kan kun åbnes med en engangskode, som vises her bagefter. Sagen lukkes derefter som "
            "overdraget hos dig."
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)

        self.path_edit = QLineEdit(str(last_folder(FileKind.EXPORT) / file_name))
        self.path_edit.setObjectName("handoverPath")
        self.path_edit.setAccessibleName("Overdragelsesfil")
        choose = QPushButton("&Vælg…")
        choose.setToolTip("Vælg hvor filen gemmes")
        choose.clicked.connect(self._choose)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(choose)
        form = QFormLayout()
        form.addRow(_buddy("&Fil:", self.path_edit), path_row)

        self.error = _error_label()

        self.code_label = QLabel()
        self.code_label.setObjectName("handoverCode")
        self.code_label.setFont(_mono())
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.code_label.hide()
        self.done_label = QLabel()
        self.done_label.setObjectName("handoverDone")
        self.done_label.setWordWrap(True)
        self.done_label.hide()

        self.buttons = QDialogButtonBox()
        self.send_button = self.buttons.addButton("&Overdrag", QDialogButtonBox.ButtonRole.AcceptRole)
        self.send_button.setObjectName("handoverSend")
        self.send_button.setDefault(True)
        self.delete_button = self.buttons.addButton("&Slet sagens data nu…", QDialogButtonBox.ButtonRole.ActionRole)
        self.delete_button.setObjectName("handoverDelete")
        self.delete_button.setToolTip("Slet alt om borgeren i din database, når kollegaen har modtaget sagen")
        self.delete_button.setVisible(handover.is_handed_over(database, citizen_id))
        self.close_button = self.buttons.addButton("&Luk", QDialogButtonBox.ButtonRole.RejectRole)
        self.send_button.clicked.connect(self._send)
        self.delete_button.clicked.connect(self._ask_delete)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.code_label)
        layout.addWidget(self.done_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def _choose(self) -> None:
        current = Path(self.path_edit.text())
        chosen = save_file(self, FileKind.EXPORT, "Gem overdragelsesfil", current.name, FILTER, current.parent)
        if chosen is not None:
            self._asked_to_replace = chosen
            self.path_edit.setText(str(chosen))

    def _send(self) -> None:
        text = self.path_edit.text().strip()
        if not text:
            self._show_error("Vælg, hvor overdragelsesfilen skal gemmes.")
            return
        dest = Path(text)
        if not dest.parent.is_dir():
            self._show_error(f"Mappen findes ikke: {dest.parent}")
            return
        self.error.hide()
        self.send_button.setEnabled(False)
        database, citizen_id = self.database, self.citizen_id
        # Qt's save dialog asked before replacing a file; a typed name of an existing file is refused.
        replace = dest == self._asked_to_replace

        def work(_progress: Progress) -> object:
            return handover.hand_over(database, citizen_id, dest, replace=replace)

        run_with_progress(self, "Gemmer sagen som krypteret fil…", work, self._sent, self._failed)

    def _sent(self, result: object) -> None:
        assert isinstance(result, handover.HandoverResult)
        self.code = result.code
        self.code_label.setText(result.code)
        self.code_label.show()
        closing = "og lukket som overdraget hos dig" if result.closed else "(den var allerede lukket hos dig)"
        self.done_label.setText(
            f"Sagen er gemt i <b>{_escape(result.path.name)}</b> {closing}.<br>"
            "Giv koden til kollegaen ad en anden vej end filen (fx mundtligt eller på telefon). "
            "<b>Koden vises kun nu.</b><br>Slet sagens data hos dig, når kollegaen har modtaget den."
        )
        self.done_label.show()
        self.send_button.hide()
        self.path_edit.setReadOnly(True)
        self.delete_button.show()
        self.close_button.setDefault(True)
        if self.on_changed is not None:
            self.on_changed(False)

    def _failed(self, message: str, is_bug: bool) -> None:
        self.send_button.setEnabled(True)
        if is_bug:
            QMessageBox.critical(self, TITLE, message)
        else:
            self._show_error(message)

    def _show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _ask_delete(self) -> None:
        answer = QMessageBox.warning(
            self,
            TITLE,
            f"Slet alt om {self.name} fra din database permanent? Gør det først, når kollegaen har modtaget "
            "sagen. Det kan ikke fortrydes.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        database, citizen_id = self.database, self.citizen_id
        # Handed over in this dialog: its case is closed (maybe earlier, otherwise). Opened on a case
        # handed over before: only a closing as "overdraget" lets it be deleted here.
        only_handed_over = not self.code

        def work(_progress: Progress) -> object:
            return handover.delete_handed_over(database, citizen_id, only_handed_over=only_handed_over)

        def done(_result: object) -> None:
            self.deleted = True
            self.delete_button.setEnabled(False)
            self.done_label.setText("Borgerens data er slettet fra din database.")
            self.done_label.show()
            if self.on_changed is not None:
                self.on_changed(True)

        run_with_progress(self, "Sletter og rydder op…", work, done, self._failed)


class ReceiveDialog(QDialog):
    """The receiver's side: the file and the code; the case is added whole or not at all."""

    def __init__(
        self, database: Database, parent: QWidget | None = None, on_received: Callable[[int], None] | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(RECEIVE_TITLE)
        self.database = database
        self.on_received = on_received
        self.result_info: handover.ReceiveResult | None = None

        intro = QLabel(
            "Læg en sag, som en kollega har overdraget, ind i din sagsstamme. Skriv den engangskode, kollegaen "
            "fik vist. Sagen lægges ind med alt eller intet; en borger, du allerede har, afvises."
        )
        intro.setWordWrap(True)
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("receivePath")
        self.path_edit.setAccessibleName("Overdragelsesfil")
        choose = QPushButton("&Vælg…")
        choose.setToolTip("Vælg overdragelsesfilen")
        choose.clicked.connect(self._choose)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(choose)
        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("receiveCode")
        self.code_edit.setAccessibleName("Engangskode")
        self.code_edit.setFont(_mono(2))
        self.code_edit.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        form = QFormLayout()
        form.addRow(_buddy("&Fil:", self.path_edit), path_row)
        form.addRow(_buddy("&Kode:", self.code_edit), self.code_edit)
        self.error = _error_label()
        self.buttons = QDialogButtonBox()
        self.receive_button = self.buttons.addButton("&Modtag", QDialogButtonBox.ButtonRole.AcceptRole)
        self.receive_button.setObjectName("receiveButton")
        self.receive_button.setDefault(True)
        self.buttons.addButton("&Annuller", QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(self.reject)
        self.receive_button.clicked.connect(self._receive)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

    def _choose(self) -> None:
        chosen = open_file(self, FileKind.EXPORT, "Vælg overdragelsesfil", FILTER)
        if chosen is not None:
            self.path_edit.setText(str(chosen))
            self.code_edit.setFocus()

    def _receive(self) -> None:
        text = self.path_edit.text().strip()
        if not text:
            self.error.setText("Vælg overdragelsesfilen.")
            self.error.show()
            return
        path, code, database = Path(text), self.code_edit.text(), self.database
        self.error.hide()
        self.receive_button.setEnabled(False)

        def work(_progress: Progress) -> object:
            return handover.receive_case(database, path, code)

        run_with_progress(self, "Modtager sagen…", work, self._received, self._failed)

    def _received(self, result: object) -> None:
        assert isinstance(result, handover.ReceiveResult)
        self.result_info = result
        self.accept()
        if self.on_received is not None:
            self.on_received(result.citizen_id)

    def _failed(self, message: str, is_bug: bool) -> None:
        self.receive_button.setEnabled(True)
        if is_bug:
            QMessageBox.critical(self, RECEIVE_TITLE, message)
            return
        self.error.setText(message)
        self.error.show()
        self.code_edit.setFocus()


def _buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- the window's menus ------------------------------------------------------------------------


def handover_dialog(window: MainWindow) -> HandoverDialog | None:
    """The dialog for the citizen open in the window's file; None when none is open."""
    file = window.file
    if file.citizen_id is None or file.file is None or not file.can_leave():
        return None
    first, last = file.file.first_name, file.file.last_name
    name = suggested_name("Overdragelse", first, last, dt.date.today(), handover.FILE_SUFFIX)
    citizen_id = file.citizen_id

    def changed(deleted: bool) -> None:
        if deleted:
            file.clear()
        else:
            file.reload()
        window.reload()

    return HandoverDialog(window.database, citizen_id, f"{first} {last}".strip(), name, window, changed)


def receive_dialog(window: MainWindow) -> ReceiveDialog:
    def received(citizen_id: int) -> None:
        window.reload()
        window.file.show_citizen(citizen_id)

    return ReceiveDialog(window.database, window, received)


def add_handover_actions(window: MainWindow, file_menu: QMenu, citizen_menu: QMenu) -> None:
    """Borger ▸ Overdrag sag til kollega…, Filer ▸ Modtag sag fra kollega…"""
    send = QAction("&Overdrag sag til kollega…", window)
    send.setObjectName("handoverAction")
    send.setStatusTip("Gem hele sagen som én krypteret fil med en engangskode til en kollega")
    send.setToolTip(send.statusTip())

    def open_send() -> None:
        dialog = handover_dialog(window)
        if dialog is not None:
            dialog.exec()

    send.triggered.connect(open_send)
    citizen_menu.addAction(send)

    receive = QAction("&Modtag sag fra kollega…", window)
    receive.setObjectName("receiveAction")
    receive.setStatusTip("Læg en sag, som en kollega har overdraget, ind i din sagsstamme")
    receive.setToolTip(receive.statusTip())

    def open_receive() -> None:
        receive_dialog(window).exec()

    receive.triggered.connect(open_receive)
    before = next((a for a in file_menu.actions() if a.isSeparator()), None)
    file_menu.insertAction(before, receive) if before is not None else file_menu.addAction(receive)
