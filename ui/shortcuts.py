"""Keyboard shortcuts that belong to one part of the window, and what saving, locking
and leaving need first: the value still in an open cell editor, put into its model."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemDelegate, QAbstractItemView, QMessageBox, QWidget


def local_shortcut(
    key: QKeySequence | QKeySequence.StandardKey | str, parent: QWidget, slot: Callable[[], object]
) -> QShortcut:
    """A shortcut active only while focus is inside `parent`, so tabs can share Ctrl+S."""
    shortcut = QShortcut(QKeySequence(key), parent)
    shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    shortcut.activated.connect(slot)
    return shortcut


def commit_typed_input(root: QWidget, *, close_refused: bool = False) -> bool:
    """Put what is typed in any open cell editor in `root` (a view, or a widget holding
    views) into its model, as Enter does, and close the editor: the model then holds it
    as an unsaved change. Qt does this by itself only when the editor loses focus, so a
    shortcut (Ctrl+S, Ctrl+Q, Ctrl+L) or a switch that moves no focus would miss it.

    A value the model refuses (a model says so with an `input_refused` signal, and shows
    why) leaves its editor open with the text, to be corrected, and the result is False;
    unless `close_refused` (the cell is being left: a lock, another tab) or the editor is
    out of sight, when it is closed as Qt closes it on focus-out."""
    views = root.findChildren(QAbstractItemView)
    if isinstance(root, QAbstractItemView):
        views.insert(0, root)
    accepted = True
    for view in views:
        if view.state() != QAbstractItemView.State.EditingState:
            continue
        editor = view.indexWidget(view.currentIndex())
        if editor is not None and not _commit(view, editor, close_refused or not editor.isVisible()):
            accepted = False
    return accepted


def _commit(view: QAbstractItemView, editor: QWidget, close_refused: bool) -> bool:
    refused: list[str] = []

    def note(message: str) -> None:
        refused.append(message)

    signal = getattr(view.model(), "input_refused", None)
    if signal is not None:
        signal.connect(note)
    try:
        view.commitData(editor)
    finally:
        if signal is not None:
            signal.disconnect(note)
    if refused and not close_refused:
        editor.setFocus()
        return False
    view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
    return not refused


class UnsavedWork(Protocol):
    """A part of the window that can hold typed input not yet saved."""

    def unsaved_description(self) -> str | None:
        """What is unsaved, in Danish, to complete "Der er … som ikke er gemt" (None: nothing)."""
        ...

    def save_unsaved(self) -> bool:
        """Save it (False: refused, and the part says why)."""
        ...

    def discard_unsaved(self) -> None: ...


def ask_about_unsaved(parent: QWidget, parts: Sequence[UnsavedWork]) -> bool:
    """Before leaving `parts` (another citizen, another placement, quitting): one question,
    Gem / Forkast / Annuller, about all that is unsaved in them. True: go on (saved or
    dropped, or nothing to ask); False: stay, with everything as it was."""
    unsaved = [(part, text) for part in parts if (text := part.unsaved_description())]
    if not unsaved:
        return True
    what = " og ".join(text for _part, text in unsaved)
    answer = QMessageBox.question(
        parent,
        "Ikke gemt",
        f"Der er {what}, som ikke er gemt. Vil du gemme?",
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
    )
    if answer == QMessageBox.StandardButton.Save:
        return all(part.save_unsaved() for part, _text in unsaved)
    if answer == QMessageBox.StandardButton.Discard:
        for part, _text in unsaved:
            part.discard_unsaved()
        return True
    return False


# Keys that are not menu actions (the help's list of shortcuts is built from the window's
# actions; these are the rest, in Danish, for the same list).
KEYS_WITHOUT_ACTIONS: tuple[tuple[str, str], ...] = (
    ("Skriv et navn eller CPR-nr.", "I Overblikket eller listen: søger i sagsstammen"),
    ("Enter i søgefeltet", "Åbner den valgte borger, eller den eneste der passer"),
    ("↓ i søgefeltet", "Går ned i listen"),
    ("Tab / Shift+Tab", "Videre til næste eller forrige felt, også fra en tabel"),
    ("Ctrl+Tab / Ctrl+Shift+Tab", "Skifter mellem Overblik og Sagsstamme; i en sag mellem sagens afsnit"),
)


def undo_action(parent: QWidget, slot: Callable[[], object], what: str) -> QAction:
    """ "Fortryd" (Ctrl+Z) for the last change saved in `parent` (a tab), active while focus is
    inside it. A cell or field being typed in keeps Ctrl+Z for its own text."""
    action = QAction("Fortryd", parent)
    action.setObjectName("undoAction")
    action.setShortcut(QKeySequence.StandardKey.Undo)
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"Fortryd den sidste ændring i {what} ({keys})")
    action.setWhatsThis(f"Fortryder den sidste gemte ændring i {what}; databasen er derefter som før ændringen.")
    action.triggered.connect(slot)
    parent.addAction(action)
    return action
