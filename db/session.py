"""The encrypted database: engine, sessions, opening and creating a file.

No engine exists at import time. `open_database()` makes one for a path and a
passphrase: it takes the lock on the file itself (one program at a time, by file
identity), derives the file's key from the passphrase, checks it without changing
the file, makes sure the file is a whole jobraad database, runs SQLite's quick
integrity check and brings the schema to the newest revision (backing the file
up first).

What is kept of the passphrase: only the key SQLCipher needs (PBKDF2-HMAC-SHA512
of the passphrase with the file's salt, as SQLCipher 4 derives it itself), never
the passphrase. Every connection is keyed with that raw key, so SQLCipher does
not derive it again for each new connection, and unlocking after idle time
derives it from what is typed and compares.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, exc
from sqlalchemy.dialects.sqlite.pysqlcipher import SQLiteDialect_pysqlcipher
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool, QueuePool

from db.errors import (
    SQLITE_BUSY,
    SQLITE_CANTOPEN,
    SQLITE_CORRUPT,
    SQLITE_FULL,
    SQLITE_IOERR,
    SQLITE_LOCKED,
    SQLITE_NOTADB,
    SQLITE_READONLY,
    DatabaseDamagedError,
    DatabaseExistsError,
    DatabaseMissingError,
    InvalidPassphraseError,
    NotADatabaseError,
    StorageError,
    UserFacingError,
    WrongPassphraseError,
    sqlite_code,
)
from db.files import SQLITE_SIDE_SUFFIXES, TEMP_SUFFIX, temp_name_prefix
from db.lockfile import FileLock, cannot_lock_message, lock_descriptor, remove_legacy_lock_file

__all__ = [
    "MIN_FREE_BYTES",
    "CipherKey",
    "Database",
    "DatabaseDamagedError",
    "PassphraseNotChangedError",
    "create_database",
    "disk_nearly_full",
    "make_engine",
    "open_database",
    "open_locked",
    "quote_passphrase",
    "storage_error",
]

log = logging.getLogger(__name__)

PLAINTEXT_SQLITE_HEADER = b"SQLite format 3\x00"
#: SQLCipher 4's file format: a 16-byte salt at the start of the file, and the key is
#: PBKDF2-HMAC-SHA512 of the passphrase with that salt, 256,000 rounds, 32 bytes. A test
#: derives a key here and opens a file keyed by SQLCipher's own derivation with it.
SALT_BYTES = 16
KDF_ROUNDS = 256_000
KEY_BYTES = 32
#: Below this much free space a file is not opened or created: SQLite needs 32 KB for the
#: WAL index alone, and a write that fails halfway is worse than a clear refusal.
MIN_FREE_BYTES = 1024 * 1024
#: The longest an integrity check held back (`Database.check_in_background(held=True)`) waits
#: before it begins by itself (s).
CHECK_HELD_AT_MOST_S = 10.0


@dataclass(frozen=True)
class CipherKey:
    """A file's SQLCipher key and salt: all that is kept of the passphrase."""

    key: bytes
    salt: bytes

    @classmethod
    def derive(cls, passphrase: str, salt: bytes) -> CipherKey:
        """The key SQLCipher would derive from `passphrase` for a file with `salt` (a tenth
        of a second, on purpose; hashlib leaves Python free meanwhile)."""
        try:
            secret = passphrase.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidPassphraseError() from None
        return cls(hashlib.pbkdf2_hmac("sha512", secret, salt, KDF_ROUNDS, KEY_BYTES), salt)

    def pragma_value(self) -> str:
        """SQLCipher's raw key form, `x'<key><salt>'`: used as is, no derivation. With the
        salt given, a new file gets this salt, so its passphrase opens it as usual."""
        return f"x'{self.key.hex()}{self.salt.hex()}'"

    def derived(self, label: bytes) -> bytes:
        """A key of its own for one purpose, named by a fixed `label` (HMAC-SHA256 of the
        label under the file's key): the file's key is never used, nor kept, for anything else."""
        return hmac.new(self.key, label, hashlib.sha256).digest()

    def __repr__(self) -> str:  # never in a log or a traceback
        return "CipherKey(<hemmelig>)"


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # SQLCipher prints decryption failures to stderr; a wrong passphrase is
    # reported by us, in Danish, so its own lines must not reach the terminal.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA cipher_log_level = NONE")
    # Let SQLAlchemy emit BEGIN itself, so transactions and savepoints are real
    # (the sqlite3 module's implicit transactions are not).
    dbapi_connection.isolation_level = None
    # Settings of the connection only: nothing here writes to the file. (The journal mode
    # is part of the file; it is set once the file is known to be a jobraad database.)
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.close()


def _on_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def make_engine(path: Path, key: CipherKey, *, pooled: bool = True) -> Engine:
    """An engine for an encrypted file, keyed with `key`. Connecting does not check the key.

    Its connections are pooled across threads (QueuePool), not kept one per thread as the
    pysqlcipher dialect would; not `pooled`: one connection per use, for a single job beside
    the program's own connections. SQL parameters are never put into error messages (they
    hold CPR numbers and names)."""
    url = URL.create("sqlite+pysqlcipher", password=key.pragma_value(), database=str(path))
    engine = create_engine(url, poolclass=QueuePool if pooled else NullPool, hide_parameters=True)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def quote_passphrase(secret: str) -> str:
    """`secret` quoted as SQLAlchemy's pysqlcipher dialect writes it in `PRAGMA key`, for a
    connection made without SQLAlchemy (backup, restore)."""
    quoted: str = SQLiteDialect_pysqlcipher().identifier_preparer.quote_identifier(secret)
    return quoted


BUSY_REKEY = (
    "Adgangskoden kan ikke skiftes, mens databasen er i brug. Luk andre vinduer "
    "og igangværende arbejde (fx eksport), og prøv igen. Adgangskoden er ikke skiftet."
)


class PassphraseNotChangedError(UserFacingError):
    """The passphrase was not changed; the message says why."""


def storage_error(err: BaseException, path: Path, *, outcome: str = "Intet er gemt.") -> UserFacingError | None:
    """The environment error a SQLite error stands for (by its result code), with a Danish
    message ending in `outcome`; None for anything else (a bug)."""
    code = sqlite_code(err)
    # Some driver calls (the backup API) raise without a result code: a nearly full disk
    # is then the likely cause, and a fact that can be checked.
    if code in (SQLITE_FULL, SQLITE_IOERR, None) and (code == SQLITE_FULL or disk_nearly_full(path.parent)):
        return StorageError(f"Der er ikke plads nok på disken. Frigør plads, og prøv igen. {outcome}")
    if code in (SQLITE_READONLY, SQLITE_CANTOPEN):
        return StorageError(
            f"Databasen {path.name} kan ikke skrives: filen eller dens mappe er skrivebeskyttet, eller du har "
            f"ikke adgang til den. {outcome}"
        )
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return DatabaseDamagedError(path)
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return StorageError(f"Databasen er optaget af andet arbejde lige nu. Prøv igen om lidt. {outcome}")
    if code == SQLITE_IOERR:
        return StorageError(f"Disken kunne ikke læses eller skrives (I/O-fejl). {outcome}")
    return None


class Database:
    """An open, unlocked, up-to-date caseload file."""

    def __init__(self, path: Path, lock: FileLock | None = None) -> None:
        """A database not yet connected: `open_database` and `create_database` connect it."""
        self.path = path
        self._lock = lock
        self._key: CipherKey | None = None
        self._engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        # Set once the file has passed its integrity check, or when none is pending.
        self._checked = threading.Event()
        self._checked.set()
        # Cleared while a check waits to begin (`check_in_background(held=True)`).
        self._check_may_begin = threading.Event()
        self._check_may_begin.set()
        self._damaged = False
        self._check_thread: threading.Thread | None = None
        self._on_close: list[Callable[[Database], None]] = []

    def call_on_close(self, hook: Callable[[Database], None]) -> None:
        """Run `hook(database)` once, when the database is first closed, before its
        connections go (the caller's hook must not raise; it is given the open database)."""
        self._on_close.append(hook)

    def connect(self, key: CipherKey) -> None:
        """Key the database's connections with `key` (nothing is read yet)."""
        self._key = key
        if self._engine is not None:
            self._engine.dispose()
        self._engine = make_engine(self.path, key)
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise RuntimeError("the database is not connected yet")
        return self._engine

    @property
    def cipher_key(self) -> CipherKey:
        """The file's key, for a backup of it (which gets the same key and salt)."""
        if self._key is None:
            raise RuntimeError("the database is not connected yet")
        return self._key

    def check_in_background(self, *, held: bool = False) -> None:
        """Run `quick_check` in a thread of its own (SQLCipher leaves Python free while it
        decrypts every page). Until it has passed, every write waits for it, and after a
        failed check every write raises `DatabaseDamagedError`: nothing is ever written
        to, or backed up from, a file that has not passed. Reads do not wait.

        `held`: the check begins at `release_check()`, or as soon as anything waits for it (a
        write, or `wait_until_checked` with a timeout other than 0), at the latest after
        `CHECK_HELD_AT_MOST_S`. The program's start holds it until the caseload is read: the
        check decrypts every page of the file, on the core that read would otherwise have."""
        self._checked.clear()
        if held:
            self._check_may_begin.clear()
        key = self.cipher_key

        def work() -> None:
            self._check_may_begin.wait(CHECK_HELD_AT_MOST_S)
            # An engine of its own: the check holds none of the connections the program's
            # window and workers use.
            checker = make_engine(self.path, key, pooled=False)
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

    def release_check(self) -> None:
        """A check held back (`check_in_background(held=True)`) may begin now."""
        self._check_may_begin.set()

    def wait_until_checked(self, timeout: float | None = None) -> bool | None:
        """True once the file has passed its check (or none was asked for), False if it
        failed; None if `timeout` seconds passed first. Waiting begins a check held back;
        a look (`timeout=0`) does not."""
        if timeout != 0:
            self.release_check()
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
        Waits for a pending integrity check (see `check_in_background`). A full disk, a
        read-only file and the like become a `StorageError` (nothing was saved)."""
        self.ensure_writable()
        assert self._sessions is not None
        try:
            with self._sessions.begin() as session:
                yield session
        except exc.DBAPIError as err:
            translated = storage_error(err, self.path)
            if translated is None:
                raise
            raise translated from None

    @contextlib.contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only; nothing is committed."""
        assert self._sessions is not None
        try:
            with self._sessions() as session:
                yield session
                session.rollback()
        except exc.DBAPIError as err:
            translated = storage_error(err, self.path, outcome="Intet er ændret.")
            if translated is None:
                raise
            raise translated from None

    def check_passphrase(self, passphrase: str) -> bool:
        """True if `passphrase` is the file's (for unlocking after idle time)."""
        key = self.cipher_key
        try:
            typed = CipherKey.derive(passphrase, key.salt)
        except InvalidPassphraseError:
            return False
        return hmac.compare_digest(typed.key, key.key)

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
                    log.info("%s failed: SQLite code %s", pragma, sqlite_code(err))
                    passed = False
                if not passed:
                    # A connection that has met damage may keep failing: it is not used again.
                    conn.invalidate()
        except exc.DatabaseError as err:  # no connection at all: a damaged first page
            log.info("%s could not connect: SQLite code %s", pragma, sqlite_code(err))
            return False
        return passed

    def change_passphrase(self, old: str, new: str, *, check_new: Callable[[str], None] | None = None) -> None:
        """Re-encrypt the file with the key of `new` (SQLCipher `PRAGMA rekey`, in place and
        in one transaction: a failure or a kill leaves the file under the old passphrase).

        `old` must be the passphrase the file was opened with. `check_new` may
        refuse a weak passphrase by raising a `UserFacingError` (the strength rule
        belongs to the program, not to the file). Other sessions must be closed:
        connections still keyed with the old key cannot read the file after.
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
        old_key = self.cipher_key
        try:
            new_key = CipherKey.derive(new, old_key.salt)
        except InvalidPassphraseError:
            raise PassphraseNotChangedError(
                "Den nye adgangskode indeholder tegn, der ikke er gyldig tekst. Adgangskoden er ikke skiftet."
            ) from None
        self._ensure_room_for_rekey()
        # The rekey must run on the only connection to the file: a connection a worker has
        # borrowed would go on with the old key and fail. Disposing closes only idle ones.
        if isinstance(self.engine.pool, QueuePool) and self.engine.pool.checkedout():
            raise PassphraseNotChangedError(BUSY_REKEY)
        self.engine.dispose()
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(f"PRAGMA rekey = {quote_passphrase(new_key.pragma_value())}")
            cursor.close()
        except Exception as err:  # the DBAPI's own error types, not SQLAlchemy's
            raw.invalidate()
            self.engine.dispose()
            raise self._rekey_refused(err) from None
        finally:
            raw.close()
        self.connect(new_key)
        _verify(self.engine, self.path)
        log.info("passphrase changed")

    def _ensure_room_for_rekey(self) -> None:
        # A rekey writes every page once more (into the WAL) before it is done.
        try:
            needed = self.path.stat().st_size + MIN_FREE_BYTES
            free = shutil.disk_usage(self.path.parent).free
        except OSError:
            return
        if free < needed:
            raise PassphraseNotChangedError(
                f"Der er ikke plads nok på disken til at skifte adgangskoden (der skal være mindst "
                f"{_megabytes(needed)} fri, der er {_megabytes(free)}). Frigør plads, og prøv igen. "
                "Adgangskoden er ikke skiftet."
            )

    def _rekey_refused(self, err: BaseException) -> UserFacingError:
        code = sqlite_code(err)
        if code in (SQLITE_BUSY, SQLITE_LOCKED):
            return PassphraseNotChangedError(BUSY_REKEY)
        translated = storage_error(err, self.path, outcome="Adgangskoden er ikke skiftet.")
        if translated is not None and not isinstance(translated, DatabaseDamagedError):
            return PassphraseNotChangedError(translated.message)
        return StorageError(f"Adgangskoden kunne ikke skiftes (SQLite-fejl {code}). Adgangskoden er ikke skiftet.")

    def close(self) -> None:
        """Close every connection and release the file's lock. Closing twice is harmless.
        A pending integrity check is finished first (it reads the file)."""
        if self._check_thread is not None:
            self.release_check()
            self._check_thread.join()
        hooks, self._on_close = self._on_close, []
        for hook in hooks:
            hook(self)
        if self._engine is not None:
            self._engine.dispose()
        if self._lock is not None:
            self._lock.release()


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")


def disk_nearly_full(folder: Path) -> bool:
    """True when `folder`'s disk has under `MIN_FREE_BYTES` left: SQLite reports a full disk
    as "disk I/O error" when the WAL index or journal could not grow."""
    try:
        return shutil.disk_usage(folder).free < MIN_FREE_BYTES
    except OSError:
        return False


def _ensure_room(folder: Path, action: str, outcome: str) -> None:
    if disk_nearly_full(folder):
        raise StorageError(
            f"Databasen kan ikke {action}: der er ikke plads nok på disken (under {_megabytes(MIN_FREE_BYTES)} "
            f"fri). Frigør plads, og prøv igen. {outcome}"
        )


def _probe(path: Path) -> bytes:
    """Refuse files that cannot be a jobraad database, before SQLCipher touches them.
    Returns the file's salt (its first 16 bytes)."""
    if path.is_dir():
        raise NotADatabaseError(f"{path} er en mappe, ikke en databasefil. Angiv stien til selve filen.")
    try:
        with path.open("rb") as fh:
            head = fh.read(SALT_BYTES)
    except IsADirectoryError:
        raise NotADatabaseError(f"{path} er en mappe, ikke en databasefil. Angiv stien til selve filen.") from None
    except OSError as err:
        raise StorageError(f"Filen kan ikke læses: {path.name} ({err.strerror}).") from None
    if head.startswith(PLAINTEXT_SQLITE_HEADER):
        raise NotADatabaseError(
            f"{path.name} er en ukrypteret SQLite-fil, ikke en jobraad-database. Filen er ikke ændret."
        )
    if len(head) < SALT_BYTES:
        raise NotADatabaseError(f"{path.name} er tom eller afkortet og kan ikke åbnes. Filen er ikke ændret.")
    return head


def _verify(engine: Engine, path: Path) -> set[str]:
    """Read the schema with the key: a wrong key or a file that is no database is refused
    here, without a byte written. Returns the names of the file's tables."""
    try:
        with engine.connect() as conn:
            return {str(row[0]) for row in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except exc.DatabaseError as err:
        engine.dispose()
        code = sqlite_code(err)
        if code == SQLITE_NOTADB:
            raise WrongPassphraseError() from None
        if code == SQLITE_CORRUPT:
            raise DatabaseDamagedError(path) from None
        translated = storage_error(err, path, outcome="Filen er ikke ændret.")
        if translated is not None:
            raise translated from None
        raise NotADatabaseError("Filen kan ikke åbnes som en jobraad-database. Filen er ikke ændret.") from None


def _run_beside(work: Callable[[], None], meanwhile: Callable[[], None]) -> None:
    """`work()` in a thread while `meanwhile()` runs here; raises what `work` raised
    (first) or what `meanwhile` raised."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as err:  # handed to the caller's thread below
            failure.append(err)

    thread = threading.Thread(target=run, name="jobraad-unlock", daemon=True)
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
    hold_check: bool = False,
    meanwhile: Callable[[Database], None] | None = None,
) -> Database:
    """Open an existing caseload file. Raises a `UserFacingError` on any environment trouble.

    The file is locked until `Database.close()`: a second open, from this or any other
    process, by this or any other name for the same file, raises `DatabaseLockedError`.
    With `check` the file must pass `PRAGMA quick_check`, else `DatabaseDamagedError`
    (which points to a backup). With `check_later` too, the check runs behind the caller
    (the program's window) and writes wait for it: see `Database.check_in_background`;
    `hold_check`: it begins at the caller's `Database.release_check()` (or when anything waits
    for it). A file that needs a migration is always checked first.

    `meanwhile(database)` runs on the calling thread while the key is derived in another
    (a tenth of a second, on purpose; it leaves Python free): the program builds its
    window then. The database may not be used in it; if opening then fails, the caller
    must throw away what it built.
    """
    path = Path(path)
    if path.is_dir():
        raise NotADatabaseError(f"{path} er en mappe, ikke en databasefil. Angiv stien til selve filen.")
    if not path.is_file():
        raise DatabaseMissingError(f"Databasen findes ikke: {path}")
    _probe(path)
    _ensure_room(path.parent, "åbnes", "Filen er ikke ændret.")
    lock = FileLock(path).acquire()
    try:
        return open_locked(
            path,
            passphrase,
            lock,
            migrate=migrate,
            check=check,
            check_later=check_later,
            hold_check=hold_check,
            meanwhile=meanwhile,
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
    hold_check: bool = False,
    meanwhile: Callable[[Database], None] | None = None,
) -> Database:
    """`open_database` for a caller that already holds the file's lock (a restore)."""
    salt = _probe(path)
    _tidy_beside(path)
    database = Database(path, lock)
    tables: set[str] = set()

    def unlock() -> None:
        database.connect(CipherKey.derive(passphrase, salt))
        tables.update(_verify(database.engine, path))

    try:
        if meanwhile is None:
            unlock()
        else:
            _run_beside(unlock, lambda: meanwhile(database))
        _refuse_foreign(path, tables)
        _ensure_wal(database)
        if check and check_later:
            database.check_in_background(held=hold_check)
        at_head = _at_head(database)
        migration = migrate and not at_head
        if check and (migration or not check_later):
            # Migrating writes, so it waits for the check; without check_later this checks now.
            passed = database.wait_until_checked() if check_later else database.quick_check()
            if not passed:
                raise DatabaseDamagedError(path)
        if migration:
            from db.migrate import upgrade_to_head  # Alembic only when there is work for it

            upgrade_to_head(database)
        if at_head or migration:  # at the newest schema now: every table must be there
            _refuse_incomplete(database)
    except BaseException as err:
        database.wait_until_checked()
        if database._engine is not None:
            database._engine.dispose()
        if isinstance(err, exc.DBAPIError):
            translated = storage_error(err, path, outcome="Filen er ikke ændret.")
            if translated is not None:
                raise translated from None
        raise
    return database


def _refuse_foreign(path: Path, tables: set[str]) -> None:
    """Another program's encrypted file (it opened with the passphrase, but has tables and
    none of them is jobraad's schema record) is refused before anything is written to it."""
    if tables and "alembic_version" not in tables:
        raise NotADatabaseError(f"{path.name} er en krypteret database, men ikke fra jobraad. Filen er ikke ændret.")


def _ensure_wal(database: Database) -> None:
    """WAL journal mode, kept in the file: set once for a new jobraad file or a restored
    backup (backups are single files in rollback-journal mode). Outside any transaction,
    as SQLite requires, so on the driver's connection."""
    raw = database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        mode = str(cursor.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        if mode != "wal":
            cursor.execute("PRAGMA journal_mode = WAL").fetchall()
        cursor.close()
    finally:
        raw.close()


def _refuse_incomplete(database: Database) -> None:
    from db.schema_version import missing_tables

    with database.engine.connect() as conn:
        missing = missing_tables(conn)
    if missing:
        raise DatabaseDamagedError(database.path, "tabel mangler: " + ", ".join(sorted(missing)))


def _at_head(database: Database) -> bool:
    from db.schema_version import HEAD_REVISION, stored_revision

    try:
        with database.engine.connect() as conn:
            return stored_revision(conn) == HEAD_REVISION
    except exc.DatabaseError as err:
        if sqlite_code(err) in (SQLITE_CORRUPT, SQLITE_NOTADB):
            raise DatabaseDamagedError(database.path) from None
        raise


def _tidy_beside(path: Path) -> None:
    """While the file is locked: make it and its side files readable by the owner only
    (earlier versions made them 0644), and remove what a killed restore or migration backup
    left (`.<name>.<random>.tmp`) and an old lock file. Best effort: a file that cannot be
    changed is left as it is."""
    remove_legacy_lock_file(path)
    if os.name == "posix":
        for p in (path, *(path.with_name(path.name + s) for s in SQLITE_SIDE_SUFFIXES)):
            with contextlib.suppress(OSError):
                if p.stat().st_mode & 0o077:
                    os.chmod(p, 0o600)
    prefix = temp_name_prefix(path)
    with contextlib.suppress(OSError):
        for leftover in path.parent.iterdir():
            name = leftover.name
            if name.startswith(prefix) and TEMP_SUFFIX in name[len(prefix) :]:
                with contextlib.suppress(OSError):
                    leftover.unlink()


def create_database(path: Path | str, passphrase: str) -> Database:
    """Create a new, empty, encrypted caseload file at the newest schema, readable by the
    owner only. The file is made and locked before anything is written to it."""
    from db.migrate import upgrade_to_head

    path = Path(path)
    if path.exists() or path.is_symlink():
        raise DatabaseExistsError(f"Der findes allerede en fil her: {path}. Vælg et andet navn.")
    if not passphrase:
        raise ValueError("a database needs a passphrase")
    key = CipherKey.derive(passphrase, os.urandom(SALT_BYTES))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StorageError(f"Mappen kan ikke oprettes: {path.parent} ({err.strerror}).") from None
    _ensure_room(path.parent, "oprettes", "Intet er oprettet.")
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise DatabaseExistsError(f"Der findes allerede en fil her: {path}. Vælg et andet navn.") from None
    except OSError as err:
        raise StorageError(_cannot_create(path, err)) from None
    lock = FileLock(path, action="oprettes")
    if not lock_descriptor(fd):  # cannot happen: the file is new and ours
        os.close(fd)
        raise StorageError(f"Databasen kan ikke oprettes i {path.parent}. Intet er oprettet.")
    lock.adopt(fd)
    database = Database(path, lock)
    try:
        database.connect(key)
        _ensure_wal(database)
        upgrade_to_head(database)
    except BaseException as err:
        database.close()
        _remove_quietly(path)
        if isinstance(err, exc.DBAPIError):
            translated = storage_error(err, path, outcome="Intet er oprettet.")
            if translated is not None:
                raise translated from None
        raise
    return database


def _cannot_create(path: Path, err: OSError) -> str:
    code = err.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"Databasen kan ikke oprettes i {path.parent}: der er ikke plads på disken. Intet er oprettet."
    if code in (errno.EROFS, errno.EACCES, errno.EPERM):
        return (
            f"Databasen kan ikke oprettes i {path.parent}: mappen er skrivebeskyttet, eller du har ikke adgang "
            "til den. Vælg en anden mappe. Intet er oprettet."
        )
    return cannot_lock_message(err, "oprettes", path)


def _remove_quietly(path: Path) -> None:
    for p in (path, *(path.with_name(path.name + s) for s in SQLITE_SIDE_SUFFIXES)):
        with contextlib.suppress(OSError):
            p.unlink()
