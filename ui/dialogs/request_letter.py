"""The request letter for a checklist item: a form pre-filled by `jobraad.letters`, then
one service call that writes the letter and marks the item as requested."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QFileDialog, QWidget

from db.errors import UserFacingError
from jobraad.citizens import get_citizen_input
from jobraad.outputs import suggested_name
from ui.forms import Field, FormDialog
from ui.places import documents_folder

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


def request_letter_dialog(
    database: Database, citizen_id: int, item_id: str, instance: str, today: dt.date, parent: QWidget
) -> FormDialog:
    """The letter form. Raises `LetterRefused` (before showing anything) when no letter can
    be made, e.g. a health request without consent. On success `result_value` is the path
    of the letter written."""
    from jobraad.letters import LetterDraft, draft_request_letter, make_request_letter  # ReportLab: when used

    draft = draft_request_letter(database, citizen_id, item_id, instance, today)

    def save(values: dict[str, Any]) -> object:
        data = get_citizen_input(database, citizen_id)
        default = documents_folder() / suggested_name("Anmodning", data.first_name, data.last_name, today)
        target, _ = QFileDialog.getSaveFileName(parent, "Gem anmodningsbrev", str(default), "PDF (*.pdf)")
        if not target:
            raise UserFacingError("Brevet er ikke gemt (ingen fil valgt).")
        # Qt's save dialog has asked before replacing an existing file.
        make_request_letter(
            database, citizen_id, item_id, instance, LetterDraft(**values), Path(target), replace=True, today=today
        )
        return Path(target)

    return FormDialog("Anmodningsbrev", FIELDS, dataclasses.asdict(draft), save, parent)
