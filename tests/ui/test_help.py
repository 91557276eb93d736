"""Hjælp: F1 opens a Danish guide and the list of keyboard shortcuts, read from the window's
own actions and shortcuts, so the list shows the keys that really work."""

from __future__ import annotations

from collections.abc import Iterator
from unittest.mock import patch

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from db.session import Database
from ui.help import HelpDialog, ShortcutLine, guide_text
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot: QtBot, database: Database) -> Iterator[MainWindow]:
    w = MainWindow(database)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    with patch.object(QMessageBox, "question", return_value=QMessageBox.StandardButton.Discard):
        w.close()


def _open_help_with_f1(qtbot: QtBot, window: MainWindow) -> HelpDialog:
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.findChild(HelpDialog) is not None and window.findChild(HelpDialog).isVisible())
    dialog = window.findChild(HelpDialog)
    assert dialog is not None
    return dialog


def _table(dialog: HelpDialog) -> list[tuple[str, str, str]]:
    table = dialog.table
    return [tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())]  # type: ignore[misc]


def test_f1_opens_the_guide_in_danish(qtbot: QtBot, window: MainWindow) -> None:
    dialog = _open_help_with_f1(qtbot, window)
    assert dialog.windowTitle() == "Hjælp til jobraad"
    shown = dialog.guide.toPlainText()
    assert "Kom godt i gang med jobraad" in shown
    assert "rehabiliteringsteamet" in shown
    assert "#" not in shown  # the Markdown is shown as text with headings, not as source
    # Esc closes it, and F1 again opens one help, not a second.
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.findChild(HelpDialog) is None or not window.findChild(HelpDialog).isVisible())


def test_the_help_menu_has_the_help_with_f1(window: MainWindow) -> None:
    menus = {m.title(): m for m in window.menuBar().findChildren(type(window.menuBar().addMenu("x")))}
    texts = [(a.text(), a.shortcut().toString()) for a in menus["&Hjælp"].actions() if not a.isSeparator()]
    assert texts[0] == ("&Hjælp og tastaturgenveje", "F1")
    assert ("&Om jobraad", "") in texts


def test_the_shortcut_list_names_the_real_keys(qtbot: QtBot, window: MainWindow) -> None:
    rows = _table(_open_help_with_f1(qtbot, window))
    native = QKeySequence.SequenceFormat.NativeText
    assert (QKeySequence("Ctrl+D").toString(native), "Dossier til rehabiliteringsteamet", "Borger") in rows
    assert (QKeySequence("Ctrl+L").toString(native), "Lås nu", "Filer") in rows
    assert (QKeySequence("F1").toString(native), "Hjælp og tastaturgenveje", "Hjælp") in rows


def test_every_action_with_a_shortcut_is_listed(qtbot: QtBot, window: MainWindow) -> None:
    dialog = _open_help_with_f1(qtbot, window)
    listed = {(keys, what) for keys, what, _where in _table(dialog)}
    native = QKeySequence.SequenceFormat.NativeText
    actions = [a for a in window.findChildren(QAction) if not a.shortcut().isEmpty()]
    assert len(actions) >= 20  # the menus' shortcuts are all there, not a few
    for action in actions:
        what = action.text().replace("&", "").removesuffix("…")
        assert (action.shortcut().toString(native), what) in listed, f"{action.text()} is not in the help"
    # Shortcuts that work in one part of the window are listed by their keys too.
    listed_keys = {keys for keys, _what in listed}
    for shortcut in window.findChildren(QShortcut):
        if shortcut.isEnabled() and not shortcut.key().isEmpty():
            assert shortcut.key().toString(native) in listed_keys
    # …each with what it does: a QShortcut says it by its whatsThis() or by a button beside it
    # that names the key in its tooltip ("Markér som anmodet (Ctrl+Shift+A)").
    unnamed = [keys for keys, what in listed if not what]
    assert not unnamed, f"shortcuts without a description in the help (set whatsThis): {unnamed}"
    assert (QKeySequence("Ctrl+Shift+A").toString(native), "Markér som anmodet") in listed


def test_a_new_shortcut_shows_up_without_touching_the_help(qtbot: QtBot, window: MainWindow) -> None:
    """The list is read from the window each time: it cannot drift from the real keys."""
    action = QAction("&Ny frist…", window)
    action.setShortcut(QKeySequence("Ctrl+Shift+F"))
    window.menuBar().actions()[0].menu().addAction(action)
    shortcut = QShortcut(QKeySequence("Ctrl+Shift+U"), window.file)
    shortcut.setWhatsThis("Udskriv ugesedlen")
    dialog = HelpDialog(window)
    qtbot.addWidget(dialog)
    keys = QKeySequence("Ctrl+Shift+F").toString(QKeySequence.SequenceFormat.NativeText)
    assert ShortcutLine(keys, "Ny frist", "Filer") in dialog.lines
    assert any(line.what == "Udskriv ugesedlen" for line in dialog.lines)


def test_the_guide_is_danish_and_names_only_real_shortcuts(qtbot: QtBot, window: MainWindow) -> None:
    """Every "Ctrl+…" the guide tells the user about is a shortcut the window has."""
    import re

    guide = guide_text()
    assert "Tastaturgenveje" in guide
    dialog = HelpDialog(window)
    qtbot.addWidget(dialog)
    known = {line.keys for line in dialog.lines} | {"Ctrl+Tab", "Ctrl+Shift+Tab"}
    for named in set(re.findall(r"\b(?:Ctrl\+)(?:Shift\+)?[A-Z0-9]\b", guide)):
        assert QKeySequence(named).toString(QKeySequence.SequenceFormat.NativeText) in known, named
    assert QApplication.instance() is not None
