"""Environment errors: things that go wrong outside the program's control
(wrong passphrase, a file that is no database, a locked file, a full disk).

Each carries a calm Danish message for the user; they never carry personal data.
Anything else that is raised is a bug and is reported as such.
"""

from __future__ import annotations

from pathlib import Path


class UserFacingError(Exception):
    """An error whose message is meant for the user, in Danish."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class WrongPassphraseError(UserFacingError):
    def __init__(self) -> None:
        super().__init__("Adgangskoden er forkert, eller filen er ikke en jobraad-database. Filen er ikke ændret.")


class NotADatabaseError(UserFacingError):
    pass


class DatabaseMissingError(UserFacingError):
    pass


class DatabaseExistsError(UserFacingError):
    pass


class SchemaTooNewError(UserFacingError):
    def __init__(self, revision: str) -> None:
        super().__init__(
            "Databasen er lavet af en nyere udgave af jobraad (skemaversion "
            f"{revision}). Opdatér programmet for at åbne den. Filen er ikke ændret."
        )
        self.revision = revision


class DatabaseLockedError(UserFacingError):
    def __init__(self) -> None:
        super().__init__(
            "Databasen er allerede åben i et andet jobraad-vindue eller program. Luk det først, og prøv igen."
        )


class StorageError(UserFacingError):
    """Disk full, read-only folder and similar I/O trouble."""


class DatabaseDamagedError(UserFacingError):
    """The file failed SQLite's integrity check, or part of its schema is missing: it must
    not be used; restore a backup."""

    def __init__(self, path: Path, detail: str = "") -> None:
        what = f" ({detail})" if detail else ""
        super().__init__(
            f"Databasen {path.name} er beskadiget{what} og kan ikke bruges sikkert. Gendan den seneste "
            "sikkerhedskopi (i programmet: Gendan sikkerhedskopi; på kommandolinjen: "
            f"jobraad restore FIL --db {path}). Filen er ikke ændret."
        )
        self.path = path


class InvalidPassphraseError(UserFacingError):
    """A passphrase that cannot be a key (not valid Unicode text)."""

    def __init__(self) -> None:
        super().__init__(
            "Adgangskoden indeholder tegn, der ikke er gyldig tekst (fx fra et tastatur med et andet tegnsæt). "
            "Skriv den igen. Filen er ikke ændret."
        )


# --- SQLite result codes (https://sqlite.org/rescode.html) ---------------------------------------
# Errors are told apart by these, never by the wording of a message, which SQLite and
# SQLCipher are free to change.

SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26


def sqlite_code(err: BaseException) -> int | None:
    """The primary SQLite result code of a DBAPI error, or of the one a SQLAlchemy error
    wraps (`.orig`); None when there is none."""
    orig = getattr(err, "orig", None) or err
    code = getattr(orig, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None
