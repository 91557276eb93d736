"""Unexpected errors in the desktop program: the user reads a calm Danish message; the
traceback goes to the log file, without personal data (`jobraad.logs`).

`install_error_handlers()` (from `run_app`) routes what nothing else catches there:
an exception in a Qt slot or event handler (PySide6 hands it to `sys.excepthook`) and
one that ends a plain Python thread (`threading.excepthook`). A worker `Task` reports
its own through `report_unexpected` and its `failed` signal.
"""

from __future__ import annotations

import sys
import threading
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

from jobraad.logs import report_unexpected

TITLE = "jobraad"


class _Reporter(QObject):
    """Lives in the GUI thread: a message from another thread reaches the user through
    the queued `reported` signal."""

    reported = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.showing = False
        self.reported.connect(self.show)

    @Slot(str)
    def show(self, message: str) -> None:
        if self.showing:  # one box at a time; the next error is in the log all the same
            return
        self.showing = True
        try:
            QMessageBox.critical(QApplication.activeWindow(), TITLE, message)
        finally:
            self.showing = False


_reporter: _Reporter | None = None


def tell_unexpected(error: BaseException) -> None:
    """Log `error` and tell the user: in a message box when the program has a window
    system, else on stderr (before the first window)."""
    message = report_unexpected(error)
    app = QCoreApplication.instance()
    if _reporter is None or not isinstance(app, QApplication):
        if sys.stderr is not None:
            print(f"jobraad: {message}", file=sys.stderr)
        return
    _reporter.reported.emit(message)  # a direct call in the GUI thread, queued from another


def _excepthook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):  # Ctrl+C in the terminal that started the program
        app = QCoreApplication.instance()
        if app is not None:
            app.quit()
        return
    tell_unexpected(error.with_traceback(tb))


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or issubclass(args.exc_type, SystemExit):
        return
    tell_unexpected(args.exc_value.with_traceback(args.exc_traceback))


def install_error_handlers() -> None:
    """Route uncaught exceptions of the GUI thread and of plain threads to the user (in
    Danish) and the log file. Call it in the GUI thread; calling it again is harmless."""
    global _reporter
    if _reporter is None and QCoreApplication.instance() is not None:
        _reporter = _Reporter()
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
