"""Qt's Python classes made ahead, a few milliseconds at a time, while the first window waits
for the user.

PySide makes the Python class of a Qt class (and its enums, about 0.5 ms each) only when it is
first needed, and the first paint of the main window and its first events needed some 140 of
them, made in one go: about 80 ms of the time between Enter in the passphrase window and the
caseload on screen (measured with `tests.benchmarks.start`). Touching every class of the Qt
modules the program uses makes them all, here, on the GUI thread (never in a thread: PySide's
lazy classes are not made for that), in slices the window does not notice.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Iterator

from PySide6.QtCore import QTimer

#: The Qt modules the program imports (the hours chart is QtCharts; printing, QtPrintSupport).
MODULES = ("QtCore", "QtGui", "QtWidgets", "QtCharts", "QtPrintSupport")
SLICE_S = 0.004


def _names() -> Iterator[tuple[object, str]]:
    for name in MODULES:
        try:
            module = importlib.import_module(f"PySide6.{name}")
        except ImportError:
            continue
        for attribute in dir(module):
            yield module, attribute


_done: list[bool] = []


def prepare_qt_classes() -> None:
    """Start making the classes, a slice per turn of the event loop (about 0.2 s of work)."""
    names = _names()

    def work() -> None:
        until = time.perf_counter() + SLICE_S
        for module, attribute in names:
            getattr(module, attribute, None)
            if time.perf_counter() > until:
                QTimer.singleShot(0, work)
                return
        _done.append(True)

    QTimer.singleShot(0, work)


def qt_classes_prepared() -> bool:
    """True once `prepare_qt_classes` has made them all (for the benchmark)."""
    return bool(_done)
