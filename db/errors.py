"""Environment errors: things that go wrong outside the program's control
(wrong passphrase, a file that is no database, a locked file, a full disk).

Each carries a calm Danish message for the user; they never carry personal data.
Anything else that is raised is a bug and is reported as such.
"""

from __future__ import annotations


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
