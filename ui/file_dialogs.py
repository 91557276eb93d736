"""Qt's file dialogs, opening where the user last went for the same kind of file.

Each kind of file (an import, a dossier, an attachment, …) remembers the folder of the last
file chosen for it, so a caseworker who keeps imports in one folder and dossiers in another
is not sent back to the home folder each time. Only the folder is kept, never a file name,
in the user's own Qt settings (an .ini file in the user's settings folder), not in the
caseload: the folders belong to this computer, not to the database or its backups.
"""

from __future__ import annotations

import enum
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget


class FileKind(enum.StrEnum):
    IMPORT = "import"  # citizens from a spreadsheet
    DATABASE = "database"  # a caseload file to open
    DOSSIER = "dossier"  # the team's dossier saved as PDF
    LETTER = "letter"  # request letters
    ATTACHMENT = "attachment"  # files added to a documentation item
    EXPORT = "export"  # team summaries, merges, the calendar, the log


def _settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "jobraad", "jobraad")


def _key(kind: FileKind) -> str:
    return f"file_dialogs/{kind.value}"


def last_folder(kind: FileKind, default: Path | None = None) -> Path:
    """The folder of the last file chosen for `kind`, if it still exists; else `default`
    (the home folder when none is given)."""
    stored = _settings().value(_key(kind), "")
    if isinstance(stored, str) and stored and Path(stored).is_dir():
        return Path(stored)
    return default if default is not None else Path.home()


def remember(kind: FileKind, chosen: Path) -> None:
    """Keep the folder of `chosen` (a file) as the place to start for `kind` next time."""
    folder = chosen.parent
    settings = _settings()
    settings.setValue(_key(kind), str(folder))
    settings.sync()


def open_file(parent: QWidget | None, kind: FileKind, title: str, filters: str) -> Path | None:
    chosen, _ = QFileDialog.getOpenFileName(parent, title, str(last_folder(kind)), filters)
    if not chosen:
        return None
    remember(kind, Path(chosen))
    return Path(chosen)


def open_files(parent: QWidget | None, kind: FileKind, title: str, filters: str) -> list[Path]:
    chosen, _ = QFileDialog.getOpenFileNames(parent, title, str(last_folder(kind)), filters)
    if chosen:
        remember(kind, Path(chosen[0]))
    return [Path(name) for name in chosen]


def save_file(
    parent: QWidget | None, kind: FileKind, title: str, file_name: str, filters: str, default: Path | None = None
) -> Path | None:
    """Ask where to save `file_name` (offered in the last folder for `kind`, else in
    `default`, else the home folder). Qt's dialog asks before replacing an existing file."""
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(last_folder(kind, default) / file_name), filters)
    if not chosen:
        return None
    remember(kind, Path(chosen))
    return Path(chosen)
