"""The one way the program writes a file the user asked for, so that no output ever destroys data.

Every file jobraad writes (team exports, the audit log, dossiers, letters, the calendar, a copy
of an attachment, backups) goes through `write_file` (a function writes the bytes to a stream)
or `staged` (a temporary path that something else fills, e.g. SQLite's backup API). Both:

- refuse the target (`OutputRefusedError`, exit status 2 on the command line, nothing written) if
  - it is the open database or one of its side files (-wal, -shm, -journal, .lock), or one of the
    files the output is made from (`OutputRules.inputs`). Compared by file identity (device and
    inode from `os.stat`; on Windows the file ID, which Python gives as `st_ino`), so a hard link,
    a symlink or another spelling of the path is refused too; a side file that does not exist
    (yet) is compared by its folder's identity and its name;
  - it exists and is a `*.jobraad` file (a database or a backup, any case) or one of its side
    files, or lies in the backup folder: these are never replaced, not even when replacing is
    allowed. A new file there is fine (that is how a backup is written);
  - it is a folder;
  - it exists and the caller did not allow replacing it (`--force` on the command line; in the
    window, Qt's save dialog has asked "replace?" already);
- write into a new temporary file beside the target, readable by the owner only (0600 on
  POSIX), fsync it, check the target again (it may have appeared meanwhile), rename it into
  place and fsync the folder, so the target is always either the old file or the whole new one;
- turn an `OSError` into `StorageError` with one Danish message (`storage_message`), never
  with the path in it (file names often hold a citizen's name).

Leftovers. A killed process (power cut, Task Manager, a pulled network drive) can leave its
temporary file behind, and an export's temporary file is plaintext. So every write is recorded
in a journal folder in the user's data folder (`OutputRules.journal`, given by `jobraad.outputs`):
one small entry file (0600) names the temporary file and is held under an OS lock
(`db.lockfile.FileLock`) while the write runs; it is removed when the write ends, whatever the
outcome. `clean_leftovers()` runs at program start and with every command that opens a
database: it removes the temporary file of each entry whose lock is free (its writer is gone) and
then the entry. An entry whose lock is held belongs to a write still running in another process
and is left alone. The lock, not a process id, decides: it dies with its process, and ids are
reused. The temporary file is created before its entry is written, so a kill in between (a few
microseconds) can leave an empty, nameless `.jobraad-*.tmp` file, never one with data.

What is not covered: another program that creates the target between the last check and the
rename (microseconds) is overwritten, as with any save; only a rename that refuses to replace
could prevent that, and network drives do not all offer one.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import secrets
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from db.errors import StorageError, UserFacingError
from db.lockfile import FileLock, lock_descriptor

__all__ = [
    "DATABASE_SUFFIX",
    "SIDE_SUFFIXES",
    "TEMP_PREFIX",
    "TEMP_SUFFIX",
    "OutputExistsError",
    "OutputRefusedError",
    "OutputRules",
    "ProtectedFileError",
    "check_target",
    "clean_leftovers",
    "fsync_file",
    "fsync_folder",
    "remove_with_journals",
    "staged",
    "storage_message",
    "write_file",
]

log = logging.getLogger(__name__)

TEMP_PREFIX = ".jobraad-"
TEMP_SUFFIX = ".tmp"
DATABASE_SUFFIX = ".jobraad"
#: SQLite's and the lock's files beside a database (db.lockfile names the lock `<file>.lock`).
#: The files SQLite keeps beside a database, by suffix.
SQLITE_SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
#: ... and the lock file of earlier versions: all of them belong to the database.
SIDE_SUFFIXES = (*SQLITE_SIDE_SUFFIXES, ".lock")
_ENTRY_SUFFIX = ".entry"


def temp_name_prefix(dest: Path) -> str:
    """Temporary files for `dest` that a restore, a backup or a migration backup writes beside it
    start with this, so a killed write's leftovers can be found by name."""
    return f".{dest.name}."


_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_NO_ACCESS = {errno.EACCES, errno.EPERM, errno.EROFS}


# --- refusals ----------------------------------------------------------------------------------


class OutputRefusedError(UserFacingError):
    """The chosen file may not be written; nothing was written."""


class OutputExistsError(OutputRefusedError):
    def __init__(self) -> None:
        super().__init__("Filen findes allerede. Brug --force for at erstatte den. Intet er gemt.")


class ProtectedFileError(OutputRefusedError):
    """The target is a file that is never replaced, whatever the user says."""


_NEVER = "Den erstattes aldrig. Vælg et andet filnavn. Intet er gemt."


@dataclass(frozen=True)
class OutputRules:
    """What a write must never replace, and where it records its temporary file.

    `database`: the open database (it and its side files are refused by identity);
    `backup_folder`: no existing file there is replaced; `inputs`: the files the output
    is made from (refused by identity); `journal`: the folder of unfinished writes
    (None: not recorded, as in `db`'s own tests)."""

    database: Path | None = None
    backup_folder: Path | None = None
    inputs: tuple[Path, ...] = ()
    journal: Path | None = None


def check_target(path: Path, rules: OutputRules, *, replace: bool = False) -> None:
    """Raise `OutputRefusedError` (with a Danish message) if `path` may not be written under
    `rules`; see the module docstring for the order and the reasons."""
    path = Path(path)
    if path.is_dir():
        raise ProtectedFileError("Der ligger en mappe med det navn. Vælg et filnavn. Intet er gemt.")
    target = _identity(path)
    if rules.database is not None:
        database = Path(rules.database)
        if _same(path, target, database):
            raise ProtectedFileError(f"Filen er selve databasen, som er åben. {_NEVER}")
        for suffix in SIDE_SUFFIXES:
            side = database.with_name(database.name + suffix)
            if _same(path, target, side) or _same_name_in_same_folder(path, side):
                raise ProtectedFileError(f"Filen hører til den åbne database (dens {suffix}-fil). {_NEVER}")
    for source in rules.inputs:
        if _same(path, target, Path(source)):
            raise ProtectedFileError(f"Filen er en af de filer, der læses fra. {_NEVER}")
    if not os.path.lexists(path):
        return
    real = Path(os.path.realpath(path))
    if _is_database_name(path.name) or _is_database_name(real.name):
        raise ProtectedFileError(f"Filen er en jobraad-database eller en sikkerhedskopi (.jobraad). {_NEVER}")
    if rules.backup_folder is not None:
        folder = _identity(Path(rules.backup_folder))
        if folder is not None and folder in (_identity(path.parent), _identity(real.parent)):
            raise ProtectedFileError(
                "Filen ligger i mappen til sikkerhedskopier. Den erstattes aldrig. Vælg en anden mappe. Intet er gemt."
            )
    if not replace:
        raise OutputExistsError()


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file `path` names, following symlinks; None if there is none
    or the file system gives no inode (some Windows network drives say 0)."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino) if st.st_ino else None


def _same(path: Path, identity: tuple[int, int] | None, other: Path) -> bool:
    if identity is not None and identity == _identity(other):
        return True
    try:  # where no identity is known: the same file by its resolved name
        return os.path.normcase(os.path.realpath(path)) == os.path.normcase(os.path.realpath(other))
    except (OSError, ValueError):
        return False


def _same_name_in_same_folder(path: Path, other: Path) -> bool:
    """A side file that does not exist yet: the same folder (by identity) and the same name
    (case-insensitively, as on Windows and macOS)."""
    if path.name.casefold() != other.name.casefold():
        return False
    folder = _identity(path.parent)
    return folder is not None and folder == _identity(other.parent)


def _is_database_name(name: str) -> bool:
    folded = name.casefold()
    return any(folded.endswith(DATABASE_SUFFIX + s) for s in ("", *SIDE_SUFFIXES))


# --- writing -------------------------------------------------------------------------------------


def write_file(
    path: Path,
    build: Callable[[BinaryIO], None],
    rules: OutputRules,
    *,
    replace: bool = False,
    what: str = "Filen kunne ikke gemmes",
) -> None:
    """Let `build` write the new file's bytes to a stream, then put them at `path` (see the
    module docstring). Raises `OutputRefusedError` or `StorageError` (its message starts with
    `what`); then nothing is left at `path` or beside it, and an existing file is unchanged."""
    with staged(path, rules, replace=replace, what=what) as tmp, open(tmp, "wb") as fh:
        build(fh)


@contextlib.contextmanager
def staged(
    path: Path,
    rules: OutputRules,
    *,
    replace: bool = False,
    what: str = "Filen kunne ikke gemmes",
    temp_prefix: str = TEMP_PREFIX,
) -> Iterator[Path]:
    """A new, empty temporary file beside `path` (0600) for the caller to fill; when the
    `with` block ends without an exception it is fsynced and renamed to `path`, otherwise it
    is removed (with any SQLite journal beside it). The target is checked before and again
    just before the rename. OSError becomes `StorageError`."""
    path = Path(path)
    check_target(path, rules, replace=replace)
    with _journal_entry(rules.journal) as record:
        try:
            fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix, suffix=TEMP_SUFFIX, dir=path.parent)
            os.close(fd)
        except OSError as err:
            raise StorageError(storage_message(err, what)) from None
        tmp = Path(tmp_name)
        try:
            record(tmp)
            yield tmp
            fsync_file(tmp)
            check_target(path, rules, replace=replace)
            os.replace(tmp, path)
            fsync_folder(path.parent)
        except OSError as err:
            remove_with_journals(tmp)
            raise StorageError(storage_message(err, what)) from None
        except BaseException:
            remove_with_journals(tmp)
            raise


def storage_message(err: OSError, what: str = "Filen kunne ikke gemmes") -> str:
    """The Danish message for a failed write: disk full, read-only or no access, missing folder,
    or else the system's reason. Never the path: file names often hold a citizen's name."""
    if err.errno in _DISK_FULL:
        return f"{what}: der er ikke plads nok på disken. Frigør plads, og prøv igen. Intet er ændret."
    if err.errno in _NO_ACCESS:
        return (
            f"{what}: mappen er skrivebeskyttet, eller du har ikke adgang til den. Vælg en anden mappe. "
            "Intet er ændret."
        )
    if err.errno == errno.ENOENT:
        return f"{what}: mappen findes ikke (længere). Vælg en anden mappe. Intet er ændret."
    reason = f" ({err.strerror})" if err.strerror else ""
    return f"{what}{reason}. Intet er ændret."


def fsync_file(path: Path) -> None:
    """Make a file's content durable before it is renamed into place."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows cannot open folders and needs no such step."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def remove_with_journals(path: Path) -> None:
    """Remove `path` and the SQLite journals a half-written database may have beside it."""
    for p in (path, *(path.with_name(path.name + s) for s in ("-journal", "-wal", "-shm"))):
        with contextlib.suppress(OSError):
            p.unlink()


# --- the journal of unfinished writes -------------------------------------------------------------


@contextlib.contextmanager
def _journal_entry(journal: Path | None) -> Iterator[Callable[[Path], None]]:
    """Hold a locked entry in `journal` while a write runs; yields the function that records
    the temporary file in it. The entry file is made and locked (the lock is on the entry
    file itself) before anything is recorded in it. Without a usable journal the write goes
    on unrecorded (its temporary file is still removed on every error; only a kill could
    leave it)."""
    lock: FileLock | None = None
    entry: Path | None = None
    if journal is not None:
        entry = journal / f"{secrets.token_hex(8)}{_ENTRY_SUFFIX}"
        try:
            journal.mkdir(mode=0o700, parents=True, exist_ok=True)
            flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
            fd = os.open(entry, flags, 0o600)
            if not lock_descriptor(fd):  # cannot happen: the entry is new
                os.close(fd)
                raise OSError(errno.EAGAIN, "locked")
            lock = FileLock(entry)
            lock.adopt(fd)
        except OSError:
            log.warning("the journal of unfinished writes cannot be used; writing without it")
            with contextlib.suppress(OSError):
                if entry is not None:
                    entry.unlink()
            lock = entry = None

    def record(tmp: Path) -> None:
        if lock is None or entry is None:
            return
        try:
            entry.write_bytes(os.fsencode(tmp.resolve()))
            with entry.open("rb+") as fh:
                os.fsync(fh.fileno())
        except OSError:
            log.warning("a write could not be recorded in the journal of unfinished writes")

    try:
        yield record
    finally:
        if entry is not None:
            with contextlib.suppress(OSError):
                entry.unlink()
        if lock is not None:
            lock.release()


def clean_leftovers(journal: Path) -> list[Path]:
    """Remove the temporary files of writes that never ended (their process was killed), as
    recorded in `journal`; leave those of writes still running. Returns what was removed.
    Never raises for a file it cannot read or remove: that one is tried again next time."""
    removed: list[Path] = []
    try:
        names = sorted(p.name for p in journal.iterdir())
    except OSError:
        return removed
    for name in names:
        if name.endswith(_ENTRY_SUFFIX):
            leftover = _clean_entry(journal / name)
            if leftover is not None:
                removed.append(leftover)
    return removed


def _clean_entry(entry: Path) -> Path | None:
    try:
        lock = FileLock(entry).acquire()
    except UserFacingError:  # a write in progress (or a journal we cannot lock): leave it
        return None
    try:
        try:
            raw = entry.read_bytes()
        except OSError:
            return None  # its write ended meanwhile, or it cannot be read now: next time
        tmp = Path(os.fsdecode(raw)) if raw else None
        done, removed = _remove_leftover(tmp)
        if done:
            with contextlib.suppress(OSError):
                entry.unlink()
        return removed
    finally:
        lock.release()


def _remove_leftover(tmp: Path | None) -> tuple[bool, Path | None]:
    """Remove one recorded temporary file. Returns (whether its entry is done with, what was removed).
    Only a regular file named like the writer's temporary files is ever removed. One on a folder
    that cannot be reached now (a network drive that is not connected) is tried again next time."""
    if tmp is None or not (tmp.name.startswith(".") and tmp.name.endswith(TEMP_SUFFIX)):
        return True, None
    try:
        st = os.lstat(tmp)
    except FileNotFoundError:
        return tmp.parent.is_dir(), None  # gone already; or its folder is away for now
    except OSError:
        return False, None
    if not stat.S_ISREG(st.st_mode):
        return True, None
    remove_with_journals(tmp)
    if os.path.lexists(tmp):
        return False, None
    return True, tmp
