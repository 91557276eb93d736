"""Locking the window: after idle time, on demand (Ctrl+L) or when the system
suspends the program. The content is hidden, open dialogs too; nothing is
closed, so unsaved edits survive; the passphrase opens it again."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from jobraad.passphrase import unlock_delay
from ui import palette

_ACTIVITY_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


#: How often the idle time is checked, and the filter that notices input put back (ms).
IDLE_CHECK_MS = 5_000


class IdleWatcher(QObject):
    """Emits idle_timeout() when no keyboard or mouse input has come for `minutes`.

    Input is noticed by an event filter on the whole application, and Qt calls that filter,
    in Python, for every event of every object (paints, layouts, timers), not only for input.
    While a worker thread computes, each of those calls first waits for Python's lock, up to
    its switch interval: at 10,000 citizens the window stalled up to 66 ms at a time while the
    caseload was read behind it. So the filter is in place only until it has seen an input;
    it is put back at the next check, every `IDLE_CHECK_MS`, and not before the first check
    (the start, with its reads, comes first; the window's creation counts as input). The last
    input is so known to within `IDLE_CHECK_MS`, always on the early side: the lock may come
    up to that much before the idle minutes are whole, never after. `clock`: seconds,
    monotonic (a test sets its own and calls `check` as the timer would)."""

    idle_timeout = Signal()

    def __init__(
        self, minutes: float, parent: QObject | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(parent)
        self.minutes = minutes
        self._clock = clock
        self._last = clock()
        self._watching = False  # the filter is in place
        self._timer = QTimer(self)
        self._timer.setInterval(IDLE_CHECK_MS)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    @property
    def watching(self) -> bool:
        """The filter that notices input is in place (until the next input)."""
        return self._watching

    def _watch(self, on: bool) -> None:
        app = QApplication.instance()
        if on == self._watching or app is None:
            return
        if on:
            app.installEventFilter(self)
        else:
            app.removeEventFilter(self)  # allowed from within eventFilter itself
        self._watching = on

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY_EVENTS:
            self.touch()
        return False

    def touch(self) -> None:
        """Input now: the idle time starts again, and the filter is off until the next check."""
        self._last = self._clock()
        self._watch(False)

    def stop(self) -> None:
        """No more checks (the window is closing)."""
        self._timer.stop()
        self._watch(False)

    def idle_seconds(self) -> float:
        return self._clock() - self._last

    def check(self) -> None:
        """Lock if idle long enough; then watch for input again (when a lock time is set)."""
        if self.minutes > 0 and self.idle_seconds() >= self.minutes * 60:
            self._last = self._clock()
            self.idle_timeout.emit()
        self._watch(self.minutes > 0)


def wait_text(seconds: int) -> str:
    """ "Vent 8 sekunder." and "Vent 1 sekund." (Danish singular from the first second)."""
    return f"Vent {seconds} {'sekund' if seconds == 1 else 'sekunder'}."


class BackOff(QObject):
    """The wait after wrong passphrases (`jobraad.passphrase.unlock_delay`), held with a timer:
    the `inputs` (the button that tries) are disabled until it has passed, while the window
    stays up and responsive, so what is typed meanwhile is kept. The message counts down
    each second ("… Vent 8 sekunder.", …, "… Vent 1 sekund."), read from `clock` (seconds,
    monotonic; a test sets its own and calls `tick` as `timer` would).
    Signals: changed(text) as the message changes, ready() when the inputs are enabled again."""

    ready = Signal()
    changed = Signal(str)

    def __init__(
        self, inputs: Sequence[QWidget], parent: QObject | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(parent)
        self.inputs = list(inputs)
        self.failures = 0
        self.clock = clock
        self._message = ""
        self._until = 0.0
        self._holding = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.tick)

    def refused(self, message: str) -> str:
        """Count a wrong passphrase and hold the inputs for the wait it costs; returns
        `message` with the wait added ("Vent 4 sekunder.") when there is one."""
        self.failures += 1
        self._message = message
        wait = unlock_delay(self.failures)
        if wait <= 0:
            return message
        self._until = self.clock() + wait
        self._holding = True
        for widget in self.inputs:
            widget.setEnabled(False)
        self.tick()
        return self.text()

    def seconds_left(self) -> int:
        """Whole seconds still to wait, rounded up (0: none)."""
        return max(0, math.ceil(round(self._until - self.clock(), 3))) if self._holding else 0

    def text(self) -> str:
        left = self.seconds_left()
        return f"{self._message} {wait_text(left)}" if left else self._message

    def waiting(self) -> bool:
        return self._holding

    def passed(self) -> None:
        """The right passphrase: the count starts again."""
        self.failures = 0

    def tick(self) -> None:
        """Show the seconds left, and wake again when the next whole second has passed."""
        left = round(self._until - self.clock(), 3)
        if left <= 0:
            self._release()
            return
        self.changed.emit(self.text())
        self.timer.start(max(1, math.ceil(round((left - (math.ceil(left) - 1)) * 1000, 3))))

    def _release(self) -> None:
        self._holding = False
        self.timer.stop()
        for widget in self.inputs:
            widget.setEnabled(True)
        self.changed.emit(self._message)
        self.ready.emit()


class LockDialog(QDialog):
    """Asks for the passphrase on top of everything; cannot be dismissed without it.
    Signals: unlocked()."""

    unlocked = Signal()

    def __init__(self, check: Callable[[str], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._check = check
        self.setWindowTitle("jobraad er låst")
        self.setModal(True)
        self.setMinimumWidth(440)
        self.setWindowFlag(Qt.WindowType.WindowCloseButtonHint, False)
        layout = QVBoxLayout(self)
        title = QLabel("<h2>jobraad er låst</h2>")
        layout.addWidget(title)
        text = QLabel("Sagerne er skjult. Skriv adgangskoden for at fortsætte – intet du var i gang med, er tabt.")
        text.setWordWrap(True)
        layout.addWidget(text)
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("unlockPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("Adgangskode")
        self.passphrase.returnPressed.connect(self.try_unlock)
        layout.addWidget(self.passphrase)
        self.button = QPushButton("Lås op")
        self.button.setDefault(True)
        self.button.clicked.connect(self.try_unlock)
        layout.addWidget(self.button)
        self.error = QLabel()
        self.error.setObjectName("unlockError")
        self.error.setStyleSheet(palette.error_style())
        layout.addWidget(self.error)
        # Only the button waits: what is typed meanwhile stays in the field.
        self.back_off = BackOff([self.button], self)
        self.back_off.changed.connect(self.error.setText)
        self.back_off.ready.connect(self.passphrase.setFocus)

    def reject(self) -> None:  # Esc does not unlock
        return

    def try_unlock(self) -> None:
        if self.back_off.waiting():
            return
        if self._check(self.passphrase.text()):
            self.back_off.passed()
            self.passphrase.clear()
            self.error.clear()
            self.unlocked.emit()
            self.accept()
            return
        self.passphrase.clear()
        self.error.setText(self.back_off.refused("Forkert adgangskode."))


def cover_open_dialogs(exclude: QWidget | None = None) -> list[QWidget]:
    """Cover every visible dialog with an opaque panel: its content is sensitive too,
    but closing it would lose what was typed. Returns the panels, to remove on unlock."""
    covers: list[QWidget] = []
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible() and widget is not exclude:
            cover = QLabel("Låst", widget)
            cover.setObjectName("lockCover")
            cover.setAlignment(Qt.AlignmentFlag.AlignCenter)
            cover.setAutoFillBackground(True)
            cover.setStyleSheet(f"background: palette(window); color: {palette.muted_css()}; font-size: 18px;")
            cover.setGeometry(widget.rect())
            cover.show()
            cover.raise_()
            covers.append(cover)
    return covers
