"""What every tab of the citizen's file has: the database and the day it works with, the
citizen shown, and one way to run a change (a form, a confirmation, a service call) and
tell the file that something was saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from db.errors import UserFacingError
from ui.forms import FormDialog

if TYPE_CHECKING:
    from db.session import Database


class FileTab(QWidget):
    """A tab that reads what it shows through `jobraad` services: when the file shows it
    (`show_citizen`) and again after its own changes (`saved`).

    Signals: changed() after anything in the tab was saved."""

    changed = Signal()

    def __init__(self, database: Database, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.today = today
        self.citizen_id: int | None = None

    def show_citizen(self, citizen_id: int) -> None:
        self.citizen_id = citizen_id
        self.reload()

    def reload(self) -> None:
        """Read again what the tab shows for `citizen_id`."""
        raise NotImplementedError

    def saved(self) -> None:
        """After a change: show it, and tell the file (which updates its other tabs)."""
        self.reload()
        self.changed.emit()

    def run_dialog(self, dialog: FormDialog) -> bool:
        """Show `dialog`; True if it saved (the dialog closes only then)."""
        if dialog.exec() == FormDialog.DialogCode.Accepted:
            self.saved()
            return True
        return False

    def confirm(self, question: str, title: str = "Bekræft") -> bool:
        answer = QMessageBox.question(
            self, title, question, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        )
        return answer == QMessageBox.StandardButton.Yes

    def attempt(self, change: Callable[[], object], title: str = "jobraad") -> None:
        """Run a service call; a refusal is shown calmly and nothing is reloaded."""
        try:
            change()
        except UserFacingError as err:
            QMessageBox.warning(self, title, err.message)
            return
        self.saved()
