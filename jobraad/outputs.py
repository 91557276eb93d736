"""The program's rules for the files it writes, on top of the one writer in `db.files`.

`rules_for(database)` says what an output must never replace: the open database and its side
files, every file in its backup folder (besides every `*.jobraad` file and folder, which
`db.files` refuses anyway), and for a merge the files being merged. `write_output` writes
through `db.files.write_file` with those rules; services call it with `replace=True` only
when the user said so (`--force`, or the window's save dialog asked). The journal of unfinished
writes lives in the user's data folder; `clean_leftovers()` removes what a killed export or
backup left there (see `db.files`), at program start and with each command that opens a database.

Light on purpose: imported before the passphrase window (no SQLAlchemy, no ReportLab).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from platformdirs import user_data_path

from db import files
from db.files import OutputExistsError, OutputRefusedError, OutputRules, ProtectedFileError
from jobraad.paths import APP_NAME

if TYPE_CHECKING:
    from db.session import Database

__all__ = [
    "OutputExistsError",
    "OutputRefusedError",
    "OutputRules",
    "ProtectedFileError",
    "check_output",
    "clean_leftovers",
    "journal_folder",
    "rules_for",
    "suggested_name",
    "write_output",
]

log = logging.getLogger(__name__)

JOURNAL_FOLDER = "unfinished-writes"


def journal_folder() -> Path:
    """Where unfinished writes are recorded (the user's data folder, beside the default database)."""
    return user_data_path(APP_NAME, appauthor=False) / JOURNAL_FOLDER


def rules_for(database: Database | None, inputs: Sequence[Path | str] = ()) -> OutputRules:
    """What a file written now must never replace: `database` (open) with its side files and
    its backup folder, and the `inputs` an output is made from."""
    backup_folder = None
    if database is not None:
        from jobraad.settings import backup_folder as folder_of  # reads the settings: only with a database

        backup_folder = folder_of(database)
    return OutputRules(
        database=database.path if database is not None else None,
        backup_folder=backup_folder,
        inputs=tuple(Path(p) for p in inputs),
        journal=journal_folder(),
    )


def check_output(path: Path, rules: OutputRules, *, replace: bool = False) -> None:
    """Refuse a target before the work that fills it (`OutputRefusedError`); the writer checks again."""
    files.check_target(Path(path), rules, replace=replace)


def write_output(
    path: Path,
    content: bytes | Callable[[BinaryIO], None],
    rules: OutputRules,
    *,
    replace: bool = False,
    what: str = "Filen kunne ikke gemmes",
) -> None:
    """Write `content` (bytes, or a function that writes them to a stream) through the one
    writer (`db.files.write_file`) under `rules`; `what` starts a storage error's message."""
    if isinstance(content, bytes):
        data = content

        def put(fh: BinaryIO) -> None:
            fh.write(data)

    files.write_file(Path(path), put if isinstance(content, bytes) else content, rules, replace=replace, what=what)


def clean_leftovers() -> int:
    """Remove the temporary files of exports and backups that a killed process left behind.
    Returns how many. A file that cannot be removed is left for the next time."""
    removed = files.clean_leftovers(journal_folder())
    if removed:
        log.info("removed %d temporary file(s) left by an interrupted write", len(removed))
    return len(removed)


def suggested_name(what: str, first_name: str, last_name: str, day: dt.date, suffix: str = ".pdf") -> str:
    """The name a save dialog suggests for a citizen's document: what it is, the citizen's
    initials (not the name: file names show in lists, backups and mail) and the date, e.g.
    "Sag SÆ 2026-03-02.pdf"."""
    initials = "".join(part[:1] for part in (first_name.strip(), last_name.strip()) if part).upper()
    safe = "".join(ch for ch in f"{what} {initials}" if ch.isalnum() or ch in " -_").strip()
    return f"{safe} {day:%Y-%m-%d}{suffix}"
