"""The caseload table: a Qt model over `jobraad.caseload.CaseloadRow`, and the
proxy that does search-as-you-type and the filters."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, QPointF, Qt
from PySide6.QtGui import QBrush, QGuiApplication, QIcon, QPainter, QPixmap, QPolygonF

from db.enums import Aim, VisitationGroup
from jobraad import formatting as fmt
from jobraad.caseload import CaseloadRow
from jobraad.seed_rules import target_group_2024
from jobraad.text import fold_for_search
from jobraad.visitation import Urgency
from jobraad.vocab import AIM_LABELS, GROUP_DESCRIPTIONS, GROUP_LABELS, GROUP_SHORT_LABELS, OUTCOME_LABELS
from ui import palette

Index = QModelIndex | QPersistentModelIndex

SORT_ROLE = Qt.ItemDataRole.UserRole + 1

# The deadlines' colours (`ui.palette.deadline_background`): overdue, this week, next week.
COLOURED_URGENCIES = (Urgency.OVERDUE, Urgency.THIS_WEEK, Urgency.NEXT_WEEK)
URGENCY_TEXT = {
    Urgency.OVERDUE: "Overskredet",
    Urgency.THIS_WEEK: "Denne uge",
    Urgency.NEXT_WEEK: "Næste uge",
    Urgency.LATER: "Senere",
}
#: The Dokumentation column of rows shown before their readiness is read (the first rows at start).
READINESS_PENDING = "…"
READINESS_PENDING_TIP = "Dokumentationen læses …"


_ANSWERED_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.DecorationRole,
        SORT_ROLE,
    }
)

#: The tooltip of the 2024 target group's mark beside a name (and of the filter that shows only them).
TARGET_GROUP_TIP = "Målgruppen 2024"


def target_group_icon() -> QIcon:
    """The mark of the 2024 target group beside a citizen's name: a small diamond in the
    palette's info colour (drawn, so it follows a dark palette)."""
    if not isinstance(QCoreApplication.instance(), QGuiApplication):
        return QIcon()  # no pixmaps without a GUI application (a model checked on its own)
    colour = palette.text(palette.Tone.INFO)
    key = colour.rgba()
    icon = _ICONS.get(key)
    if icon is None:
        size = 12
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        half = size / 2
        painter.drawPolygon(
            QPolygonF([QPointF(half, 1), QPointF(size - 1, half), QPointF(half, size - 1), QPointF(1, half)])
        )
        painter.end()
        icon = _ICONS[key] = QIcon(pixmap)
    return icon


_ICONS: dict[int, QIcon] = {}


def target_group_tip(row: CaseloadRow) -> str:
    """Why the row is marked: "Målgruppen 2024 (55–64 år, …): 58 år, 9 af de seneste 10 år (…)"."""
    support = f", {row.support.text}" if row.support else ""
    return f"{TARGET_GROUP_TIP} ({target_group_2024().description}): {row.age} år{support}"


class CaseloadTableModel(QAbstractTableModel):
    """One row per citizen. Columns are the class constants below."""

    NAME, CPR, AGE, GROUP, AIM, WEEKS, READINESS, NEXT_DEADLINE = range(8)
    HEADERS = ("Navn", "CPR-nr.", "Alder", "Gruppe", "Sigte", "Uger", "Dokumentation", "Næste frist")
    # The columns a narrow list still shows (their text elided), and the others in the order
    # they give way: first shrunk, then hidden (see `ui.caseload_view`).
    ALWAYS_SHOWN = (NAME, READINESS, NEXT_DEADLINE)
    GIVE_WAY = (AGE, WEEKS, AIM, CPR, GROUP)
    # Each column's width as sample texts in the list's font: (the narrowest that still
    # says something, a comfortable width). The header's own text is never cut either.
    WIDTH_SAMPLES: ClassVar[dict[int, tuple[str, str]]] = {
        NAME: ("Kadir Uçar Hansen", "Mogens Kristensen-Bøg"),
        CPR: ("000000-xxxx", "000000-xxxx"),
        AGE: ("00", "00"),
        GROUP: ("Gruppe 0", "Fleksjobvisit."),
        AIM: ("Fleksjob", "Ressourceforløb"),
        WEEKS: ("00", "000"),
        READINESS: ("00/00, 0 forsinket", "00/00, 0 forsinket"),
        NEXT_DEADLINE: ("00-00-0000  Rykke egen læge", "00-00-0000  13-ugers mål (gruppe 1): mangler CV"),
    }

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[CaseloadRow] = []
        self._row_of: dict[int, int] | None = None
        self._cells: dict[int, list[dict[int, Any]]] = {}  # row -> column -> role -> answer
        self._today = dt.date.today()
        self.reveal_cpr = False  # DDMMYY-xxxx until the user reveals them

    def set_rows(self, rows: list[CaseloadRow], today: dt.date | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._row_of = None
        self._cells.clear()
        self._today = today or dt.date.today()
        self.endResetModel()

    def row_at(self, row: int) -> CaseloadRow:
        return self._rows[row]

    def set_reveal_cpr(self, reveal: bool) -> None:
        self.reveal_cpr = reveal
        self._cells.clear()
        if self._rows:
            self.dataChanged.emit(self.index(0, self.CPR), self.index(len(self._rows) - 1, self.CPR))

    def rows(self) -> list[CaseloadRow]:
        return list(self._rows)

    def sort_keys(self, column: int) -> list[Any]:
        """Each row's key for sorting by `column` (what `SORT_ROLE` answers), in row order:
        the proxy sorts the whole caseload with one call."""
        return [self._sort_key(row, column) for row in self._rows]

    def row_of(self, citizen_id: int) -> int | None:
        if self._row_of is None:
            self._row_of = {r.citizen_id: i for i, r in enumerate(self._rows)}
        return self._row_of.get(citizen_id)

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
        return self.value(self._rows[index.row()], index.column(), role)

    def cell(self, row: int, col: int, role: int) -> Any:
        """`data()` for source row `row`, remembered: painting asks for the same cells
        again and again, and the rows only change on reload."""
        cells = self._cells.get(row)
        if cells is None:
            cells = self._cells[row] = [{} for _ in self.HEADERS]
        answers = cells[col]
        if role in answers:
            return answers[role]
        answer = answers[role] = self.value(self._rows[row], col, role)
        return answer

    def value(self, row: CaseloadRow, col: int, role: int) -> Any:
        """What `data()` answers for `row`: the proxy asks here directly, without indexes."""
        if role not in _ANSWERED_ROLES:
            return None  # most of what a delegate asks while painting
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == SORT_ROLE:
            return self._sort_key(row, col)
        if role == Qt.ItemDataRole.BackgroundRole and col == self.NEXT_DEADLINE:
            u = row.next_urgency(self._today)
            return QBrush(palette.deadline_background(u)) if u in COLOURED_URGENCIES else None
        if role == Qt.ItemDataRole.ToolTipRole and col == self.NEXT_DEADLINE and row.next_due:
            u = row.next_urgency(self._today)
            extra = len(row.due) - 1
            more = f"\n+ {extra} andre frister" if extra > 0 else ""
            return f"{URGENCY_TEXT[u] if u else ''}: {row.next_due.title}{more}"
        if role == Qt.ItemDataRole.ToolTipRole and col == self.READINESS and row.readiness_pending:
            return READINESS_PENDING_TIP
        if role == Qt.ItemDataRole.ToolTipRole and col == self.READINESS and row.readiness and row.readiness.missing:
            return "Mangler:\n" + "\n".join(f"• {m}" for m in row.readiness.missing)
        if role == Qt.ItemDataRole.BackgroundRole and col == self.READINESS and row.readiness:
            if row.readiness.ready:
                return QBrush(palette.background(palette.Tone.GOOD))
            if row.readiness.overdue:
                return QBrush(palette.deadline_background(Urgency.OVERDUE))
        if col == self.NAME and row.in_target_group:
            if role == Qt.ItemDataRole.DecorationRole:
                return target_group_icon()
            if role == Qt.ItemDataRole.ToolTipRole:
                return target_group_tip(row)
        if role == Qt.ItemDataRole.ToolTipRole and col == self.GROUP and row.group and row.active:
            return f"{GROUP_LABELS[row.group]}: {GROUP_DESCRIPTIONS[row.group]}"
        if role == Qt.ItemDataRole.ForegroundRole and not row.active:
            return QBrush(palette.muted_text())
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.AGE, self.WEEKS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, row: CaseloadRow, col: int) -> str:
        if col == self.NAME:
            return row.name
        if col == self.CPR:
            return fmt.cpr(row.cpr) if self.reveal_cpr else fmt.cpr_masked(row.cpr)
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
            if row.readiness_pending:
                return READINESS_PENDING
            return row.readiness.label if row.readiness else ""
        if col == self.NEXT_DEADLINE:
            if row.next_due is None:
                return ""
            overdue = row.overdue_count(self._today)
            suffix = f"  (+{overdue - 1} overskredne)" if overdue > 1 else ""
            return f"{fmt.date(row.next_due.due_on)}  {row.next_due.title}{suffix}"
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


class CaseloadFilterProxy(QAbstractTableModel):
    """The rows the table shows: search on name, CPR, phone and notes (every word must
    match), the filters, and the sort order, over a `CaseloadTableModel`.

    Not a QSortFilterProxyModel: that asks Python about every row, one call at a time,
    for each keystroke and each sort comparison (about 140,000 calls to sort 10,000
    citizens). Here filtering and sorting are one Python pass over the rows with keys
    computed once, and the view is reset; it only asks for the rows it paints."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self.group: VisitationGroup | None = None
        self.aim: Aim | None = None
        self.status: str = "active"  # "active", "closed", "all"
        self.overdue_only = False
        self.target_group_only = False
        self.today = dt.date.today()
        self._model: CaseloadTableModel | None = None
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._sorted: list[int] = []  # every source row, in the sort order
        self._shown: list[int] = []  # the source rows shown, in the sort order
        self._position: dict[int, int] | None = None  # source row -> shown row, built on demand
        self._base: list[int] | None = None  # the rows through the filters (not the search), sorted
        self._texts: list[str] = []  # each source row's folded search text

    # --- the source -----------------------------------------------------------------------------

    def setSourceModel(self, model: CaseloadTableModel) -> None:
        self._model = model
        model.modelReset.connect(self._source_reset)
        model.dataChanged.connect(self._source_data_changed)
        self._source_reset()

    def _source_reset(self) -> None:
        self.beginResetModel()
        self._sorted = self._sort_all()
        self._base = None
        self._shown = self._filtered()
        self._position = None
        self.endResetModel()

    def _source_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, roles: Any = ()) -> None:
        if self._shown:
            last = len(self._shown) - 1
            self.dataChanged.emit(
                self.index(0, top_left.column()), self.index(last, bottom_right.column()), list(roles)
            )

    def mapFromSource(self, source: Index) -> QModelIndex:
        if not source.isValid():
            return QModelIndex()
        if self._position is None:
            self._position = {src: row for row, src in enumerate(self._shown)}
        row = self._position.get(source.row())
        return QModelIndex() if row is None else self.index(row, source.column())

    # --- searching, filtering and sorting -------------------------------------------------------

    def set_search(self, text: str) -> None:
        words = fold_for_search(text).split()
        if words == self._words:
            return
        # Typing on narrows the search: then only the rows shown now can still match.
        narrows = all(any(old in new for new in words) for old in self._words)
        self._words = words
        self._refilter(within=self._shown if narrows else None)

    def set_filters(self, **changes: Any) -> None:
        for key, value in changes.items():
            if key.startswith("_") or not hasattr(self, key):
                raise AttributeError(key)
            setattr(self, key, value)
        self._base = None
        self._refilter()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        sources = [self._shown[i.row()] if i.row() < len(self._shown) else -1 for i in before]
        self._sort_column, self._sort_order = column, order
        self._sorted = self._sort_all()
        self._base = None
        self._shown = self._filtered()
        self._position = {src: row for row, src in enumerate(self._shown)}
        after = [
            self.index(self._position[s], i.column()) if s in self._position else QModelIndex()
            for i, s in zip(before, sources, strict=True)
        ]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def _refilter(self, within: list[int] | None = None) -> None:
        self.beginResetModel()
        self._shown = self._filtered(within)
        self._position = None
        self.endResetModel()

    def _sort_all(self) -> list[int]:
        if self._model is None:
            return []
        if self._sort_column < 0:
            return list(range(self._model.rowCount()))
        keys = self._model.sort_keys(self._sort_column)
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        return sorted(range(len(keys)), key=keys.__getitem__, reverse=descending)

    def _filtered(self, within: list[int] | None = None) -> list[int]:
        """The source rows to show, in the sort order; `within` (a sorted subset known to
        hold every match) saves looking at the others."""
        if self._model is None:
            return []
        if self._base is None:
            rows = self._model.rows()
            self._base = [i for i in self._sorted if self._passes_filters(rows[i])]
            self._texts = [row.search_text for row in rows]
        candidates = self._base if within is None else within
        texts = self._texts
        words = self._words
        if not words:
            return list(candidates)
        if len(words) == 1:
            word = words[0]
            return [i for i in candidates if word in texts[i]]
        return [i for i in candidates if all(w in texts[i] for w in words)]

    def _passes_filters(self, row: CaseloadRow) -> bool:
        if self.status == "active" and not row.active:
            return False
        if self.status == "closed" and row.active:
            return False
        if self.group is not None and row.group != self.group:
            return False
        if self.aim is not None and row.aim != self.aim:
            return False
        if self.overdue_only and not row.is_overdue(self.today):
            return False
        return not (self.target_group_only and not row.in_target_group)

    # --- the model ------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self._model is None else self._model.columnCount()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return None if self._model is None else self._model.headerData(section, orientation, role)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()  # -1 for an invalid index
        if self._model is None or not 0 <= row < len(self._shown):
            return None
        return self._model.cell(self._shown[row], index.column(), role)

    def row_at(self, row: int) -> CaseloadRow:
        """The citizen on shown row `row`."""
        assert self._model is not None
        return self._model.row_at(self._shown[row])
