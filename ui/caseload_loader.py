"""Reading the caseload and the Overblik for the main window: on the spot, or in a worker
thread while the window stays usable. The newest read wins: a read that ends after a
newer one was started (or after the window closed) is never shown."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from jobraad import warm_up
from jobraad.caseload import CaseloadRow, load_caseload, load_readiness
from jobraad.overview import Overview, first_overview, load_overview
from ui.worker import Progress, start_task

if TYPE_CHECKING:
    from db.session import Database

WARM_UP_PRINTING_MS = 1_000


def _warm_up_printing() -> None:
    """Prepare printing and spreadsheets in a thread, once the caseload is shown: the first
    dossier, letter or export is then as quick as the next."""

    def work() -> None:
        for step in (warm_up.prepare_printing, warm_up.prepare_spreadsheets):
            with contextlib.suppress(Exception):
                step()

    threading.Thread(target=work, name="jobraad-warm-up-pdf", daemon=True).start()


Read = tuple[list[CaseloadRow], Overview]


def read_caseload(database: Database, today: dt.date) -> Read:
    """The caseload's rows and the Overblik, as the window shows them."""
    rows = load_caseload(database, today)
    return rows, load_overview(database, today, rows)


def read_first(database: Database, today: dt.date) -> Read:
    """What the window shows first at start: the rows and the Overblik's deadlines, without
    the documentation readiness and the signals (a quarter of the work: at 10,000 citizens
    about 0.5 s of 2 s). `read_rest` completes them."""
    rows = load_caseload(database, today, readiness=False)
    return rows, first_overview(today, rows)


def read_rest(database: Database, today: dt.date, rows: list[CaseloadRow]) -> Read:
    """`read_caseload`, given the rows of `read_first`."""
    rows = load_readiness(database, today, rows)
    return rows, load_overview(database, today, rows)


class CaseloadLoader(QObject):
    """Signals: loaded(rows, overview, keep_scroll) when a read is to be shown;
    reading_started(quiet) when a read behind the window begins (`quiet`: the rows shown
    stay, only the status line says it is reading); failed(message) when a read behind the
    window failed ("" for a damaged file: its integrity check tells the user)."""

    loaded = Signal(object, object, bool)
    reading_started = Signal(bool)
    failed = Signal(str)

    def __init__(self, database: Database, today: dt.date, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.today = today
        self._generation = 0  # a read behind the window is shown only if nothing was read since
        self._list_hidden = False  # the list is replaced by "Indlæser…" until a read is shown
        self._quiet_reading = False  # a quiet read (after a save) is running
        # Saves reported so far. A read notes, as it begins, how many it will include; when it
        # is done, one more read follows only if a save was reported after that (one that the
        # read may have missed), not merely while the read was waiting to start.
        self._changes = 0
        self._printing_warmed = False
        self._read_behind = False  # a read behind the window was shown (`caseload_in_place`)

    @property
    def reading(self) -> bool:
        """A read is running whose result is still to be shown (the rest of a staged read too)."""
        return self._list_hidden or self._quiet_reading

    def expect_reading(self) -> None:
        """Show the window as reading before any read is started (the file is still being
        opened); `read_in_background()` follows."""
        self._list_hidden = True
        self.reading_started.emit(False)

    def read_now(self) -> None:
        """Read on the GUI thread and show it; a read behind the window still running is not
        shown after this."""
        self._generation += 1
        self._quiet_reading = False
        self._list_hidden = False
        self.database.release_check()  # the read behind the window that would have is dropped
        rows, overview = read_caseload(self.database, self.today)
        self.loaded.emit(rows, overview, False)

    def read_in_background(self, *, quiet: bool = False, first_rows_first: bool = False) -> None:
        """Read in a worker thread; a later read wins over this one. `quiet`: the rows
        shown stay while the new ones are read (after a save). Saves in quick succession
        start one read at a time: one more follows the running read if a save came after
        it began, with all of them in it. `first_rows_first` (at start): the rows and the
        Overblik's deadlines are shown as soon as they are read (`read_first`), and the
        readiness and the signals follow, as a quiet read (`read_rest`)."""
        if quiet:
            self._changes += 1
            if self._quiet_reading:
                return
        self._start(quiet=quiet, staged=first_rows_first and not quiet)

    def _start(self, *, quiet: bool, staged: bool = False) -> None:
        self._generation += 1
        generation = self._generation
        self._quiet_reading = quiet
        database, today = self.database, self.today
        included = [self._changes]

        def guarded(read: Callable[[], Read]) -> Read | None:
            try:
                return read()
            except Exception:
                if database.wait_until_checked() is False:
                    return None  # a damaged file: the integrity check says so, and offers a restore
                raise

        def whole(read: Callable[[], Read]) -> Read | None:
            """The read that completes the caseload; then the integrity check held at the
            program's start (`ui.app.unlock`) begins: beside the read, it took a core the read
            needed on a 2-core laptop. (A save before then begins it at once, and waits.)"""
            try:
                return guarded(read)
            finally:
                database.release_check()

        def work(_progress: Progress) -> Read | None:
            # Every save reported by now was committed before this read's first query
            # (a save is reported after its commit), so the read includes it.
            included[0] = self._changes
            if staged:
                return guarded(lambda: read_first(database, today))
            return whole(lambda: read_caseload(database, today))

        def first_done(result: Read | None) -> None:
            if generation != self._generation:  # a newer read, or the window was closed
                return
            if result is None:
                done(None)
                return
            rows = result[0]
            # The rest is read while the window shows the first rows (started first, so
            # the worker is busy while the window paints).
            start_task(lambda _progress: whole(lambda: read_rest(database, today, rows)), done, failed)
            self._list_hidden = False
            self._quiet_reading = True  # saves meanwhile wait for the rest, as after a quiet read
            self.loaded.emit(rows, result[1], quiet)
            self.reading_started.emit(True)

        def done(result: Read | None) -> None:
            if generation != self._generation:  # a newer read, or the window was closed
                return
            keep_scroll = quiet or staged
            self._quiet_reading = self._list_hidden = False
            self._read_behind = True
            if result is None:
                self.failed.emit("")
            else:
                self.loaded.emit(result[0], result[1], keep_scroll)
            if self._changes > included[0]:
                self._start(quiet=True)

        def failed(message: str, _is_bug: bool) -> None:
            if generation != self._generation:
                return
            self._quiet_reading = self._list_hidden = False
            self.failed.emit(message)

        quiet_here = quiet and not self._list_hidden
        self._list_hidden = not quiet_here
        self.reading_started.emit(quiet_here)
        start_task(work, first_done if staged else done, failed)

    def caseload_in_place(self) -> None:
        """The window has a whole read in place (the Overblik too): after the first read
        behind the window, printing is prepared a moment after, once (its imports compete
        with the window for Python while a large Overblik is still being filled)."""
        if self._read_behind and not self._printing_warmed:
            self._printing_warmed = True
            QTimer.singleShot(WARM_UP_PRINTING_MS, _warm_up_printing)

    def cancel(self) -> None:
        """No read still running is shown (the window is closing)."""
        self._generation += 1
