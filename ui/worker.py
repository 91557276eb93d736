"""Run long work off the GUI thread, with a progress dialog or behind the window.

The work function gets a `progress(done, total)` callback; it must open its own
session (services do, through `Database.transaction()`).

A started task is kept here until its result has reached the GUI thread (its signals
must outlive the thread that emits them); nobody else needs to hold it."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from db.errors import UserFacingError
from jobraad.logs import report_unexpected

Progress = Callable[[int, int], None]


class _Signals(QObject):
    """progressed(done, total), finished(result), failed(message, is_bug)."""

    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str, bool)


class Task(QRunnable):
    def __init__(self, fn: Callable[[Progress], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.fn(self.signals.progressed.emit)
        except UserFacingError as err:
            self.signals.failed.emit(err.message, False)
        except Exception as err:  # a bug: the traceback to the log file, a calm message to the user
            self.signals.failed.emit(report_unexpected(err), True)
        else:
            self.signals.finished.emit(result)


_running: dict[int, Task] = {}
_keys = itertools.count()


def _start(task: Task) -> Task:
    """Start `task` in the thread pool and keep it until its result is delivered."""
    key = next(_keys)  # not the task itself: a slot holding it would keep it for ever
    _running[key] = task

    def release(*_result: object) -> None:
        # From the next turn of the event loop: after the caller's slots (connected
        # first), and never while the signals object is delivering.
        QTimer.singleShot(0, lambda: _running.pop(key, None))

    task.signals.finished.connect(release)
    task.signals.failed.connect(release)
    # Its `run` is started, not the task itself: PySide 6.11 now and then keeps the Python
    # side of a QRunnable the pool has deleted (with all its closure holds) for ever.
    QThreadPool.globalInstance().start(task.run)
    return task


def running_tasks() -> int:
    """How many started tasks have not yet delivered their result."""
    return len(_running)


def start_task(
    fn: Callable[[Progress], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[str, bool], None],
    on_progress: Callable[[int, int], None] | None = None,
) -> Task:
    """Start `fn` in the thread pool without a dialog: work behind the window (which may
    show its progress itself, `on_progress`)."""
    task = Task(fn)
    if on_progress is not None:
        task.signals.progressed.connect(on_progress)
    task.signals.finished.connect(on_done)
    task.signals.failed.connect(on_error)
    return _start(task)


def run_with_progress(
    parent: QWidget,
    label: str,
    fn: Callable[[Progress], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[str, bool], None],
) -> Task:
    """Start `fn` in the thread pool; a modal progress dialog shows while it runs."""
    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setWindowTitle("jobraad")
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)

    task = Task(fn)

    def progressed(done: int, total: int) -> None:
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)

    def finished(result: object) -> None:
        dialog.close()
        on_done(result)

    def failed(message: str, is_bug: bool) -> None:
        dialog.close()
        on_error(message, is_bug)

    task.signals.progressed.connect(progressed)
    task.signals.finished.connect(finished)
    task.signals.failed.connect(failed)
    return _start(task)
