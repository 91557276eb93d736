"""One program at a time on a caseload file: an OS-level lock on `<file>.lock`.

The lock is the operating system's (`flock` on POSIX, `msvcrt.locking` on
Windows), not the file's existence: it dies with the process, so a lock file
left behind by a crash never blocks the next start. `flock` belongs to the
open file, so a second `open_database()` in the same process is refused too.

The side file is removed again on release. A process that opened it just
before the removal and then gets the lock holds a file that no longer has the
name; it notices (the name now points at another file, or at none) and tries
again, so two holders can never coexist.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
from pathlib import Path

from db.errors import DatabaseLockedError, StorageError

_ATTEMPTS = 20


def lock_path_for(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


class FileLock:
    """An exclusive, non-blocking lock for one database file."""

    def __init__(self, db_path: Path, *, action: str = "åbnes") -> None:
        self.path = lock_path_for(Path(db_path))
        self._action = action  # for messages: "Databasen kan ikke {action}"
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

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
                raise StorageError(_cannot_lock(err, self._action)) from None
            if not locked:
                os.close(fd)
                raise DatabaseLockedError()
            if self._still_named(fd):
                self._fd = fd
                return self
            os.close(fd)  # released and removed by its holder meanwhile: try the new file
        raise DatabaseLockedError()

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        # Removed while still locked, so no one can take the lock on a name
        # that is about to disappear (see the module docstring).
        if sys.platform != "win32":
            with contextlib.suppress(OSError):
                self.path.unlink()
        with contextlib.suppress(OSError):
            _unlock(fd)
        os.close(fd)
        if sys.platform == "win32":  # an open file cannot be removed there
            with contextlib.suppress(OSError):
                self.path.unlink()

    def __enter__(self) -> FileLock:
        return self.acquire()

    def __exit__(self, *_exc: object) -> None:
        self.release()

    def _open(self) -> int:
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOINHERIT", 0)
        try:
            return os.open(self.path, flags, 0o600)
        except OSError as err:
            raise StorageError(_cannot_lock(err, self._action)) from None

    def _still_named(self, fd: int) -> bool:
        if sys.platform == "win32":
            return True
        try:
            named = os.stat(self.path)
        except FileNotFoundError:
            return False
        mine = os.fstat(fd)
        return (named.st_dev, named.st_ino) == (mine.st_dev, mine.st_ino)


def _cannot_lock(err: OSError, action: str) -> str:
    if err.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return (
            f"Databasen kan ikke {action}: mappen er skrivebeskyttet, eller du har ikke adgang til den. "
            "Vælg en mappe, du kan skrive i. Intet er ændret."
        )
    if err.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return f"Databasen kan ikke {action}: der er ikke plads på disken. Frigør plads, og prøv igen. Intet er ændret."
    reason = f" ({err.strerror})" if err.strerror else ""
    return f"Databasen kan ikke {action}{reason}. Intet er ændret."


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as err:
            if err.errno in (errno.EACCES, errno.EDEADLK):
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
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
