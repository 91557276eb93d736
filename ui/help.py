"""Hjælp: a short Danish guide (resources/help/vejledning.md) and the keyboard shortcuts.

The list of shortcuts is read from the window itself when the help opens: every QAction with
a shortcut (its text, its menu) and every QShortcut, so the list cannot drift from the keys
that really work. A QShortcut has no text of its own: it is listed by its `whatsThis()` when
that is set, else by the button beside it that names the same key in its tooltip, and by the
part of the window it works in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMenu,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from jobraad.resources import resource

GUIDE = ("help", "vejledning.md")

#: Standard keys a QShortcut may be made from, and what they do wherever they are.
_STANDARD_MEANING = {QKeySequence.StandardKey.Save: "Gem", QKeySequence.StandardKey.Print: "Udskriv"}


def _standard_meaning(key: QKeySequence) -> str:
    """ "Gem" for the platform's Save key, and so on; "" for any other key. (Looked up when
    asked: the platform's keys are known only once the application runs.)"""
    return next((what for std, what in _STANDARD_MEANING.items() if key in QKeySequence.keyBindings(std)), "")


@dataclass(frozen=True)
class ShortcutLine:
    keys: str  # as the user's platform writes them, e.g. "Ctrl+D"
    what: str  # the action's text without mnemonic marks, e.g. "Dossier til rehabiliteringsteamet"
    where: str  # the menu or part of the window, e.g. "Borger"


def _plain(text: str) -> str:
    """A menu text as a sentence: no & mnemonic marks, no trailing "…"."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").removesuffix("…").strip()


def _keys(sequences: list[QKeySequence]) -> str:
    return ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in sequences if not s.isEmpty())


def _menu_of(action: QAction) -> str:
    for owner in action.associatedObjects():
        if isinstance(owner, QMenu) and owner.title():
            return _plain(owner.title())
    return ""


def _part_of_window(widget: QWidget | None) -> str:
    """The tab (or page) `widget` lies on, by the tab's label: "Praktik", "Journal"; "" if none."""
    while widget is not None:
        parent = widget.parentWidget()
        if isinstance(parent, QStackedWidget) and isinstance(parent.parentWidget(), QTabWidget):
            tabs = parent.parentWidget()
            assert isinstance(tabs, QTabWidget)
            index = tabs.indexOf(widget)
            if index >= 0:
                return _plain(tabs.tabText(index))
        widget = parent
    return ""


_KEYS_IN_TEXT = re.compile(r"\b(?:(?:Ctrl|Shift|Alt|Meta)\+)+(?:[A-Za-z0-9,.]+|F\d+)")


def _described_by_button(shortcut: QShortcut) -> str:
    """What a shortcut does, read off the button beside it that names the key in its tooltip:
    "Markér som anmodet (Ctrl+Shift+A)" → "Markér som anmodet"; a tooltip that begins with
    the key gives the button's own text ("Kopiér som tekst")."""
    parent = shortcut.parent()
    near = parent if isinstance(parent, QWidget) else None
    for _ in range(3):  # the shortcut's widget, and the part of the window around it
        if near is None or near.isWindow():
            break
        for button in near.findChildren(QAbstractButton):
            tip = button.toolTip()
            for found in _KEYS_IN_TEXT.finditer(tip):
                if QKeySequence(found.group()) == shortcut.key():
                    before = tip[: found.start()].rstrip(" (").strip()
                    return before or _plain(button.text())
        near = near.parentWidget()
    return ""


def shortcut_lines(window: QWidget) -> list[ShortcutLine]:
    """Every keyboard shortcut of `window`: its actions with a shortcut (menus first, in menu
    order), then the shortcuts that work in one part of the window."""
    lines: list[ShortcutLine] = []
    seen: set[tuple[str, str]] = set()
    for action in window.findChildren(QAction):
        keys = _keys(action.shortcuts())
        if keys and action.text():
            line = ShortcutLine(keys, _plain(action.text()), _menu_of(action))
            if (line.keys, line.what) not in seen:
                seen.add((line.keys, line.what))
                lines.append(line)
    for shortcut in window.findChildren(QShortcut):
        keys = _keys(shortcut.keys())
        if not keys or not shortcut.isEnabled():
            continue
        parent = shortcut.parent()
        where = _part_of_window(parent if isinstance(parent, QWidget) else None)
        what = shortcut.whatsThis() or _described_by_button(shortcut) or _standard_meaning(shortcut.key())
        line = ShortcutLine(keys, what, where)
        if (line.keys, line.what + line.where) not in seen:
            seen.add((line.keys, line.what + line.where))
            lines.append(line)
    return lines


def guide_text() -> str:
    return resource(*GUIDE).read_text(encoding="utf-8")


class HelpDialog(QDialog):
    """The guide and the shortcuts, each on its own tab; Esc or Luk closes it."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setWindowTitle("Hjælp til jobraad")
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.guide = QTextBrowser()
        self.guide.setMarkdown(guide_text())
        self.guide.setOpenExternalLinks(False)
        self.tabs.addTab(self.guide, "&Vejledning")

        self.lines = shortcut_lines(window)
        self.table = QTableWidget(len(self.lines), 3)
        self.table.setHorizontalHeaderLabels(["Genvej", "Handling", "Hvor"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table
        for row, line in enumerate(self.lines):
            for col, text in enumerate((line.keys, line.what, line.where)):
                self.table.setItem(row, col, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.tabs.addTab(self.table, "&Tastaturgenveje")
        layout.addWidget(self.tabs)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Luk")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 560)


def add_help_action(window: QWidget, menu: QMenu) -> QAction:
    """Put "Hjælp og tastaturgenveje" (F1) first in `menu` (the window's Hjælp menu)."""
    action = QAction("&Hjælp og tastaturgenveje", window)
    action.setShortcut(QKeySequence("F1"))
    action.triggered.connect(lambda: show_help(window))
    if menu.actions():
        first = menu.actions()[0]
        menu.insertAction(first, action)
        menu.insertSeparator(first)
    else:
        menu.addAction(action)
    return action


def show_help(window: QWidget) -> HelpDialog:
    """Open the help beside the window (not modal: the user can try a key while reading)."""
    existing = window.findChild(HelpDialog)
    if existing is not None:
        existing.raise_()
        existing.activateWindow()
        return existing
    dialog = HelpDialog(window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
