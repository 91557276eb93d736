"""One program at a time on a caseload file: an OS lock on the database file itself.

The lock belongs to the file, not to its name: a hard link, a symbolic link or
another spelling of the path reaches the same file and is refused while any
program (this one included) holds it. It is the operating system's, so it dies
with the process and a crash never blocks the next start.

- POSIX: `flock()` on a descriptor of the database file. On Linux and macOS
  `flock` locks are separate from the `fcntl` record locks SQLite takes on the
  same file, so the two never disturb each other; and unlike `fcntl` locks they
  are not dropped when SQLite closes one of its own descriptors of the file.
- Windows: `LockFileEx` (through `msvcrt.locking`) on one byte of SQLite's
  lock-byte page (the page at 1 GiB that SQLite never reads or writes; its own
  locks use the first 512 bytes of it), so the mandatory Windows lock never
  blocks SQLite's reads and writes.

Whoever holds the lock checks after taking it that the path still names the
locked file: a restore renames a new file into place, and a process that opened
the old one just before must not believe it holds the new one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from pathlib import Path

from db.errors import DatabaseLockedError, StorageError

_ATTEMPTS = 20
#: The byte locked on Windows: inside SQLite's lock-byte page (PENDING_BYTE = 0x40000000),
#: beyond the bytes SQLite locks there (PENDING, RESERVED and 510 SHARED bytes).
_WINDOWS_LOCK_OFFSET = 0x40000000 + 2048
#: Lock files of earlier versions (`<name>.lock`); one left by a crash is removed on open.
LEGACY_LOCK_SUFFIX = ".lock"


class FileLock:
    """An exclusive, non-blocking lock on one database file (which must exist)."""

    def __init__(self, db_path: Path, *, action: str = "åbnes") -> None:
        self.path = Path(db_path)
        self._action = action  # for messages: "Databasen kan ikke {action}"
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def identity(self) -> tuple[int, int] | None:
        """(device, inode) of the locked file while held: what "the same file" means."""
        if self._fd is None:
            return None
        st = os.fstat(self._fd)
        return st.st_dev, st.st_ino

    def acquire(self) -> FileLock:
        """Take the lock or raise `DatabaseLockedError` at once (never waits)."""
        if self._fd is not None:
            return self
        for _ in range(_ATTEMPTS):
            fd = self._open()
            try:
                locked = _try_lock(fd)
            except OSError as err:  # e.g. ENOLCK: the file system has no locks
                os.close(fd)
                raise StorageError(cannot_lock_message(err, self._action)) from None
            if not locked:
                os.close(fd)
                raise DatabaseLockedError()
            if self._still_named(fd):
                self._fd = fd
                return self
            _release(fd)  # renamed away meanwhile (a restore): lock what the name holds now
        raise DatabaseLockedError()

    def adopt(self, fd: int) -> None:
        """Hold `fd`, already locked with `lock_descriptor()`, instead of the current lock
        (which is released). A restore locks the new file before renaming it into place."""
        old, self._fd = self._fd, fd
        if old is not None:
            _release(old)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            _release(fd)

    def __enter__(self) -> FileLock:
        return self.acquire()

    def __exit__(self, *_exc: object) -> None:
        self.release()

    def _open(self) -> int:
        try:
            return open_for_lock(self.path)
        except OSError as err:
            raise StorageError(cannot_lock_message(err, self._action, self.path)) from None

    def _still_named(self, fd: int) -> bool:
        try:
            named = os.stat(self.path)
        except FileNotFoundError:
            return False
        mine = os.fstat(fd)
        return (named.st_dev, named.st_ino) == (mine.st_dev, mine.st_ino)


def open_for_lock(path: Path) -> int:
    """A descriptor of the file at `path` (symbolic links followed), for `lock_descriptor`.
    Opened for writing, so a read-only file is found here, before SQLite touches it."""
    flags = os.O_RDWR | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOINHERIT", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
    return fd


def lock_descriptor(fd: int) -> bool:
    """Lock the file open at `fd` (True), or False when another holder has it."""
    return _try_lock(fd)


def remove_legacy_lock_file(db_path: Path) -> None:
    with contextlib.suppress(OSError):
        Path(db_path).with_name(Path(db_path).name + LEGACY_LOCK_SUFFIX).unlink()


def cannot_lock_message(err: OSError, action: str, path: Path | None = None) -> str:
    if err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        name = f" {path.name}" if path is not None else ""
        return (
            f"Databasen{name} kan ikke {action}: filen er skrivebeskyttet, eller du har ikke adgang til at "
            "skrive i den eller dens mappe. Fjern skrivebeskyttelsen, eller flyt filen til en mappe, du kan "
            "skrive i. Filen er ikke ændret."
        )
    if err.errno == errno.EISDIR:
        return f"Databasen kan ikke {action}: {path or 'stien'} er en mappe, ikke en databasefil."
    if err.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"Databasen kan ikke {action}: der er ikke plads på disken. Frigør plads, og prøv igen. Intet er ændret."
    reason = f" ({err.strerror})" if err.strerror else ""
    return f"Databasen kan ikke {action}{reason}. Intet er ændret."


def _release(fd: int) -> None:
    with contextlib.suppress(OSError):
        _unlock(fd)
    os.close(fd)


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as err:
            if err.errno in (errno.EACCES, errno.EDEADLK):
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            if err.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
