"""The citizen file's sections as a vertical list beside the page in front: every section
name always in sight, with no tab-scroll arrows however narrow the window (issue 19).

The API is the part of QTabWidget the file uses (`currentIndex`, `setCurrentIndex`,
`setCurrentWidget`, `indexOf`, `currentChanged`, `tabText`, `setTabToolTip`), so the file
and its tests read as before. Ctrl+Tab / Ctrl+PgDown and Ctrl+Shift+Tab / Ctrl+PgUp move
between the sections while focus is anywhere inside (as in a QTabWidget)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHBoxLayout, QListWidget, QListWidgetItem, QStackedWidget, QWidget

_NEXT = {Qt.Key.Key_Tab, Qt.Key.Key_PageDown}
_PREVIOUS = {Qt.Key.Key_Backtab, Qt.Key.Key_PageUp}


def section_step(event: QKeyEvent) -> int:
    """+1 or -1 for a key that moves between sections (Ctrl+Tab, Ctrl+PgDown; Ctrl+Shift+Tab,
    Ctrl+PgUp), 0 for any other key."""
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    if not mods & Qt.KeyboardModifier.ControlModifier or mods & Qt.KeyboardModifier.AltModifier:
        return 0
    key = Qt.Key(event.key())
    shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
    if key == Qt.Key.Key_Tab:
        return -1 if shift else 1
    if key == Qt.Key.Key_Backtab:
        return -1
    if shift:
        return 0
    return 1 if key in _NEXT else -1 if key in _PREVIOUS else 0


class SectionPages(QWidget):
    """A list of section names (left) and the page of the chosen one (right).

    Signals: currentChanged(index), as QTabWidget's."""

    currentChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.list = QListWidget()
        self.list.setObjectName("fileSections")
        self.list.setAccessibleName("Sagens afsnit")
        self.list.setTabKeyNavigation(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setWordWrap(False)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self._widest = 0
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.stack = QStackedWidget()
        layout.addWidget(self.list)
        layout.addWidget(self.stack, 1)
        self.list.currentRowChanged.connect(self._row_changed)
        self.list.installEventFilter(self)  # the list itself would take Ctrl+PgDown to its last row

    # --- QTabWidget's API, as the file uses it ----------------------------------------------------

    def addTab(self, page: QWidget, label: str) -> int:
        item = QListWidgetItem(label)
        self.list.addItem(item)
        index = self.stack.addWidget(page)
        # As wide as the longest name, whole on one line: a wrapped name ("Forsørgelse og / CV")
        # read as two sections, and an elided one hid what it was.
        metrics = self.list.fontMetrics()
        self._widest = max(self._widest, metrics.horizontalAdvance(label))
        self.list.setFixedWidth(self._widest + 2 * self.list.frameWidth() + 24)
        if self.list.currentRow() < 0:
            self.list.setCurrentRow(0)
        return index

    def count(self) -> int:
        return self.stack.count()

    def currentIndex(self) -> int:
        return self.stack.currentIndex()

    def setCurrentIndex(self, index: int) -> None:
        if 0 <= index < self.count():
            self.list.setCurrentRow(index)

    def currentWidget(self) -> QWidget | None:
        return self.stack.currentWidget()

    def setCurrentWidget(self, page: QWidget) -> None:
        self.setCurrentIndex(self.stack.indexOf(page))

    def indexOf(self, page: QWidget) -> int:
        return self.stack.indexOf(page)

    def widget(self, index: int) -> QWidget | None:
        return self.stack.widget(index)

    def tabText(self, index: int) -> str:
        item = self.list.item(index)
        return item.text() if item is not None else ""

    def setTabToolTip(self, index: int, tip: str) -> None:
        item = self.list.item(index)
        if item is not None:
            item.setToolTip(tip)

    # --- moving ------------------------------------------------------------------------------------

    def step(self, by: int) -> None:
        """The next (+1) or previous (-1) section, round the ends as a QTabWidget does."""
        if self.count():
            self.setCurrentIndex((self.currentIndex() + by) % self.count())

    def _row_changed(self, row: int) -> None:
        if row < 0 or row == self.stack.currentIndex():
            return
        self.stack.setCurrentIndex(row)
        self.currentChanged.emit(row)

    def event(self, event: QEvent) -> bool:
        # Ctrl+Tab and friends belong to the innermost tab set holding focus: claim them
        # before a window-wide shortcut can, then move on the key press (which the widget
        # with focus passes up, as it does to a QTabWidget).
        if event.type() == QEvent.Type.ShortcutOverride:
            assert isinstance(event, QKeyEvent)
            if section_step(event):
                event.accept()
                return True
        return super().event(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.list and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            by = section_step(event)
            if by:
                self.step(by)
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        by = section_step(event)
        if by:
            self.step(by)
            self.list.setFocus(Qt.FocusReason.TabFocusReason)  # where the user sees which section is open
            event.accept()
            return
        super().keyPressEvent(event)
