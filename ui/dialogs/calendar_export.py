"""The window's calendar export: initials or names, an optional reminder, then the file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from db.errors import UserFacingError
from jobraad.calendar_export import WORKDAY_START, export_ics
from ui.file_dialogs import FileKind, save_file
from ui.forms import Field, FormDialog

if TYPE_CHECKING:
    from db.session import Database

#: The reminders offered (minutes before the event); "Ingen" first, so it is the default.
REMINDERS: list[tuple[str, Any]] = [
    ("Ingen", None),
    ("15 minutter før", 15),
    ("1 time før", 60),
    ("1 dag før", 24 * 60),
]


def export_calendar(database: Database, parent: QWidget, today: dt.date) -> tuple[int, Path] | None:
    """Ask for initials or names and a reminder, then the file; write it. Returns the number of
    events written and the file, or None when the user cancelled or the export was refused
    (and was told why)."""
    chosen: dict[str, Any] = {}
    form = FormDialog(
        "Eksportér kalender",
        [
            Field("initials", "Kun initialer (anbefales, når kalenderen synkroniseres)", kind="bool"),
            Field("reminder", "Påmindelse", kind="choice", choices=REMINDERS),
        ],
        {"initials": True, "reminder": None},
        lambda v: chosen.update(v),
        parent,
        intro="Hver aftale hedder kun, hvad slags den er (fx «Frist: dokumentation»), og hvem det gælder. "
        "Dokumenter, læger, helbred, steder og noter bliver i jobraad. "
        f"Påmindelsen kommer før et møde; ved en frist før arbejdsdagen (kl. {WORKDAY_START:%H:%M}) på dagen.",
    )
    if form.exec() != QDialog.DialogCode.Accepted:
        return None
    path = save_file(parent, FileKind.EXPORT, "Eksportér kalender", "jobraad-frister.ics", "Kalender (*.ics)")
    if path is None:
        return None
    try:
        # Qt's save dialog has asked before replacing an existing file.
        count = export_ics(
            database,
            Path(path),
            today,
            names=not chosen["initials"],
            reminder_minutes=chosen["reminder"],
            replace=True,
        )
    except UserFacingError as err:
        QMessageBox.warning(parent, "Kalender", err.message)
        return None
    return count, Path(path)
