"""The one list widget for records in the citizen's file: a table with Ny / Redigér /
Slet buttons (and any other action on the selected record). Every tab with such a list
uses it, so the lists look and behave alike."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ui.models.records import Column, RecordTableModel


class WrapDelegate(QStyledItemDelegate):
    """Rows of a tree as tall as their text wrapped in its column's width (QTreeView's own
    word wrap keeps one line a row): a long name is read whole, not cut."""

    def __init__(self, view: QTreeView) -> None:
        super().__init__(view)
        self.view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not text:
            return size
        width = self.view.header().sectionSize(index.column()) - 8
        if index.column() == 0:
            depth, parent = 0, index.parent()
            while parent.isValid():
                depth, parent = depth + 1, parent.parent()
            width -= self.view.indentation() * (depth + int(self.view.rootIsDecorated()))
        metrics = option.fontMetrics
        wrapped = metrics.boundingRect(QRect(0, 0, max(width, 20), 10_000), Qt.TextFlag.TextWordWrap, str(text))
        return QSize(size.width(), max(size.height(), wrapped.height() + 4))


class ColumnFit(QObject):
    """Column priorities for a table or tree on a narrow screen: every column gets the width
    its contents want while they fit; when they do not, the `give_way` columns ((column,
    narrowest width), in that order) are narrowed, and elided (whole in their tooltip) or
    wrapped where the view wraps words, so the other columns stay in view whole. Room to
    spare goes to the last `give_way` column. Done again when the view is resized or its
    rows change."""

    def __init__(self, view: QTableView | QTreeView, give_way: Sequence[tuple[int, int]]) -> None:
        super().__init__(view)
        self.view = view
        self.give_way = list(give_way)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.viewport().installEventFilter(self)
        model = view.model()
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.dataChanged):
            signal.connect(self.fit)
        self.fit()

    def header(self) -> QHeaderView:
        view = self.view
        return view.horizontalHeader() if isinstance(view, QTableView) else view.header()

    def wanted(self) -> list[int]:
        header = self.header()
        return [max(self.view.sizeHintForColumn(c), header.sectionSizeHint(c)) + 4 for c in range(header.count())]

    def fit(self) -> None:
        if not shiboken6.isValid(self.view):  # a signal or resize while the view is being destroyed
            return
        header = self.header()
        widths = self.wanted()
        room = self.view.viewport().width()
        over = sum(widths) - room
        for column, floor in self.give_way:
            if over <= 0:
                break
            cut = min(over, max(0, widths[column] - floor))
            widths[column] -= cut
            over -= cut
        if over < 0 and self.give_way:
            widths[self.give_way[-1][0]] -= over  # the room to spare
        if widths == [header.sectionSize(c) for c in range(header.count())]:
            return
        for column, width in enumerate(widths):
            header.resizeSection(column, width)
        if isinstance(self.view, QTreeView) and self.view.wordWrap():
            self.view.doItemsLayout()  # rows as tall as their wrapped text in the new widths

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False


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
