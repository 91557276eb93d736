"""The passphrase rule: what a passphrase must be to make or change a file's key, and
changing it. One place for the command line and the window (the new-file dialog and
the change-passphrase dialog).

Imported before the passphrase window shows: nothing here may import SQLAlchemy at
module level (see tests/ui/test_app_start.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.errors import UserFacingError

if TYPE_CHECKING:
    from db.session import Database

MIN_LENGTH = 8


class PassphraseRefusedError(UserFacingError):
    """A new passphrase that the rule refuses; nothing was created or changed."""


def is_readable(passphrase: str) -> bool:
    """False if the text holds characters that are not text: bytes that were not UTF-8
    (Python keeps them as lone surrogates) cannot make a key, and would not be typed the
    same way again."""
    try:
        passphrase.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_new(passphrase: str) -> None:
    """Refuse a passphrase for a new file or a new key that is too short to resist guessing
    (`PassphraseRefusedError`, Danish message)."""
    if len(passphrase) < MIN_LENGTH:
        raise PassphraseRefusedError(
            f"Adgangskoden skal være mindst {MIN_LENGTH} tegn. Brug gerne en sætning, du kan huske."
        )


def change_passphrase(database: Database, old: str, new: str) -> None:
    """Re-encrypt the open database with `new` after checking `old` and the rule (a
    `UserFacingError` with a Danish message when refused; nothing changed then). Logged.
    Backups made before keep the passphrase they were made with."""
    from jobraad import audit, audit_anchor  # SQLAlchemy: not before the passphrase window is up

    sound = audit_anchor.anchor_is_sound(database)  # under the old key
    database.change_passphrase(old, new, check_new=check_new)
    audit.log_action(database, audit.Action.CHANGE, None, "adgangskode skiftet")
    if sound:  # the anchor's HMAC key is derived from the key that just changed
        audit_anchor.write_anchor(database)


def unlock_delay(failed_attempts: int) -> float:
    """Seconds to wait before the next passphrase attempt after `failed_attempts` wrong ones.

    The first three mistakes cost nothing (typos); then the wait doubles from one
    second up to half a minute, which makes guessing by hand hopeless without
    punishing the user who mistyped.
    """
    if failed_attempts < 3:
        return 0.0
    return float(min(30, 2 ** (failed_attempts - 3)))
