"""Keyboard shortcuts that belong to one part of the window."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget


def local_shortcut(
    key: QKeySequence | QKeySequence.StandardKey | str, parent: QWidget, slot: Callable[[], object]
) -> QShortcut:
    """A shortcut active only while focus is inside `parent`, so tabs can share Ctrl+S."""
    shortcut = QShortcut(QKeySequence(key), parent)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(slot)
    return shortcut
