"""The caseload list's view: its columns fill the width it has, never more, so there is no
scrolling sideways that would take the names out of sight. Navn, Dokumentation and Næste frist
are always shown (long text elided); the other columns shrink, then hide, in the model's
`GIVE_WAY` order when the list is narrow (a 1366-pixel laptop with the file open beside it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFontMetrics, QHelpEvent, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyle, QTableView, QToolTip, QWidget

from ui.models.caseload import CaseloadTableModel


def fit_columns(
    room: int, wants: Mapping[int, tuple[int, int]], always: Sequence[int], give_way: Sequence[int]
) -> dict[int, int]:
    """Widths for the columns that are shown (a hidden column is left out) in `room` pixels.

    `wants[column]` is (narrowest, comfortable). The `give_way` columns hide, in that order,
    until the rest fit: they at their narrowest, the `always` ones comfortable, except the last
    of them (the column with the longest text, which takes what is left) at its narrowest.
    Then the columns grow towards comfortable: the `always` ones but the last, then the others
    most important first, then the last of `always`, which also gets what room is left."""
    shown = [*always, *give_way]
    comfortable = set(always[:-1])
    floor = {column: wants[column][1 if column in comfortable else 0] for column in shown}
    for column in give_way:
        if sum(floor[c] for c in shown) <= room:
            break
        shown.remove(column)
    widths = {column: wants[column][0] for column in shown}
    spare = room - sum(widths.values())
    for column in (*always[:-1], *reversed(give_way), *always[-1:]):
        if spare <= 0:
            break
        if column in widths:
            grow = min(spare, wants[column][1] - widths[column])
            widths[column] += grow
            spare -= grow
    if spare > 0 and always:
        widths[always[-1]] += spare
    return widths


class CaseloadView(QTableView):
    """The caseload table. Tab and Shift+Tab leave it (arrows move in it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("caseload")
        self.setTabKeyNavigation(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(26)
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)

    def column_padding(self) -> int:
        """What a cell takes beside its text: the style's margins and a little air."""
        return 2 * (self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self) + 1) + 8

    def column_wants(self) -> dict[int, tuple[int, int]]:
        """Each column's (narrowest, comfortable) width in pixels, from the model's sample
        texts in the list's font; never narrower than the column's header."""
        cell = QFontMetrics(self.font())
        head = QFontMetrics(self.horizontalHeader().font())
        style = self.style()
        padding = self.column_padding()
        header_room = 2 * style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, self) + style.pixelMetric(
            QStyle.PixelMetric.PM_HeaderMarkSize, None, self
        )
        wants: dict[int, tuple[int, int]] = {}
        for column, (narrow, comfortable) in CaseloadTableModel.WIDTH_SAMPLES.items():
            least = head.horizontalAdvance(CaseloadTableModel.HEADERS[column]) + header_room + 4
            wants[column] = (
                max(least, cell.horizontalAdvance(narrow) + padding),
                max(least, cell.horizontalAdvance(comfortable) + padding),
            )
        return wants

    def fit_columns(self) -> None:
        """Lay the columns out over the width the list has now."""
        if self.model() is None:
            return
        widths = fit_columns(
            self.viewport().width(),
            self.column_wants(),
            CaseloadTableModel.ALWAYS_SHOWN,
            CaseloadTableModel.GIVE_WAY,
        )
        header = self.horizontalHeader()
        for column in range(header.count()):
            shown = column in widths
            if header.isSectionHidden(column) == shown:
                header.setSectionHidden(column, not shown)
            if shown and header.sectionSize(column) != widths[column]:
                header.resizeSection(column, widths[column])

    def viewportEvent(self, event: QEvent) -> bool:
        """A cell's text cut short by its column is shown whole in its tooltip (above what
        the model's tooltip says)."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.indexAt(event.pos())
            text = index.data(Qt.ItemDataRole.DisplayRole) if index.isValid() else None
            if isinstance(text, str) and text:
                room = self.visualRect(index).width() - self.column_padding()
                if QFontMetrics(self.font()).horizontalAdvance(text) > room:
                    tip = index.data(Qt.ItemDataRole.ToolTipRole)
                    QToolTip.showText(event.globalPos(), f"{text}\n{tip}" if tip else text, self.viewport())
                    return True
        return super().viewportEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.fit_columns()
