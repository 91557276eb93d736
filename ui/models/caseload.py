"""The caseload table: a Qt model over `jobraad.caseload.CaseloadRow`, and the
proxy that does search-as-you-type and the filters."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from db.enums import Aim, VisitationGroup
from jobraad import cpr
from jobraad.caseload import CaseloadRow
from jobraad.dates import format_date
from jobraad.text import fold_for_search
from jobraad.visitation import Urgency
from jobraad.vocab import AIM_LABELS, GROUP_DESCRIPTIONS, GROUP_LABELS, GROUP_SHORT_LABELS, OUTCOME_LABELS

Index = QModelIndex | QPersistentModelIndex

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

URGENCY_COLOURS = {
    Urgency.OVERDUE: QColor("#f4c7c3"),
    Urgency.THIS_WEEK: QColor("#fce8b2"),
    Urgency.NEXT_WEEK: QColor("#e6f0fa"),
}
URGENCY_TEXT = {
    Urgency.OVERDUE: "Overskredet",
    Urgency.THIS_WEEK: "Denne uge",
    Urgency.NEXT_WEEK: "Næste uge",
    Urgency.LATER: "Senere",
}


class CaseloadTableModel(QAbstractTableModel):
    """One row per citizen. Columns are the class constants below."""

    NAME, CPR, AGE, GROUP, AIM, WEEKS, READINESS, NEXT_DEADLINE = range(8)
    HEADERS = ("Navn", "CPR-nr.", "Alder", "Gruppe", "Sigte", "Uger", "Dokumentation", "Næste frist")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[CaseloadRow] = []
        self._today = dt.date.today()
        self.reveal_cpr = False  # DDMMYY-xxxx until the user reveals them

    def set_rows(self, rows: list[CaseloadRow], today: dt.date | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._today = today or dt.date.today()
        self.endResetModel()

    def row_at(self, row: int) -> CaseloadRow:
        return self._rows[row]

    def rows(self) -> list[CaseloadRow]:
        return list(self._rows)

    def row_of(self, citizen_id: int) -> int | None:
        for i, r in enumerate(self._rows):
            if r.citizen_id == citizen_id:
                return i
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == SORT_ROLE:
            return self._sort_key(row, col)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.BackgroundRole and col == self.NEXT_DEADLINE:
            u = row.next_urgency(self._today)
            return QBrush(URGENCY_COLOURS[u]) if u in URGENCY_COLOURS else None
        if role == Qt.ItemDataRole.ToolTipRole and col == self.NEXT_DEADLINE and row.next_due:
            u = row.next_urgency(self._today)
            extra = len(row.due) - 1
            more = f"\n+ {extra} andre frister" if extra > 0 else ""
            return f"{URGENCY_TEXT[u] if u else ''}: {row.next_due.title}{more}"
        if role == Qt.ItemDataRole.ToolTipRole and col == self.READINESS and row.readiness and row.readiness.missing:
            return "Mangler:\n" + "\n".join(f"• {m}" for m in row.readiness.missing)
        if role == Qt.ItemDataRole.BackgroundRole and col == self.READINESS and row.readiness:
            if row.readiness.ready:
                return QBrush(QColor("#d4edda"))
            if row.readiness.overdue:
                return QBrush(URGENCY_COLOURS[Urgency.OVERDUE])
        if role == Qt.ItemDataRole.ToolTipRole and col == self.GROUP and row.group and row.active:
            return f"{GROUP_LABELS[row.group]}: {GROUP_DESCRIPTIONS[row.group]}"
        if role == Qt.ItemDataRole.ForegroundRole and not row.active:
            return QBrush(QColor("#777777"))
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.AGE, self.WEEKS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, row: CaseloadRow, col: int) -> str:
        if col == self.NAME:
            return row.name
        if col == self.CPR:
            return cpr.format_cpr(row.cpr) if self.reveal_cpr else cpr.masked(row.cpr)
        if col == self.AGE:
            return str(row.age)
        if col == self.GROUP:
            if not row.active:
                return f"Lukket: {OUTCOME_LABELS[row.outcome]}" if row.outcome else "Lukket"
            return GROUP_SHORT_LABELS[row.group] if row.group else ""
        if col == self.AIM:
            return AIM_LABELS[row.aim]
        if col == self.WEEKS:
            return "" if row.weeks_in_forloeb is None else str(row.weeks_in_forloeb)
        if col == self.READINESS:
            return row.readiness.label if row.readiness else ""
        if col == self.NEXT_DEADLINE:
            if row.next_due is None:
                return ""
            overdue = row.overdue_count(self._today)
            suffix = f"  (+{overdue - 1} overskredne)" if overdue > 1 else ""
            return f"{format_date(row.next_due.due_on)}  {row.next_due.title}{suffix}"
        return ""

    def _sort_key(self, row: CaseloadRow, col: int) -> Any:
        if col == self.NAME:
            return row.sort_name
        if col == self.CPR:
            return row.cpr
        if col == self.AGE:
            return row.age
        if col == self.GROUP:
            order = list(VisitationGroup)
            return order.index(row.group) if row.group else len(order)
        if col == self.AIM:
            return AIM_LABELS[row.aim]
        if col == self.WEEKS:
            return -1 if row.weeks_in_forloeb is None else row.weeks_in_forloeb
        if col == self.READINESS:
            r = row.readiness
            if r is None or r.required == 0:
                return 9.0  # nothing required: last
            return r.done / r.required  # least ready first
        if col == self.NEXT_DEADLINE:
            return row.next_due.due_on.toordinal() if row.next_due else 10**7
        return None


class CaseloadFilterProxy(QSortFilterProxyModel):
    """Search on name, CPR, phone and notes (every word must match), plus filters."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._words: list[str] = []
        self.group: VisitationGroup | None = None
        self.aim: Aim | None = None
        self.status: str = "active"  # "active", "closed", "all"
        self.overdue_only = False
        self.target_group_only = False
        self.today = dt.date.today()
        self._accepted: list[bool] = []
        self._decided_for: list[CaseloadRow] | None = None
        self._model: CaseloadTableModel | None = None

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self._words = fold_for_search(text).split()
        self._decide()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_filters(self, **changes: Any) -> None:
        self.beginFilterChange()
        for key, value in changes.items():
            if not hasattr(self, key):
                raise AttributeError(key)
            setattr(self, key, value)
        self._decide()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def setSourceModel(self, model: Any) -> None:
        self._model = model if isinstance(model, CaseloadTableModel) else None
        super().setSourceModel(model)

    def _decide(self) -> None:
        """Decide every row in one Python pass; Qt then only looks the answers up (fast
        enough for 10,000 citizens per keystroke)."""
        rows = self._model._rows if self._model is not None else []
        self._decided_for = rows
        self._accepted = [self._accepts(row) for row in rows]

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if self._model is not None and self._decided_for is not self._model._rows:
            self._decide()  # the rows were replaced (set_rows) since the last decision
        accepted = self._accepted
        return accepted[source_row] if source_row < len(accepted) else False

    def _accepts(self, row: CaseloadRow) -> bool:
        if self.status == "active" and not row.active:
            return False
        if self.status == "closed" and row.active:
            return False
        if self.group is not None and row.group != self.group:
            return False
        if self.aim is not None and row.aim != self.aim:
            return False
        if self.overdue_only and row.overdue_count(self.today) == 0:
            return False
        if self.target_group_only and not row.in_target_group:
            return False
        text = row.search_text
        return all(word in text for word in self._words)
