"""The one list widget for records in the citizen's file: a table with Ny / Redigér /
Slet buttons (and any other action on the selected record). Every tab with such a list
uses it, so the lists look and behave alike."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.models.records import Column, RecordTableModel


def record_table(model: RecordTableModel[Any]) -> QTableView:
    """A read-only table of whole rows, one selected at a time."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.setTabKeyNavigation(False)  # Tab leaves the table (no keyboard trap); arrows move in it
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return view


@dataclass(frozen=True)
class RowAction:
    """A button that acts on the selected record."""

    key: str
    text: str
    run: Callable[[Any], None]
    tooltip: str = ""


class RecordList(QWidget):
    """A titled table of records. Buttons, keyed in `buttons`: "new" (`on_add`), "edit"
    (`on_edit`, also a double click on a row), the `extra` actions by their keys, and
    "delete" (`on_delete`); an action given as None has no button. Buttons that act on a
    record are enabled only while one is selected.

    Signals: selection_changed() when the user (or the program) selects another record."""

    selection_changed = Signal()

    def __init__(
        self,
        title: str,
        columns: Sequence[Column],
        *,
        on_add: Callable[[], None] | None,
        on_edit: Callable[[Any], None] | None,
        on_delete: Callable[[Any], None] | None,
        extra: Sequence[RowAction] = (),
        add_text: str = "Ny…",
        edit_text: str = "Redigér…",
        delete_text: str = "Slet",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        self.title = QLabel(f"<b>{escape(title)}</b>")
        head.addWidget(self.title)
        head.addStretch(1)
        self.model: RecordTableModel[Any] = RecordTableModel(columns, self)
        self.view = record_table(self.model)
        self.buttons: dict[str, QPushButton] = {}
        if on_add is not None:
            add = self._button(head, "new", add_text)
            add.clicked.connect(lambda _=False: on_add())
        self._row_actions = [
            *([RowAction("edit", edit_text, on_edit)] if on_edit is not None else []),
            *extra,
            *([RowAction("delete", delete_text, on_delete)] if on_delete is not None else []),
        ]
        for action in self._row_actions:
            button = self._button(head, action.key, action.text, action.tooltip)
            button.clicked.connect(lambda _=False, run=action.run: self.run_on_selected(run))
        if on_edit is not None:
            self.view.doubleClicked.connect(lambda _index: self.run_on_selected(on_edit))
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.model.modelReset.connect(self._update_buttons)  # a reset clears the selection silently
        layout.addLayout(head)
        layout.addWidget(self.view)
        self._update_buttons()

    def _button(self, row: QHBoxLayout, key: str, text: str, tooltip: str = "") -> QPushButton:
        button = QPushButton(text)
        if tooltip:
            button.setToolTip(tooltip)
        self.buttons[key] = button
        row.addWidget(button)
        return button

    def set_title(self, title: str) -> None:
        self.title.setText(f"<b>{escape(title)}</b>")

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.model.set_rows(rows)

    def selected(self) -> Any | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_where(self, matches: Callable[[Any], bool]) -> bool:
        """Select the first record that `matches`, scrolled into view and with focus on the
        table (an Overblik line opening it); False if there is none."""
        row = next((i for i in range(self.model.rowCount()) if matches(self.model.row_at(i))), None)
        if row is None:
            return False
        self.view.selectRow(row)
        self.view.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def run_on_selected(self, run: Callable[[Any], None]) -> None:
        """`run` the selected record; nothing when none is selected."""
        record = self.selected()
        if record is not None:
            run(record)

    def _selection_changed(self) -> None:
        self._update_buttons()
        self.selection_changed.emit()

    def _update_buttons(self) -> None:
        chosen = self.selected() is not None
        for action in self._row_actions:
            self.buttons[action.key].setEnabled(chosen)
