"""What runs behind the window while the file is open: waiting for the file's integrity
check, then pruning the audit log and taking the backup at start, and a backup check
every 15 minutes after that. Nothing is written to a file that failed its check."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from jobraad import audit, backup
from ui.worker import Progress, start_task

if TYPE_CHECKING:
    from db.session import Database

#: How often the integrity check is asked whether it is done (polled, so no pool thread
#: is held waiting while it runs).
CHECK_POLL_MS = 20
BACKUP_CHECK_MS = 15 * 60 * 1000


class Upkeep(QObject):
    """Signals: damaged() when the file failed its integrity check; backed_up(path) after a
    backup behind the window; backup_failed(message) when one could not be taken."""

    damaged = Signal()
    backed_up = Signal(Path)
    backup_failed = Signal(str)

    def __init__(self, database: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self._check_timer = QTimer(self)
        self._check_timer.setInterval(CHECK_POLL_MS)
        self._check_timer.timeout.connect(self._poll_integrity_check)
        self._backup_timer = QTimer(self)
        self._backup_timer.setInterval(BACKUP_CHECK_MS)
        self._backup_timer.timeout.connect(lambda: self.back_up(force=False))
        self._backup_held = False  # the backup at start waits for `release_backup`
        self._backup_waiting = False  # the check passed while the backup was held

    def start(self, *, hold_backup: bool = False) -> None:
        """Once the file has passed its integrity check (which may still run): prune the
        audit log and take a backup, then check every 15 minutes whether one is due.
        `hold_backup`: the backup at start waits for `release_backup()` (at the program's
        start, until the caseload is on screen: a backup of a 10,000-citizen file decrypts
        and encrypts 100 MB, two seconds of a core that the start's read then lacks). A
        damaged file is told as soon as its check has run, either way."""
        self._backup_held = hold_backup
        self._check_timer.start()  # first poll from the event loop, never before it runs

    def release_backup(self) -> None:
        """The backup at start may be taken (at once, if the check has passed already)."""
        self._backup_held = False
        if self._backup_waiting:
            self._backup_waiting = False
            self._first_backup()

    def stop(self) -> None:
        self._check_timer.stop()
        self._backup_timer.stop()

    def backups_scheduled(self) -> bool:
        return self._backup_timer.isActive()

    def _poll_integrity_check(self) -> None:
        passed = self.database.wait_until_checked(timeout=0)
        if passed is None:
            return
        self._check_timer.stop()
        if not passed:
            self.damaged.emit()
        elif self._backup_held:
            self._backup_waiting = True
        else:
            self._first_backup()

    def _first_backup(self) -> None:
        self.back_up(force=True, prune_audit=True)
        self._backup_timer.start()

    def back_up(self, *, force: bool, prune_audit: bool = False) -> None:
        """Quietly, in a worker: a backup if one is due (always with `force`), after pruning
        the audit log (`prune_audit`, at start)."""
        database = self.database

        def work(_progress: Progress) -> Path | None:
            if prune_audit:
                audit.apply_audit_retention(database)
            return backup.automatic_backup(database, force=force)

        # Methods, not closures: Qt drops the connection if this object is gone by then.
        start_task(work, self._backup_done, self._backup_not_done)

    def _backup_done(self, path: object) -> None:
        if isinstance(path, Path):  # None: no backup was due
            self.backed_up.emit(path)

    def _backup_not_done(self, message: str, _is_bug: bool) -> None:
        self.backup_failed.emit(message)
