"""The Overblik start page: overdue, this week, next week, grouped by citizen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QHelpEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QToolTip,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.enums import VisitationGroup
from jobraad import formatting as fmt
from jobraad.overview import SECTIONS, CitizenDue, CitizenSignals, Overview
from jobraad.visitation import Urgency
from jobraad.vocab import GROUP_LABELS

#: On every line that opens a citizen's file: (citizen id, where in the file).
OPENS_ROLE = Qt.ItemDataRole.UserRole + 1
OPEN_TIP = "Åbn borgerens sag"
#: Citizens put in the Overblik per turn of the event loop: each turn also lays out the
#: tree so far, so at 10,000 citizens a turn of 1,000 took up to 70 ms; of 250, up to 40.
FILL_SLICE = 250


def _line(text: str, date: str, citizen_id: int, target: str) -> QTreeWidgetItem:
    line = QTreeWidgetItem([text, date])
    line.setData(0, OPENS_ROLE, (citizen_id, target))
    return line


def _person(name: str, group: VisitationGroup | None, bold: QFont, citizen_id: int, target: str) -> QTreeWidgetItem:
    person = QTreeWidgetItem([f"{name}   ·   {GROUP_LABELS[group] if group else ''}", ""])
    person.setFont(0, bold)
    person.setData(0, OPENS_ROLE, (citizen_id, target))
    return person


def _deadlines_person(c: CitizenDue, bold: QFont) -> QTreeWidgetItem:
    person = _person(c.name, c.group, bold, c.citizen_id, c.items[0].target)
    r = c.readiness
    if r is not None:  # the same readiness as the caseload's column and the file's checklist
        person.setText(0, f"{person.text(0)}   ·   dokumentation {r.label}")
        if r.missing or r.problems:
            missing = "\n".join(f"• {m}" for m in (*r.problems, *r.missing))
            person.setToolTip(0, f"{OPEN_TIP}\n\nMangler:\n{missing}")
    person.addChildren([_line(i.title, fmt.date(i.due_on), c.citizen_id, i.target) for i in c.items])
    return person


def _signals_person(c: CitizenSignals, bold: QFont) -> QTreeWidgetItem:
    person = _person(c.name, c.group, bold, c.citizen_id, "placements")
    person.addChildren([_line(f"⚑ {signal.text}", "", c.citizen_id, "placements") for signal in c.signals])
    return person


SECTION_TITLES = {
    Urgency.OVERDUE: "Overskredet",
    Urgency.THIS_WEEK: "Denne uge",
    Urgency.NEXT_WEEK: "Næste uge",
}
SECTION_COLOURS = {
    Urgency.OVERDUE: QColor("#f4c7c3"),
    Urgency.THIS_WEEK: QColor("#fce8b2"),
    Urgency.NEXT_WEEK: QColor("#e6f0fa"),
}


class _OverviewTree(QTreeWidget):
    """The tree, with one tooltip for every line that opens a file, given when asked for:
    set on each of 12,000 lines (10,000 citizens) it cost a tenth of a second per reload."""

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            item = self.itemAt(event.pos())
            tip = self.tip_at(item) if item is not None else ""
            if tip:
                QToolTip.showText(event.globalPos(), tip, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def tip_at(self, item: QTreeWidgetItem) -> str:
        """The tooltip a line shows: its own, or the one for every line that opens a file."""
        return item.toolTip(0) or (OPEN_TIP if item.data(0, OPENS_ROLE) is not None else "")


class OverviewPage(QWidget):
    """Signals: item_activated(citizen_id, target) when a line is opened (double-click or Enter)."""

    item_activated = Signal(int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName("overviewHeading")
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.heading)
        self.goals_notice = QLabel()
        self.goals_notice.setObjectName("overviewGoalsNotice")
        self.goals_notice.setWordWrap(True)
        self.goals_notice.setStyleSheet("background: #fff4ce; border: 1px solid #e0c060; padding: 4px 8px;")
        self.goals_notice.hide()
        layout.addWidget(self.goals_notice)
        self.counts = QHBoxLayout()
        self.counts.addStretch(1)
        self.count_labels: list[QLabel] = []
        layout.addLayout(self.counts)
        self.tree = _OverviewTree()
        self._filling: Iterator[bool] | None = None
        self._started_filling = False
        self.tree.setObjectName("overviewTree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Borger / frist", "Dato"])
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.setAlternatingRowColors(False)
        self.tree.itemActivated.connect(self._activated)
        layout.addWidget(self.tree)
        hint = QLabel("Dobbeltklik eller tryk Enter på en linje for at åbne borgerens sag det rette sted.")
        hint.setStyleSheet("color: #555;")
        layout.addWidget(hint)

    def show_overview(self, overview: Overview) -> None:
        week = overview.today.isocalendar()[1]
        self.heading.setText(
            f"<h2 style='margin:0'>Overblik</h2><span style='color:#444'>{fmt.date(overview.today)} · "
            f"uge {week} · {overview.active} aktive sager · {overview.closed} lukkede</span>"
        )
        self.goals_notice.setText(overview.goals_notice)
        self.goals_notice.setVisible(bool(overview.goals_notice))
        for label in self.count_labels:
            label.deleteLater()
        self.count_labels = []
        for group, count in overview.group_counts.items():
            label = QLabel(f"<b>{count}</b> {GROUP_LABELS[group]}")
            label.setStyleSheet("border: 1px solid #bbb; border-radius: 4px; padding: 4px 10px; background: #fafafa;")
            self.counts.insertWidget(self.counts.count() - 1, label)
            self.count_labels.append(label)

        # Taken out, then let go: `clear()` on the shown tree took 0.1 s at 10,000 citizens
        # (12,000 lines), mostly the view's bookkeeping item by item; this takes a fifth.
        taken = [self.tree.takeTopLevelItem(0) for _ in range(self.tree.topLevelItemCount())]
        del taken
        # The tree is filled a slice at a time from the event loop: at 10,000 citizens
        # (12,000 lines) filling it at once held the window for a third of a second.
        self._filling = self._fill(overview)
        self._started_filling = False  # the first slice (a small caseload: all) at once
        self._fill_more()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._filling is not None:
            QTimer.singleShot(0, self.tree, self._fill_more)

    def _fill_more(self) -> None:
        filling = self._filling
        if filling is None or (self._started_filling and not self.isVisible()):
            return  # resumed when shown: a hidden Overblik takes no turns from typing
        self._started_filling = True
        try:
            more = next(filling, False)
        except BaseException:
            self._filling = None
            raise
        if not more:  # done
            if filling is self._filling:
                self._filling = None
            return
        # With the tree as context: dropped if the page is deleted before the next turn.
        QTimer.singleShot(0, self.tree, lambda: self._fill_more() if filling is self._filling else None)

    def filled(self) -> bool:
        """True once the whole tree is in place (for tests and the benchmark)."""
        return self._filling is None

    def _fill(self, overview: Overview) -> Iterator[bool]:
        """Adds the tree's items, yielding True after about `FILL_SLICE` citizens, False
        at the end. A small caseload is filled before the first yield."""
        week = overview.today.isocalendar()[1]
        bold = QFont()
        bold.setBold(True)
        since_yield = 0
        groups: list[tuple[QTreeWidgetItem, Sequence[Any], Callable[[Any, QFont], QTreeWidgetItem]]] = []
        for section in SECTIONS:
            count = overview.count(section)
            title = SECTION_TITLES[section]
            if section == Urgency.THIS_WEEK:
                title += f" (uge {week})"
            elif section == Urgency.NEXT_WEEK:
                next_week = (overview.today + dt.timedelta(weeks=1)).isocalendar()[1]
                title += f" (uge {next_week})"
            top = QTreeWidgetItem([f"{title} — {count} {'frist' if count == 1 else 'frister'}", ""])
            top.setBackground(0, QBrush(SECTION_COLOURS[section]))
            top.setBackground(1, QBrush(SECTION_COLOURS[section]))
            groups.append((top, overview.sections[section], _deadlines_person))
        count = sum(len(c.signals) for c in overview.signals)
        # At start the deadlines are shown first; the signals follow (`Overview.signals_pending`).
        pending = overview.signals_pending
        top = QTreeWidgetItem([f"Signaler fra praktik — {'læses …' if pending else count}", ""])
        top.setToolTip(0, "Progression i timer: tærskler kan ændres under indstillinger")
        groups.append((top, overview.signals, _signals_person))
        for top, people, make in groups:
            if pending:  # the first Overblik at start: a screenful and more; the whole one follows
                people = people[:FILL_SLICE]
            top.setFont(0, bold)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            if not people and not (pending and make is _signals_person):
                empty = QTreeWidgetItem(["Ingen", ""])
                empty.setForeground(0, QBrush(QColor("#777")))
                top.addChild(empty)
            self.tree.addTopLevelItem(top)
            top.setExpanded(True)
            for first in range(0, len(people), FILL_SLICE):
                made = [make(c, bold) for c in people[first : first + FILL_SLICE]]
                # Added whole: each item added to a shown tree costs a model signal.
                top.addChildren(made)
                for person in made:
                    person.setExpanded(True)
                since_yield += len(made)
                if since_yield >= FILL_SLICE:
                    since_yield = 0
                    yield True
        yield False

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        opens = item.data(0, OPENS_ROLE)
        if opens is not None:
            citizen_id, target = opens
            self.item_activated.emit(int(citizen_id), str(target or ""))

    def lines(self) -> list[str]:
        """All visible texts, depth-first (for tests)."""
        out: list[str] = []

        def walk(item: QTreeWidgetItem | None, depth: int) -> None:
            if item is None:
                return
            out.append("  " * depth + item.text(0))
            for i in range(item.childCount()):
                walk(item.child(i), depth + 1)

        for i in range(self.tree.topLevelItemCount()):
            walk(self.tree.topLevelItem(i), 0)
        return out
