"""Encrypted backups of a caseload file, and restoring one.

A backup is made with SQLite's online backup API, page by page from the open
database into a new SQLCipher file keyed with the database's own key and salt
(so the same passphrase opens it). SQLCipher allows this only between databases
with the same key and cipher settings; each page is decrypted in memory and
encrypted again with a fresh IV for the new file, so the backup is as encrypted
as the original and no plaintext touches the disk (tests/db/test_backup.py
checks the bytes). The other
way, `ATTACH ... KEY` and `sqlcipher_export()`, is only needed to change the
passphrase or the cipher settings, which a backup does not do. The backup sees
one consistent moment of the file even while the program goes on writing (WAL).

Backups and restores write to a temporary name in the target folder and rename
it into place only when it is complete and has passed SQLite's integrity check,
so a full disk, a pulled network cable or a killed process never leaves a
half-written file under the real name. A restore keeps the replaced file under
another name by a hard link before the new one is renamed over it, so at no
moment is there no file at the database's path.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlcipher3  # type: ignore[import-untyped]

from db.errors import (
    SQLITE_CORRUPT,
    SQLITE_NOTADB,
    DatabaseMissingError,
    NotADatabaseError,
    StorageError,
    UserFacingError,
    WrongPassphraseError,
    sqlite_code,
)
from db.files import (
    SQLITE_SIDE_SUFFIXES,
    TEMP_SUFFIX,
    OutputRules,
    fsync_file,
    fsync_folder,
    remove_with_journals,
    staged,
    storage_message,
    temp_name_prefix,
)
from db.lockfile import FileLock, lock_descriptor, open_for_lock
from db.session import CipherKey, Database, _probe, open_locked, quote_passphrase, storage_error

log = logging.getLogger(__name__)

__all__ = [
    "TEMP_SUFFIX",
    "BackupRefusedError",
    "RestoreResult",
    "backup_to",
    "read_chain_head",
    "remove_citizens",
    "restore_file",
    "temp_name_prefix",
]

KEPT_MARK = ".før-gendannelse-"

Progress = Callable[[int, int], None]  # (pages copied, pages in all)

_BACKUP_FAILED = "Sikkerhedskopien kunne ikke gemmes"


class BackupRefusedError(UserFacingError):
    """A file offered as a backup cannot be restored; nothing was changed."""


@dataclass(frozen=True)
class RestoreResult:
    database: Database  # the restored file, open and locked; the caller closes it
    kept: Path | None  # where the file it replaced was put, if there was one


# --- making a backup -------------------------------------------------------------------------


def backup_to(
    database: Database,
    dest: Path,
    progress: Progress | None = None,
    *,
    rules: OutputRules | None = None,
    replace: bool = False,
) -> Path:
    """Write an encrypted copy of the open database to `dest`, through the one writer
    (`db.files.staged`): never over the database itself or a file `rules` protects, over
    another existing file only with `replace`. Without `rules`, the database is protected.

    Raises `OutputRefusedError`, or `StorageError` with a Danish message if the copy cannot
    be written; then nothing is left at `dest` or beside it. Waits for a pending integrity
    check: a damaged file is never copied over a good backup.
    """
    database.ensure_writable()
    dest = Path(dest)
    rules = rules or OutputRules(database=database.path)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StorageError(storage_message(err, _BACKUP_FAILED)) from None
    # The temporary name keeps `temp_name_prefix`: rotation also removes stale ones by it.
    with staged(dest, rules, replace=replace, what=_BACKUP_FAILED, temp_prefix=temp_name_prefix(dest)) as tmp:
        _copy_pages(database, tmp, progress)
    log.info("backup written")
    return dest


def _copy_pages(database: Database, target_path: Path, progress: Progress | None) -> None:
    with _keyed(target_path, database.cipher_key) as target:
        raw = database.engine.raw_connection()
        try:
            source: Any = raw.driver_connection

            def report(_status: int, remaining: int, total: int) -> None:
                if progress is not None:
                    progress(total - remaining, total)

            try:
                if progress is None:
                    source.backup(target)
                else:
                    source.backup(target, pages=256, progress=report)
            except sqlcipher3.Error as err:
                raise StorageError(_sqlite_message(err, target_path)) from None
        finally:
            raw.close()
        try:
            # A backup is one self-contained file (no -wal beside it), fit for a network drive.
            target.execute("PRAGMA journal_mode = DELETE").fetchall()
            ok = target.execute("PRAGMA quick_check").fetchall()
        except sqlcipher3.Error as err:
            raise StorageError(_sqlite_message(err, target_path)) from None
        if ok != [("ok",)]:
            raise StorageError("Sikkerhedskopien kunne ikke kontrolleres efter skrivningen. Prøv igen.")


@contextlib.contextmanager
def _keyed(path: Path, key: CipherKey) -> Iterator[Any]:
    """A plain SQLCipher connection to `path`, keyed like `make_engine` keys its connections."""
    try:
        conn = sqlcipher3.connect(str(path), isolation_level=None)
    except sqlcipher3.Error as err:
        raise StorageError(_sqlite_message(err, path)) from None
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = {quote_passphrase(key.pragma_value())}")
        yield conn
    finally:
        conn.close()


def read_chain_head(path: Path, key: CipherKey) -> tuple[int, int, str] | None:
    """The audit chain's head as a backup holds it: (entries, newest entry's id, its hash),
    read with `key`. None when the file cannot be read with it (a backup taken before the
    passphrase was changed, a damaged or foreign file). Never changes the file."""
    if not Path(path).is_file():
        return None
    try:
        with _keyed(path, key) as conn:
            conn.execute("PRAGMA query_only = ON")
            count = conn.execute("SELECT count(*) FROM audit_entry").fetchone()[0]
            newest = conn.execute("SELECT id, hash FROM audit_entry ORDER BY id DESC LIMIT 1").fetchone()
    except (sqlcipher3.Error, StorageError):
        return None
    if newest is None:
        return (0, 0, "")
    return (int(count), int(newest[0]), str(newest[1]))


# --- removing deleted citizens from a backup ---------------------------------------------------


def remove_citizens(path: Path, key: CipherKey, doomed: Callable[[str], bool]) -> int:
    """Rewrite the backup at `path` without the citizens whose CPR `doomed` picks: their rows go
    with them through the schema's cascading foreign keys, as in the database. Returns how many
    were removed; with none, the file is not touched.

    The backup is changed on a copy under a temporary name beside it (`temp_name_prefix`, so
    rotation clears a killed run's leftover), rebuilt with `VACUUM` (no deleted content in free
    pages), checked, given the original's file times (a restore names a backup by them) and
    renamed over the original: at no moment is the backup half-written. Raises
    `WrongPassphraseError` when `key` does not open it (a backup from before the passphrase was
    changed), `StorageError` when it cannot be read or written; then the backup is as it was.
    """
    path = Path(path)
    ids = _citizens_to_remove(path, key, doomed)
    if not ids:
        return 0
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=temp_name_prefix(path), suffix=TEMP_SUFFIX, dir=path.parent)
        os.close(fd)
    except OSError as err:
        raise StorageError(storage_message(err, _PURGE_FAILED)) from None
    tmp = Path(tmp_name)
    try:
        times = path.stat()
        shutil.copyfile(path, tmp)
        with _keyed(tmp, key) as conn:
            try:
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany("DELETE FROM citizen WHERE id = ?", [(i,) for i in ids])
                conn.execute("COMMIT")
                conn.execute("VACUUM")
                conn.execute("PRAGMA journal_mode = DELETE").fetchall()
                ok = conn.execute("PRAGMA quick_check").fetchall()
            except sqlcipher3.Error as err:
                raise StorageError(_sqlite_message(err, tmp)) from None
        if ok != [("ok",)]:
            raise StorageError("Sikkerhedskopien kunne ikke kontrolleres efter sletningen. Den er ikke ændret.")
        os.utime(tmp, ns=(times.st_atime_ns, times.st_mtime_ns))
        fsync_file(tmp)
        os.replace(tmp, path)
    except OSError as err:
        _remove_with_journals(tmp)
        raise StorageError(storage_message(err, _PURGE_FAILED)) from None
    except BaseException:
        _remove_with_journals(tmp)
        raise
    _fsync_folder(path.parent)
    return len(ids)


_PURGE_FAILED = "Sikkerhedskopien kunne ikke ryddes for slettede borgere"


def _citizens_to_remove(path: Path, key: CipherKey, doomed: Callable[[str], bool]) -> list[int]:
    with _keyed(path, key) as conn:
        try:
            conn.execute("PRAGMA query_only = ON")
            rows = conn.execute("SELECT id, cpr FROM citizen").fetchall()
        except sqlcipher3.DatabaseError as err:
            if sqlite_code(err) == SQLITE_NOTADB:
                raise WrongPassphraseError() from None
            raise StorageError(_sqlite_message(err, path)) from None
    return [int(cid) for cid, cpr in rows if doomed(str(cpr))]


# --- restoring ---------------------------------------------------------------------------------


def verify_backup(backup_file: Path, passphrase: str) -> None:
    """Check that `backup_file` is a jobraad database that opens with `passphrase` and passes
    the full `PRAGMA integrity_check`. Raises a `UserFacingError`; never changes the file."""
    backup_file = Path(backup_file)
    if not backup_file.is_file():
        raise DatabaseMissingError(f"Sikkerhedskopien findes ikke: {backup_file}")
    _verify_copy(backup_file, passphrase, original_name=backup_file.name)


def _verify_copy(path: Path, passphrase: str, *, original_name: str) -> None:
    key = CipherKey.derive(passphrase, _probe(path))
    with _keyed(path, key) as conn:
        try:
            conn.execute("PRAGMA query_only = ON")
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlcipher3.DatabaseError as err:
            if sqlite_code(err) == SQLITE_NOTADB:
                raise WrongPassphraseError() from None
            if sqlite_code(err) == SQLITE_CORRUPT:
                raise _damaged(original_name) from None
            raise StorageError(_sqlite_message(err, path)) from None
        if not {"alembic_version", "citizen", "audit_entry"} <= tables:
            raise NotADatabaseError(
                f"{original_name} er ikke en sikkerhedskopi af en jobraad-database. Intet er ændret."
            )
        try:
            result = conn.execute("PRAGMA integrity_check").fetchall()
        except sqlcipher3.DatabaseError:
            raise _damaged(original_name) from None
        if result != [("ok",)]:
            raise _damaged(original_name)


def _damaged(name: str) -> BackupRefusedError:
    return BackupRefusedError(
        f"Sikkerhedskopien {name} er beskadiget (den består ikke SQLites integritetskontrol) og kan ikke "
        "gendannes. Vælg en anden sikkerhedskopi. Intet er ændret."
    )


def restore_file(backup_file: Path, db_path: Path, passphrase: str, now: dt.datetime | None = None) -> RestoreResult:
    """Put `backup_file` in the place of the database at `db_path`.

    In this order, so that nothing is lost at any step and the database's path always
    names a whole file: take the file's lock (`DatabaseLockedError` while any program has
    it open, by any name, this one included); copy the backup beside the database under a
    temporary name and check that the copy opens with `passphrase` and passes
    `PRAGMA integrity_check`; lock the copy; keep the current file as
    `<name>.før-gendannelse-<time>` by a second name (a hard link) and move its -wal
    along (an old WAL must never be replayed into the restored file); rename the copy over
    the database's path; open it. The returned database is open, locked and at the newest
    schema; the caller logs the restore in it and closes it.
    """
    backup_file = Path(backup_file)
    db_path = Path(db_path)
    now = now or dt.datetime.now()
    if not backup_file.is_file():
        raise DatabaseMissingError(f"Sikkerhedskopien findes ikke: {backup_file}")
    if db_path.exists() and os.path.samefile(backup_file, db_path):
        raise BackupRefusedError("Sikkerhedskopien og databasen er den samme fil. Intet er ændret.")
    _probe(backup_file)
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StorageError(_storage_message(err)) from None
    lock = FileLock(db_path, action="gendannes")
    if db_path.exists():
        lock.acquire()
    try:
        tmp = _copy_beside(backup_file, db_path)
        try:
            _verify_copy(tmp, passphrase, original_name=backup_file.name)
            new_fd = open_for_lock(tmp)
            if not lock_descriptor(new_fd):  # cannot happen: nobody else knows the copy's name
                os.close(new_fd)
                raise StorageError("Sikkerhedskopien kunne ikke låses. Intet er ændret.")
            try:
                kept = _keep_aside(db_path, now)
                if os.name == "nt":  # pragma: no cover - Windows cannot rename over a file it has open
                    lock.release()
                os.replace(tmp, db_path)
            except BaseException:
                os.close(new_fd)
                raise
            lock.adopt(new_fd)
            _fsync_folder(db_path.parent)
        except OSError as err:
            _remove_with_journals(tmp)
            raise StorageError(_storage_message(err)) from None
        except BaseException:
            _remove_with_journals(tmp)
            raise
        database = open_locked(db_path, passphrase, lock, migrate=True, check=True)
    except BaseException:
        lock.release()
        raise
    log.info("backup restored")
    return RestoreResult(database, kept)


def _copy_beside(source: Path, db_path: Path) -> Path:
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=temp_name_prefix(db_path), suffix=TEMP_SUFFIX, dir=db_path.parent)
        os.close(fd)
    except OSError as err:
        raise StorageError(_storage_message(err)) from None
    tmp = Path(tmp_name)
    try:
        shutil.copyfile(source, tmp)
        fsync_file(tmp)
    except OSError as err:
        _remove_with_journals(tmp)
        raise StorageError(_storage_message(err)) from None
    return tmp


def _keep_aside(db_path: Path, now: dt.datetime) -> Path | None:
    """Give the current file a second name, `<name>.før-gendannelse-<time>` (a hard link, or
    a copy where the file system has none), move its -wal (left by a crash) to that name's
    -wal, and drop its -shm. The database's own name keeps the file until the caller
    renames the restored copy over it."""
    if not db_path.exists():
        return None
    stamp = now.strftime("%Y%m%d-%H%M%S")
    kept = db_path.with_name(f"{db_path.name}{KEPT_MARK}{stamp}")
    n = 1
    while kept.exists():
        n += 1
        kept = db_path.with_name(f"{db_path.name}{KEPT_MARK}{stamp}-{n}")
    try:
        os.link(db_path, kept)
    except OSError:  # no hard links here (FAT, some network drives): a whole copy instead
        shutil.copyfile(db_path, kept)
        os.chmod(kept, 0o600)
        fsync_file(kept)
    wal = db_path.with_name(db_path.name + "-wal")
    if wal.exists():
        os.replace(wal, kept.with_name(kept.name + "-wal"))
    for suffix in SQLITE_SIDE_SUFFIXES:
        if suffix != "-wal":
            with contextlib.suppress(FileNotFoundError):
                db_path.with_name(db_path.name + suffix).unlink()
    return kept


# --- small helpers -----------------------------------------------------------------------------


def _storage_message(err: OSError) -> str:
    return storage_message(err, "Filen kunne ikke skrives")


def _sqlite_message(err: BaseException, path: Path) -> str:
    translated = storage_error(err, path, outcome="Intet er ændret.")
    if translated is not None:
        return translated.message
    return f"Sikkerhedskopien kunne ikke skrives (SQLite-fejl {sqlite_code(err)}). Intet er ændret."


# One implementation each, in db.files; the names stay for the restore above.
_fsync_folder = fsync_folder
_remove_with_journals = remove_with_journals
