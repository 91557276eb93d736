"""The encrypted database: engine, sessions, opening and creating a file.

No engine exists at import time. `open_database()` makes one for a path and a
passphrase, checks the passphrase without changing the file, and brings the
schema to the newest revision (backing the file up first).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, exc
from sqlalchemy.orm import Session, sessionmaker

from db.errors import (
    DatabaseExistsError,
    DatabaseMissingError,
    NotADatabaseError,
    StorageError,
    WrongPassphraseError,
)

log = logging.getLogger(__name__)

PLAINTEXT_SQLITE_HEADER = b"SQLite format 3\x00"


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # SQLCipher prints decryption failures to stderr; a wrong passphrase is
    # reported by us, in Danish, so its own lines must not reach the terminal.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA cipher_log_level = NONE")
    # Let SQLAlchemy emit BEGIN itself, so transactions and savepoints are real
    # (the sqlite3 module's implicit transactions are not).
    dbapi_connection.isolation_level = None
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.close()


def _on_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def make_engine(path: Path, passphrase: str) -> Engine:
    """An engine for an encrypted file. Connecting does not check the passphrase."""
    url = URL.create("sqlite+pysqlcipher", password=passphrase, database=str(path))
    engine = create_engine(url)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _digest(passphrase: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", passphrase.encode(), salt, 10_000)


class Database:
    """An open, unlocked, up-to-date caseload file."""

    def __init__(self, path: Path, engine: Engine, passphrase: str) -> None:
        self.path = path
        self.engine = engine
        # Kept only as a salted digest, to unlock the window after idle time.
        self._salt = os.urandom(16)
        self._digest = _digest(passphrase, self._salt)
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        with self._sessions.begin() as session:
            yield session

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only; nothing is committed."""
        with self._sessions() as session:
            yield session
            session.rollback()

    def check_passphrase(self, passphrase: str) -> bool:
        """True if `passphrase` is the one this file was opened with (for unlocking)."""
        return hmac.compare_digest(_digest(passphrase, self._salt), self._digest)

    def close(self) -> None:
        self.engine.dispose()


def _probe(path: Path) -> None:
    """Refuse files that cannot be a jobraad database, before SQLCipher touches them."""
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as err:
        raise StorageError(f"Filen kan ikke læses: {path.name} ({err.strerror}).") from None
    if head.startswith(PLAINTEXT_SQLITE_HEADER):
        raise NotADatabaseError(
            f"{path.name} er en ukrypteret SQLite-fil, ikke en jobraad-database. Filen er ikke ændret."
        )
    if len(head) < 16:
        raise NotADatabaseError(f"{path.name} er tom eller afkortet og kan ikke åbnes. Filen er ikke ændret.")


def _unlock(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").all()
    except exc.DatabaseError as err:
        engine.dispose()
        if "not a database" in str(err.orig) or "encrypted" in str(err.orig):
            raise WrongPassphraseError() from None
        raise NotADatabaseError("Filen kan ikke åbnes som en jobraad-database. Filen er ikke ændret.") from None


def open_database(path: Path | str, passphrase: str, *, migrate: bool = True) -> Database:
    """Open an existing caseload file. Raises a `UserFacingError` on any environment trouble."""
    from db.migrate import upgrade_to_head

    path = Path(path)
    if not path.is_file():
        raise DatabaseMissingError(f"Databasen findes ikke: {path}")
    _probe(path)
    engine = make_engine(path, passphrase)
    _unlock(engine)
    database = Database(path, engine, passphrase)
    if migrate:
        try:
            upgrade_to_head(database)
        except BaseException:
            database.close()
            raise
    return database


def create_database(path: Path | str, passphrase: str) -> Database:
    """Create a new, empty, encrypted caseload file at the newest schema."""
    from db.migrate import upgrade_to_head

    path = Path(path)
    if path.exists():
        raise DatabaseExistsError(f"Der findes allerede en fil her: {path}. Vælg et andet navn.")
    if not passphrase:
        raise ValueError("a database needs a passphrase")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StorageError(f"Mappen kan ikke oprettes: {path.parent} ({err.strerror}).") from None
    engine = make_engine(path, passphrase)
    database = Database(path, engine, passphrase)
    try:
        upgrade_to_head(database)
    except exc.OperationalError as err:
        database.close()
        _remove_quietly(path)
        raise StorageError(f"Databasen kan ikke oprettes i {path.parent}: {err.orig}.") from None
    except BaseException:
        database.close()
        _remove_quietly(path)
        raise
    return database


def _remove_quietly(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(OSError):
            p.unlink()
