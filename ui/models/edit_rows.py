"""An editable table of rows the caseworker types, kept as typed until saved: the
forsørgelseshistorik and the CV (`ui.file_tabs.history`).

A cell holds what was typed (text) or, in a choice column, the chosen value; parsing and
checking happen when the whole list is saved, so nothing typed is lost on a refusal. Rows a
save refused are marked with the reason, until they are edited or the list is read again."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from ui import palette

Index = QModelIndex | QPersistentModelIndex

# A refused row: the danger tone as background (its text kept readable); its reason is in the tooltip.
PROBLEM_TONE = palette.Tone.DANGER


@dataclass(frozen=True)
class EditColumn:
    """A column: its header; for a choice column the (label, value) pairs; what an empty
    text cell shows (greyed, e.g. "nu"); the hint in an open editor (e.g. "dd-mm-åååå")."""

    header: str
    choices: Sequence[tuple[str, Any]] = ()
    empty_text: str = ""
    placeholder: str = ""

    @property
    def is_choice(self) -> bool:
        return bool(self.choices)

    def label_of(self, value: Any) -> str:
        return next((label for label, v in self.choices if v == value), "")


class EditRowsModel(QAbstractTableModel):
    """Rows of cells as typed. Signals: dirty_changed(bool) when the rows start or stop
    differing from those last set with `set_rows`."""

    dirty_changed = Signal(bool)

    def __init__(self, columns: Sequence[EditColumn], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[list[Any]] = []
        self._stored: list[list[Any]] = []
        self._problems: dict[int, str] = {}
        self._dirty = False

    # --- the rows -------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        """Show `rows` as stored (not dirty), with no marks."""
        self.beginResetModel()
        self._rows = [list(r) for r in rows]
        self._stored = [list(r) for r in rows]
        self._problems = {}
        self.endResetModel()
        self._update_dirty()

    def rows(self) -> list[list[Any]]:
        return [list(r) for r in self._rows]

    @property
    def dirty(self) -> bool:
        return self._dirty

    def add_row(self, row: Sequence[Any]) -> int:
        at = len(self._rows)
        self.beginInsertRows(QModelIndex(), at, at)
        self._rows.append(list(row))
        self.endInsertRows()
        self._update_dirty()
        return at

    def remove_row(self, row: int) -> None:
        if not 0 <= row < len(self._rows):
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        # The marks name rows by their number, which has changed: they no longer fit.
        self._problems = {}
        self.endRemoveRows()
        self._emit_all_changed()
        self._update_dirty()

    def mark_problems(self, problems: dict[int, str]) -> None:
        """Mark refused rows (row index -> why); an empty dict clears the marks."""
        self._problems = {r: text for r, text in problems.items() if 0 <= r < len(self._rows)}
        self._emit_all_changed()

    def problem_rows(self) -> list[int]:
        return sorted(self._problems)

    def _emit_all_changed(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.columns) - 1))
        if self._rows:
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(self._rows) - 1)

    def _update_dirty(self) -> None:
        dirty = self._rows != self._stored
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)

    # --- Qt's model interface -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].header if 0 <= section < len(self.columns) else None
        # Numbered as the messages of a refused save name them ("periode 2", "linje 2").
        return str(section + 1) if 0 <= section < len(self._rows) else None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        column = self.columns[index.column()]
        value = self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role == Qt.ItemDataRole.DisplayRole:
            if column.is_choice:
                return column.label_of(value)
            return value or column.empty_text
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.row() in self._problems:
                return self._problems[index.row()]
            return column.label_of(value) if column.is_choice else (value or None)
        if role == Qt.ItemDataRole.BackgroundRole and index.row() in self._problems:
            return QBrush(palette.background(PROBLEM_TONE))
        if role == Qt.ItemDataRole.ForegroundRole:
            if index.row() in self._problems:
                return QBrush(palette.text_on(palette.background(PROBLEM_TONE)))
            if not column.is_choice and not value and column.empty_text:
                return QApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not 0 <= index.row() < len(self._rows):
            return False
        column = self.columns[index.column()]
        if not column.is_choice:
            value = "" if value is None else str(value)
        if self._rows[index.row()][index.column()] == value:
            return True
        self._rows[index.row()][index.column()] = value
        if self._problems.pop(index.row(), None) is not None:
            self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(self.columns) - 1))
        else:
            self.dataChanged.emit(index, index)
        self._update_dirty()
        return True


class EditRowsDelegate(QStyledItemDelegate):
    """Editors for an `EditRowsModel`: a combo box in a choice column (chosen, not typed),
    else a line with the column's hint."""

    def __init__(self, columns: Sequence[EditColumn], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        column = self.columns[index.column()]
        if column.is_choice:
            combo = QComboBox(parent)
            for label, _value in column.choices:
                combo.addItem(label)
            return combo
        line = QLineEdit(parent)
        line.setPlaceholderText(column.placeholder)
        return line

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            # By position: a value kept as item data may come back from Qt as another type.
            values = [v for _label, v in self.columns[index.column()].choices]
            editor.setCurrentIndex(values.index(value) if value in values else 0)
        elif isinstance(editor, QLineEdit):
            editor.setText("" if value is None else str(value))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        if isinstance(editor, QComboBox):
            choices = self.columns[index.column()].choices
            if 0 <= editor.currentIndex() < len(choices):
                model.setData(index, choices[editor.currentIndex()][1], Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)
