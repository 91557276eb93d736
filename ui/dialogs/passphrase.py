"""Asking for the passphrase: to unlock a file, or to choose one for a new file."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from jobraad import passphrase as passphrases
from ui import palette
from ui.lock import BackOff


class PassphraseDialog(QDialog):
    """Asks for a passphrase. With `confirm=True` (a new database) it asks twice and
    checks it against the passphrase rule (`jobraad.passphrase`) before it accepts.

    With `attempt`, the dialog stays up while the passphrase is tried: `attempt(text)` is
    called on OK and returns True when the dialog may close (the file opened, or there is
    nothing more to try); a wrong passphrase calls `refused` and returns False, and the
    window stays, counting down the wait, with what the user types meanwhile kept."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        confirm: bool = False,
        file_label: str = "",
        attempt: Callable[[str], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self.confirm = confirm
        self._attempt = attempt
        self.setWindowTitle("Ny database" if confirm else "Lås op")
        self.setMinimumWidth(420)
        layout = QVBoxLayout(self)
        intro = (
            "Vælg en adgangskode til din sagsstamme. Den krypterer filen og kan ikke gendannes, "
            "hvis du glemmer den. Brug gerne en sætning."
            if confirm
            else "Skriv adgangskoden til din sagsstamme."
        )
        text = QLabel(intro + (f"\n\nFil: {file_label}" if file_label else ""))
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setObjectName("passphrase")
        form.addRow("&Adgangskode:", self.passphrase)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setObjectName("repeat")
        if confirm:
            form.addRow("&Gentag:", self.repeat)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet(palette.error_style())
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Opret" if confirm else "Lås op")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuller")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        # Only OK waits: the field takes keys meanwhile, and Enter does nothing until the wait is over.
        self.back_off = BackOff([self.ok_button], self)
        self.back_off.changed.connect(self.error.setText)
        self.back_off.ready.connect(self.passphrase.setFocus)
        self.passphrase.setFocus()

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()
        self.passphrase.selectAll()
        self.passphrase.setFocus()

    def refused(self, message: str) -> None:
        """The passphrase did not open the file: say so, and hold the next try for the wait
        that repeated wrong passphrases cost (the dialog stays responsive meanwhile)."""
        self.show_error(self.back_off.refused(message))

    def value(self) -> str:
        return self.passphrase.text()

    def accept(self) -> None:
        if self.back_off.waiting():
            return
        if not passphrases.is_readable(self.passphrase.text()):
            self.show_error("Adgangskoden indeholder et tegn, der ikke kan bruges. Skriv den igen.")
            return
        if self.confirm:
            try:
                passphrases.check_new(self.passphrase.text())
            except passphrases.PassphraseRefusedError as err:
                self.show_error(err.message)
                return
            if self.passphrase.text() != self.repeat.text():
                self.show_error("De to adgangskoder er ikke ens.")
                return
        elif not self.passphrase.text():
            self.show_error("Skriv adgangskoden.")
            return
        if self._attempt is not None:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                done = self._attempt(self.passphrase.text())
            finally:
                QGuiApplication.restoreOverrideCursor()
            if not done:
                return
        super().accept()
