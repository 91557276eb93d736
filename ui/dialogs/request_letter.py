"""The request letter for a checklist item: a form pre-filled by `jobraad.letters`, then
one service call that writes the letter (Gem) or prints it (Udskriv…, `ui.printing`) and
marks the item as requested."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QDialogButtonBox, QPushButton, QVBoxLayout, QWidget

from db.errors import UserFacingError
from jobraad.citizens import get_citizen_input
from jobraad.outputs import suggested_name
from jobraad.print_spool import job_title
from ui import printing
from ui.file_dialogs import FileKind, save_file
from ui.forms import Field, FormDialog
from ui.places import documents_folder
from ui.worker import Progress

if TYPE_CHECKING:
    from db.session import Database

FIELDS = [
    Field("recipient_name", "Modtager", required=True),
    Field("recipient_unit", "Enhed / adresse"),
    Field("recipient_secure_mail", "Modtagers sikre mail"),
    Field("what", "Der anmodes om", kind="multiline", required=True),
    Field("purpose", "Formål", required=True),
    Field("answer_by", "Svar senest", kind="date", required=True),
    Field("caseworker", "Jobrådgiver", required=True),
    Field("mark_requested", "Markér punktet som anmodet i dag", kind="bool"),
]


class RequestLetterDialog(FormDialog):
    """The letter form with a second way out: Udskriv… (Ctrl+P) prints the letter and marks
    the item in one step, in a worker, with its progress and Annuller in the form; the form
    closes (accepted, `result_value` None) when the printer has the letter. A failed or
    cancelled print marks nothing and leaves the form open with what was typed."""

    def __init__(
        self,
        values: dict[str, Any],
        save: Callable[[dict[str, Any]], object],
        print_letter: Callable[[dict[str, Any], printing.PrintJob, Progress], str],
        file_name: str,
        database: Database,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Anmodningsbrev", FIELDS, values, save, parent)
        self._print_letter = print_letter
        self._file_name = file_name
        self._database = database
        self._close_after_print: int | None = None
        box = self.findChild(QDialogButtonBox)
        assert box is not None
        self.buttons = box
        self.print_button = QPushButton("&Udskriv…")
        self.print_button.setToolTip("Udskriv brevet og markér punktet (Ctrl+P)")
        self.print_button.clicked.connect(self.print_letter)
        box.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.print_status = printing.PrintStatus(self)
        self.print_status.ended.connect(self._print_ended)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(layout.indexOf(box), self.print_status)  # above the buttons
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_letter)

    def print_letter(self) -> None:
        """Check the form, show the print dialog, then print (and mark) in a worker."""
        if self.print_status.running():
            return
        values, problems = self.values()
        if problems:
            self.show_problems(problems, "Ret de markerede felter. Intet er udskrevet.")
            return
        self.show_problems([])
        title = job_title(self._file_name)
        printer = printing.choose_printer(self, title, 0)
        if printer is None:
            return
        job = printing.PrintJob(printer, title, self._database)
        self.buttons.setEnabled(False)
        self.print_status.start(job, lambda progress: self._print_letter(values, job, progress))

    def _print_ended(self, message: str, printed: bool) -> None:
        self.buttons.setEnabled(True)
        if printed:
            self.result_value = None
            super(FormDialog, self).accept()  # printed and marked: nothing left to save
        elif self._close_after_print is not None:
            super().done(self._close_after_print)
        else:
            self.print_status.hide()  # the form says what came of it, where it shows a refused save
            self.show_problems([], message)

    def done(self, result: int) -> None:
        """Closing while the letter prints cancels the print; the form closes when it has stopped."""
        if self.print_status.running():
            self._close_after_print = result
            self.print_status.cancel()
            return
        super().done(result)


def request_letter_dialog(
    database: Database, citizen_id: int, item_id: str, instance: str, today: dt.date, parent: QWidget
) -> FormDialog:
    """The letter form. Raises `LetterRefused` (before showing anything) when no letter can
    be made, e.g. a health request without consent. On success `result_value` is the path
    of the letter written (None when it was printed)."""
    from jobraad.letters import LetterDraft, draft_request_letter, make_request_letter  # ReportLab: when used

    draft = draft_request_letter(database, citizen_id, item_id, instance, today)
    data = get_citizen_input(database, citizen_id)
    file_name = suggested_name("Anmodning", data.first_name, data.last_name, today)

    def save(values: dict[str, Any]) -> object:
        target = save_file(
            parent, FileKind.LETTER, "Gem anmodningsbrev", file_name, "PDF (*.pdf)", default=documents_folder()
        )
        if target is None:
            raise UserFacingError("Brevet er ikke gemt (ingen fil valgt).")
        # Qt's save dialog has asked before replacing an existing file.
        make_request_letter(
            database, citizen_id, item_id, instance, LetterDraft(**values), target, replace=True, today=today
        )
        return target

    def print_letter(values: dict[str, Any], job: printing.PrintJob, progress: Progress) -> str:
        """In a worker: the letter made and handed to the printer inside the transaction
        that marks the item."""
        said: list[str] = []
        make_request_letter(
            database,
            citizen_id,
            item_id,
            instance,
            LetterDraft(**values),
            lambda pdf: said.append(job.deliver(pdf, progress)),
            today=today,
        )
        return said[0]

    return RequestLetterDialog(dataclasses.asdict(draft), save, print_letter, file_name, database, parent)
