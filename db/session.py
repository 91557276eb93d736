"""The encrypted database: engine, sessions, opening and creating a file.

No engine exists at import time. `open_database()` makes one for a path and a
passphrase, takes the file's lock (one program at a time), checks the
passphrase without changing the file, runs SQLite's quick integrity check and
brings the schema to the newest revision (backing the file up first).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, exc
from sqlalchemy.dialects.sqlite.pysqlcipher import SQLiteDialect_pysqlcipher
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool, QueuePool

from db.errors import (
    DatabaseExistsError,
    DatabaseMissingError,
    NotADatabaseError,
    StorageError,
    UserFacingError,
    WrongPassphraseError,
)
from db.lockfile import FileLock

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


def make_engine(path: Path, passphrase: str, *, pooled: bool = True) -> Engine:
    """An engine for an encrypted file. Connecting does not check the passphrase.

    Its connections are pooled across threads (QueuePool), not kept one per thread as the
    pysqlcipher dialect would: each new connection derives the key again (a tenth of a
    second, on purpose), and the program's worker threads come and go. Not `pooled`: one
    connection per use, for a single job beside the program's own connections."""
    url = URL.create("sqlite+pysqlcipher", password=passphrase, database=str(path))
    # hide_parameters: an error's text never carries a row's values (CPR, names) to a log.
    engine = create_engine(url, poolclass=QueuePool if pooled else NullPool, hide_parameters=True)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def _digest(passphrase: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", passphrase.encode(), salt, 10_000)


class DatabaseDamagedError(UserFacingError):
    """SQLite's integrity check failed: the file must not be used; restore a backup."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"Databasen {path.name} er beskadiget og kan ikke bruges sikkert. Gendan den seneste "
            "sikkerhedskopi (i programmet: Gendan sikkerhedskopi; på kommandolinjen: "
            f"jobraad restore FIL --db {path}). Filen er ikke ændret."
        )
        self.path = path


BUSY_REKEY = (
    "Adgangskoden kan ikke skiftes, mens databasen er i brug. Luk andre vinduer "
    "og igangværende arbejde (fx eksport), og prøv igen. Adgangskoden er ikke skiftet."
)


class PassphraseNotChangedError(UserFacingError):
    """The passphrase was not changed; the message says why."""


def quote_passphrase(passphrase: str) -> str:
    """The passphrase as SQLAlchemy's pysqlcipher dialect writes it in `PRAGMA key`,
    so a connection made without SQLAlchemy (backup, rekey) derives the same key."""
    quoted: str = SQLiteDialect_pysqlcipher().identifier_preparer.quote_identifier(passphrase)
    return quoted


def unlock_delay(failed_attempts: int) -> float:
    """Seconds to wait before the next passphrase attempt after `failed_attempts` wrong ones.

    The first three mistakes cost nothing (typos); then the wait doubles from one
    second up to half a minute, which makes guessing by hand hopeless without
    punishing the user who mistyped.
    """
    if failed_attempts < 3:
        return 0.0
    return float(min(30, 2 ** (failed_attempts - 3)))


class Database:
    """An open, unlocked, up-to-date caseload file."""

    def __init__(self, path: Path, engine: Engine, passphrase: str, lock: FileLock | None = None) -> None:
        self.path = path
        self.engine = engine
        # Kept only as a salted digest, to unlock the window after idle time.
        self._salt = os.urandom(16)
        self._digest = _digest(passphrase, self._salt)
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._lock = lock
        # Set once the file has passed its integrity check, or when none is pending.
        self._checked = threading.Event()
        self._checked.set()
        self._damaged = False
        self._check_thread: threading.Thread | None = None

    def check_in_background(self) -> None:
        """Run `quick_check` in a thread of its own (SQLCipher leaves Python free while it
        decrypts every page). Until it has passed, every write waits for it, and after a
        failed check every write raises `DatabaseDamagedError`: nothing is ever written
        to, or backed up from, a file that has not passed. Reads do not wait."""
        self._checked.clear()

        def work() -> None:
            # An engine of its own: the check holds none of the connections the program's
            # window and workers use, and it derives its key beside them.
            checker = make_engine(self.path, self.engine.url.password or "", pooled=False)
            self._damaged = True  # until the check says otherwise, even if it fails oddly
            try:
                self._damaged = not self._check("quick_check", checker)
            except Exception as err:  # counted as failed: writes are refused
                log.warning("quick_check broke off: %s", type(err).__name__)
            finally:
                checker.dispose()
                self._checked.set()

        self._check_thread = threading.Thread(target=work, name="jobraad-quick-check", daemon=True)
        self._check_thread.start()

    def wait_until_checked(self, timeout: float | None = None) -> bool | None:
        """True once the file has passed its check (or none was asked for), False if it
        failed; None if `timeout` seconds passed first."""
        if not self._checked.wait(timeout):
            return None
        return not self._damaged

    def ensure_writable(self) -> None:
        """Hold a write until the integrity check has passed; refuse it if it failed."""
        if not self.wait_until_checked():
            raise DatabaseDamagedError(self.path)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error.
        Waits for a pending integrity check (see `check_in_background`)."""
        self.ensure_writable()
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

    def quick_check(self) -> bool:
        """SQLite's `PRAGMA quick_check` (every page read and decrypted, no index
        cross-check): fast enough for every start."""
        return self._check("quick_check")

    def integrity_check(self) -> bool:
        """The full `PRAGMA integrity_check`, for restores and the kill tests."""
        return self._check("integrity_check")

    def _check(self, pragma: str, engine: Engine | None = None) -> bool:
        try:
            with (engine or self.engine).connect() as conn:
                try:
                    passed = [tuple(r) for r in conn.exec_driver_sql(f"PRAGMA {pragma}").all()] == [("ok",)]
                except exc.DatabaseError as err:
                    log.info("%s failed: %s", pragma, err.orig)
                    passed = False
                if not passed:
                    # A connection that has met damage may keep failing: it is not used again.
                    conn.invalidate()
        except exc.DatabaseError as err:  # no connection at all: a wrong key, a damaged first page
            log.info("%s could not connect: %s", pragma, err.orig)
            return False
        return passed

    def change_passphrase(self, old: str, new: str, *, check_new: Callable[[str], None] | None = None) -> None:
        """Re-encrypt the file with `new` (SQLCipher `PRAGMA rekey`).

        `old` must be the passphrase the file was opened with. `check_new` may
        refuse a weak passphrase by raising a `UserFacingError` (the strength rule
        belongs to the program, not to the file). Other sessions must be closed:
        connections still keyed with the old passphrase cannot read the file after.
        """
        self.ensure_writable()
        if not self.check_passphrase(old):
            raise PassphraseNotChangedError("Den nuværende adgangskode er forkert. Adgangskoden er ikke skiftet.")
        if not new:
            raise PassphraseNotChangedError("Den nye adgangskode mangler. Adgangskoden er ikke skiftet.")
        if new == old:
            raise PassphraseNotChangedError(
                "Den nye adgangskode er den samme som den nuværende. Adgangskoden er ikke skiftet."
            )
        if check_new is not None:
            check_new(new)
        quoted = quote_passphrase(new)
        # The rekey must run on the only connection to the file: a connection a worker has
        # borrowed would go on with the old key and fail. Disposing closes only idle ones.
        if isinstance(self.engine.pool, QueuePool) and self.engine.pool.checkedout():
            raise PassphraseNotChangedError(BUSY_REKEY)
        self.engine.dispose()
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(f"PRAGMA rekey = {quoted}")
            cursor.close()
        except Exception as err:  # the DBAPI's own error types, not SQLAlchemy's
            raw.invalidate()
            self.engine.dispose()
            reason = str(err)
            if "locked" in reason or "busy" in reason:
                raise PassphraseNotChangedError(BUSY_REKEY) from None
            raise StorageError(f"Adgangskoden kunne ikke skiftes ({reason}). Adgangskoden er ikke skiftet.") from None
        finally:
            raw.close()
        self.engine.dispose()
        engine = make_engine(self.path, new)
        _unlock(engine)
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._digest = _digest(new, self._salt)
        log.info("passphrase changed")

    def close(self) -> None:
        """Close every connection and release the file's lock. Closing twice is harmless.
        A pending integrity check is finished first (it reads the file)."""
        if self._check_thread is not None:
            self._check_thread.join()
        self.engine.dispose()
        if self._lock is not None:
            self._lock.release()


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
        if "malformed" in str(err.orig) and engine.url.database:
            raise DatabaseDamagedError(Path(engine.url.database)) from None
        raise NotADatabaseError("Filen kan ikke åbnes som en jobraad-database. Filen er ikke ændret.") from None


def _unlock_while(engine: Engine, meanwhile: Callable[[], None]) -> None:
    """`_unlock(engine)` in a thread while `meanwhile()` runs here; raises what `_unlock`
    raised (first) or what `meanwhile` raised."""
    failure: list[BaseException] = []

    def work() -> None:
        try:
            _unlock(engine)
        except BaseException as err:  # handed to the caller's thread below
            failure.append(err)

    thread = threading.Thread(target=work, name="jobraad-unlock", daemon=True)
    thread.start()
    try:
        meanwhile()
    finally:
        thread.join()
        if failure:
            raise failure[0]


def open_database(
    path: Path | str,
    passphrase: str,
    *,
    migrate: bool = True,
    check: bool = True,
    check_later: bool = False,
    meanwhile: Callable[[Database], None] | None = None,
) -> Database:
    """Open an existing caseload file. Raises a `UserFacingError` on any environment trouble.

    The file is locked until `Database.close()`: a second open, from this or any
    other process, raises `DatabaseLockedError`. With `check` the file must pass
    `PRAGMA quick_check`, else `DatabaseDamagedError` (which points to a backup).
    With `check_later` too, the check runs behind the caller (the program's window)
    and writes wait for it: see `Database.check_in_background`. A file that needs a
    migration is always checked first.

    `meanwhile(database)` runs on the calling thread while SQLCipher derives the key in
    another (a tenth of a second, on purpose; it leaves Python free): the program builds
    its window then. The database may not be used in it; if opening then fails, the
    caller must throw away what it built.
    """
    path = Path(path)
    if not path.is_file():
        raise DatabaseMissingError(f"Databasen findes ikke: {path}")
    _probe(path)
    lock = FileLock(path).acquire()
    try:
        return open_locked(
            path, passphrase, lock, migrate=migrate, check=check, check_later=check_later, meanwhile=meanwhile
        )
    except BaseException:
        lock.release()
        raise


def open_locked(
    path: Path,
    passphrase: str,
    lock: FileLock,
    *,
    migrate: bool = True,
    check: bool = True,
    check_later: bool = False,
    meanwhile: Callable[[Database], None] | None = None,
) -> Database:
    """`open_database` for a caller that already holds the file's lock (a restore)."""
    _probe(path)
    engine = make_engine(path, passphrase)
    database = Database(path, engine, passphrase, lock)
    try:
        if meanwhile is None:
            _unlock(engine)
        else:
            _unlock_while(engine, lambda: meanwhile(database))
        if check and check_later:
            database.check_in_background()
        migration = migrate and not _at_head(database)
        if check and (migration or not check_later):
            # Migrating writes, so it waits for the check; without check_later this checks now.
            passed = database.wait_until_checked() if check_later else database.quick_check()
            if not passed:
                raise DatabaseDamagedError(path)
        if migration:
            from db.migrate import upgrade_to_head  # Alembic only when there is work for it

            upgrade_to_head(database)
    except BaseException:
        database.wait_until_checked()
        database.engine.dispose()
        raise
    return database


def _at_head(database: Database) -> bool:
    from db.schema_version import HEAD_REVISION, stored_revision

    try:
        with database.engine.connect() as conn:
            return stored_revision(conn) == HEAD_REVISION
    except exc.DatabaseError as err:
        if "malformed" in str(err.orig):
            raise DatabaseDamagedError(database.path) from None
        raise


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
    lock = FileLock(path, action="oprettes").acquire()
    if path.exists():  # made by another program between the check above and the lock
        lock.release()
        raise DatabaseExistsError(f"Der findes allerede en fil her: {path}. Vælg et andet navn.")
    engine = make_engine(path, passphrase)
    database = Database(path, engine, passphrase, lock)
    try:
        upgrade_to_head(database)
    except exc.OperationalError as err:
        database.engine.dispose()
        _remove_quietly(path)
        lock.release()
        raise StorageError(_cannot_create(path, str(err.orig))) from None
    except BaseException:
        database.engine.dispose()
        _remove_quietly(path)
        lock.release()
        raise
    return database


def disk_nearly_full(folder: Path) -> bool:
    """True when `folder`'s disk has under a megabyte left: SQLite reports a full disk
    as "disk I/O error" when the WAL index or journal could not grow."""
    try:
        return shutil.disk_usage(folder).free < 1024 * 1024
    except OSError:
        return False


def _cannot_create(path: Path, reason: str) -> str:
    if "full" in reason or ("I/O" in reason and disk_nearly_full(path.parent)):
        return f"Databasen kan ikke oprettes i {path.parent}: der er ikke plads på disken. Intet er oprettet."
    if "readonly" in reason or "unable to open" in reason:
        return (
            f"Databasen kan ikke oprettes i {path.parent}: mappen er skrivebeskyttet, eller du har ikke adgang "
            "til den. Vælg en anden mappe. Intet er oprettet."
        )
    return f"Databasen kan ikke oprettes i {path.parent} ({reason}). Intet er oprettet."


def _remove_quietly(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(OSError):
            p.unlink()
