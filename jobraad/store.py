"""The caseload file as the window and the command line open and create it: their one door to
`db.session`. Opening or creating also removes what a killed export or backup left behind
(`jobraad.outputs.clean_leftovers`), and a new file's passphrase must pass the passphrase rule.

Imported before the passphrase window shows: SQLAlchemy only inside the functions.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from jobraad import passphrase as passphrases
from jobraad.outputs import clean_leftovers

if TYPE_CHECKING:
    from db.session import Database


def open_caseload(
    path: Path,
    passphrase: str,
    *,
    check_later: bool = False,
    hold_check: bool = False,
    meanwhile: Callable[[Database], None] | None = None,
) -> Database:
    """Open an existing caseload file (see `db.session.open_database`) and record the rule
    pack of cases documented before cases recorded it (`documentation.record_missing_packs`)."""
    from db.session import open_database
    from jobraad.documentation import record_missing_packs

    clean_leftovers()
    database = open_database(path, passphrase, check_later=check_later, hold_check=hold_check, meanwhile=meanwhile)
    try:
        record_missing_packs(database)  # cases documented before cases recorded their pack
    except BaseException:
        database.close()
        raise
    _anchor(database, at_open=True)
    return database


def create_caseload(path: Path, passphrase: str) -> Database:
    """Create a new, empty, encrypted caseload file; the passphrase must pass the rule
    (`PassphraseRefusedError` otherwise, nothing created)."""
    from db.session import create_database

    passphrases.check_new(passphrase)
    clean_leftovers()
    database = create_database(path, passphrase)
    _anchor(database, at_open=False)
    return database


def _anchor(database: Database, *, at_open: bool) -> None:
    """Keep the audit chain's anchor (`jobraad.audit_anchor`): entries found after it are
    recorded at opening, and it is moved on to the chain's head when the file is closed."""
    from jobraad import audit_anchor

    if at_open:
        audit_anchor.note_open(database)
    database.call_on_close(audit_anchor.anchor_on_close)
