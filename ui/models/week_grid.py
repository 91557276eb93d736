"""The editable grid of weeks for one placement: type hours, tab from cell to cell.

Edits stay in the model (marked as changed) until `changed_rows()` are saved
through `jobraad.placements.save_weeks`; nothing is written cell by cell."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QFont

from db.enums import AbsenceReason
from jobraad import formatting as fmt
from jobraad.placements import HoursInput, WeekRow
from jobraad.vocab import ABSENCE_LABELS
from ui import palette

Index = QModelIndex | QPersistentModelIndex

REASON_CHOICES: list[tuple[str, AbsenceReason | None]] = [
    ("—", None),
    *((label, reason) for reason, label in ABSENCE_LABELS.items()),
]


def _hours(value: float | None) -> str:
    return "" if value is None else fmt.hours(value)


class WeekGridModel(QAbstractTableModel):
    """Signals: dirty_changed(bool), input_refused(str) when a typed value is not a number."""

    WEEK, PLANNED, ATTENDED, ABSENCE, REASON, OBSERVATION, FOLLOW_UP = range(7)
    # "Observation", not "Arbejdsgivers observation": on a 1366x768 screen the column is too
    # narrow for the whole heading, which its tooltip gives.
    HEADERS = ("Uge", "Planlagt", "Fremmøde", "Fravær", "Årsag", "Observation", "Opfølgning")
    HEADER_TIPS: ClassVar[dict[int, str]] = {OBSERVATION: "Arbejdsgivers observation"}

    dirty_changed = Signal(bool)
    input_refused = Signal(str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[WeekRow] = []
        self._changed: set[int] = set()

    def set_rows(self, rows: list[WeekRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._changed = set()
        self.endResetModel()
        self.dirty_changed.emit(False)

    @property
    def dirty(self) -> bool:
        return bool(self._changed)

    def row_at(self, row: int) -> WeekRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.HEADER_TIPS.get(section)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.WEEK:
            return base
        if index.column() == self.FOLLOW_UP:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base | Qt.ItemFlag.ItemIsEditable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == self.WEEK:
                return f"uge {r.iso_week}, {r.iso_year}  ({r.monday:%d-%m})"
            if col == self.PLANNED:
                return _hours(r.planned)
            if col == self.ATTENDED:
                return _hours(r.attended)
            if col == self.ABSENCE:
                return _hours(r.absence) if r.absence else ""
            if col == self.REASON:
                return (
                    ABSENCE_LABELS[r.absence_reason]
                    if r.absence_reason
                    else ("" if role == Qt.ItemDataRole.EditRole else "—")
                )
            if col == self.OBSERVATION:
                return r.observation
            return None
        if role == Qt.ItemDataRole.CheckStateRole and col == self.FOLLOW_UP:
            return Qt.CheckState.Checked if r.follow_up else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.FontRole and index.row() in self._changed:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and not r.stored and index.row() not in self._changed:
            return QBrush(palette.muted_text())
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.PLANNED, self.ATTENDED, self.ABSENCE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and col == self.ATTENDED and r.attended is None:
            return "Ikke registreret endnu. Skriv timerne, og tryk Tab."
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        row = index.row()
        r = self._rows[row]
        col = index.column()
        try:
            if col == self.FOLLOW_UP and role == Qt.ItemDataRole.CheckStateRole:
                new = replace(r, follow_up=Qt.CheckState(value) == Qt.CheckState.Checked)
            elif role != Qt.ItemDataRole.EditRole:
                return False
            elif col == self.PLANNED:
                new = replace(r, planned=fmt.parse_number(value) or 0.0)
            elif col == self.ATTENDED:
                new = replace(r, attended=fmt.parse_number(value))
            elif col == self.ABSENCE:
                new = replace(r, absence=fmt.parse_number(value) or 0.0)
            elif col == self.REASON:
                new = replace(r, absence_reason=self._reason(value))
            elif col == self.OBSERVATION:
                new = replace(r, observation=str(value))
            else:
                return False
        except ValueError:
            self.input_refused.emit(f"«{value}» er ikke et tal. Skriv timer som fx 7,5.")
            return False
        if new == r:
            return True
        self._rows[row] = new
        was_dirty = self.dirty
        self._changed.add(row)
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))
        if not was_dirty:
            self.dirty_changed.emit(True)
        return True

    @staticmethod
    def _reason(value: Any) -> AbsenceReason | None:
        if isinstance(value, AbsenceReason) or value is None:
            return value
        text = str(value).strip().casefold()
        if text in ("", "—", "-"):
            return None
        for reason, label in ABSENCE_LABELS.items():
            if text in (reason.value, label.casefold(), label.casefold()[:1]):
                return reason
        raise ValueError(text)

    def changed_rows(self) -> list[HoursInput]:
        """The edited weeks as input for `save_weeks`; a week with no attended hours counts as 0."""
        out = []
        for i in sorted(self._changed):
            r = self._rows[i]
            out.append(
                HoursInput(
                    iso_year=r.iso_year,
                    iso_week=r.iso_week,
                    planned=r.planned,
                    attended=r.attended if r.attended is not None else 0.0,
                    absence=r.absence,
                    absence_reason=r.absence_reason,
                    observation=r.observation,
                    follow_up=r.follow_up,
                )
            )
        return out
