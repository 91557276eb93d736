"""The Overblik start page: overdue, this week, next week, grouped by citizen."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QHelpEvent
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

from jobraad.dates import format_date
from jobraad.overview import SECTIONS, Overview
from jobraad.visitation import Urgency
from jobraad.vocab import GROUP_LABELS

#: On every line that opens a citizen's file: (citizen id, where in the file).
OPENS_ROLE = Qt.ItemDataRole.UserRole + 1
OPEN_TIP = "Åbn borgerens sag"

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
            if item is not None and item.data(0, OPENS_ROLE) is not None:
                QToolTip.showText(event.globalPos(), OPEN_TIP, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def tip_at(self, item: QTreeWidgetItem) -> str:
        """The tooltip the line shows (for tests)."""
        return OPEN_TIP if item.data(0, OPENS_ROLE) is not None else ""


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
        self.counts = QHBoxLayout()
        self.counts.addStretch(1)
        self.count_labels: list[QLabel] = []
        layout.addLayout(self.counts)
        self.tree = _OverviewTree()
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
            f"<h2 style='margin:0'>Overblik</h2><span style='color:#444'>{format_date(overview.today)} · "
            f"uge {week} · {overview.active} aktive sager · {overview.closed} lukkede</span>"
        )
        for label in self.count_labels:
            label.deleteLater()
        self.count_labels = []
        for group, count in overview.group_counts.items():
            label = QLabel(f"<b>{count}</b> {GROUP_LABELS[group]}")
            label.setStyleSheet("border: 1px solid #bbb; border-radius: 4px; padding: 4px 10px; background: #fafafa;")
            self.counts.insertWidget(self.counts.count() - 1, label)
            self.count_labels.append(label)

        self.tree.clear()
        bold = QFont()
        bold.setBold(True)
        for section in SECTIONS:
            citizens = overview.sections[section]
            count = overview.count(section)
            title = SECTION_TITLES[section]
            if section == Urgency.THIS_WEEK:
                title += f" (uge {week})"
            elif section == Urgency.NEXT_WEEK:
                next_week = (overview.today + dt.timedelta(weeks=1)).isocalendar()[1]
                title += f" (uge {next_week})"
            top = QTreeWidgetItem([f"{title} — {count} {'frist' if count == 1 else 'frister'}", ""])
            top.setFont(0, bold)
            top.setBackground(0, QBrush(SECTION_COLOURS[section]))
            top.setBackground(1, QBrush(SECTION_COLOURS[section]))
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            if not citizens:
                empty = QTreeWidgetItem(["Ingen", ""])
                empty.setForeground(0, QBrush(QColor("#777")))
                top.addChild(empty)
            people = []
            for c in citizens:
                group_label = GROUP_LABELS[c.group] if c.group else ""
                person = QTreeWidgetItem([f"{c.name}   ·   {group_label}", ""])
                person.setFont(0, bold)
                person.setData(0, OPENS_ROLE, (c.citizen_id, c.items[0].target))
                lines = []
                for item in c.items:
                    line = QTreeWidgetItem([item.title, format_date(item.due_on)])
                    line.setData(0, OPENS_ROLE, (c.citizen_id, item.target))
                    lines.append(line)
                person.addChildren(lines)
                people.append(person)
            top.addChildren(people)
            # Added to the tree whole: each item added to a shown tree costs a model signal.
            self.tree.addTopLevelItem(top)
        self._add_signals(overview, bold)
        self.tree.expandAll()

    def _add_signals(self, overview: Overview, bold: QFont) -> None:
        count = sum(len(c.signals) for c in overview.signals)
        top = QTreeWidgetItem([f"Signaler fra praktik — {count}", ""])
        top.setFont(0, bold)
        top.setFlags(Qt.ItemFlag.ItemIsEnabled)
        top.setToolTip(0, "Progression i timer: tærskler kan ændres under indstillinger")
        if not overview.signals:
            empty = QTreeWidgetItem(["Ingen", ""])
            empty.setForeground(0, QBrush(QColor("#777")))
            top.addChild(empty)
        for c in overview.signals:
            group = GROUP_LABELS[c.group] if c.group else ""
            person = QTreeWidgetItem([f"{c.name}   ·   {group}", ""])
            person.setFont(0, bold)
            person.setData(0, OPENS_ROLE, (c.citizen_id, "placements"))
            for signal in c.signals:
                line = QTreeWidgetItem([f"⚑ {signal.text}", ""])
                line.setData(0, OPENS_ROLE, (c.citizen_id, "placements"))
                person.addChild(line)
            top.addChild(person)
        self.tree.addTopLevelItem(top)

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
