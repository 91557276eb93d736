"""The Overblik start page: overdue, this week, next week, grouped by citizen; then the signals
from praktik that ask for action, with good news and documentation of the aim apart. The group
chips filter it; an empty caseload gets the ways to begin instead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QFont, QHelpEvent, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QToolTip,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.enums import VisitationGroup
from jobraad import formatting as fmt
from jobraad.overview import SECTIONS, CitizenDue, CitizenSignals, Overview
from jobraad.progression import Severity
from jobraad.visitation import Urgency
from jobraad.vocab import GROUP_LABELS
from ui import palette

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


#: How a signal's line starts: its level in words, so it reads without colour too.
SEVERITY_MARKS = {
    Severity.ALVORLIG: "⚑ Alvorligt:",
    Severity.OPMAERKSOM: "⚑ Opmærksom:",
    Severity.GOD_NYHED: "▲ God nyhed:",
    Severity.DOKUMENTATION: "• Dokumentation:",
}
#: The tone a signal's line is written in (None: the palette's text).
SEVERITY_TONES = {
    Severity.ALVORLIG: palette.Tone.DANGER,
    Severity.OPMAERKSOM: palette.Tone.WARNING,
    Severity.GOD_NYHED: palette.Tone.GOOD,
    Severity.DOKUMENTATION: None,
}
#: The tone of a signal's box in the Praktik tab (each level its own, documentation too).
SEVERITY_BOX_TONES = {
    Severity.ALVORLIG: palette.Tone.DANGER,
    Severity.OPMAERKSOM: palette.Tone.WARNING,
    Severity.GOD_NYHED: palette.Tone.GOOD,
    Severity.DOKUMENTATION: palette.Tone.INFO,
}
SIGNALS_TIP = "Progression i timer: tærskler kan ændres under indstillinger"


def _signals_person(c: CitizenSignals, bold: QFont) -> QTreeWidgetItem:
    person = _person(c.name, c.group, bold, c.citizen_id, "placements")
    lines = []
    for signal in c.signals:
        line = _line(f"{SEVERITY_MARKS[signal.severity]} {signal.text}", "", c.citizen_id, "placements")
        tone = SEVERITY_TONES[signal.severity]
        if tone is not None:
            line.setForeground(0, QBrush(palette.text(tone)))
        lines.append(line)
    person.addChildren(lines)
    return person


SECTION_TITLES = {
    Urgency.OVERDUE: "Overskredet",
    Urgency.THIS_WEEK: "Denne uge",
    Urgency.NEXT_WEEK: "Næste uge",
}


class GroupChip(QPushButton):
    """A group's count that filters the Overblik: click, Space or Enter toggles it; checked
    shows a tick and the palette's highlight."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setCheckable(True)
        self.setObjectName("groupChip")
        self._text = text
        self.toggled.connect(self._mark)
        self.setStyleSheet(palette.chip_style())

    def set_label(self, text: str) -> None:
        self._text = text
        self._mark(self.isChecked())

    def _mark(self, checked: bool) -> None:
        self.setText(f"✓ {self._text}" if checked else self._text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
            return
        super().keyPressEvent(event)


class EmptyCaseload(QWidget):
    """What the Overblik says when there are no citizens: the three ways to begin."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("overviewEmpty")
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = QLabel("<h2>Sagsstammen er tom</h2>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        text = QLabel(
            "Kom i gang ved at importere dine borgere fra en CSV- eller XLSX-fil, oprette den første "
            "borger, eller se programmet med en demo-sagsstamme med opdigtede borgere."
        )
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setMaximumWidth(560)
        layout.addWidget(text, 0, Qt.AlignmentFlag.AlignHCenter)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.import_button = QPushButton("&Importér borgere… (Ctrl+I)")
        self.new_button = QPushButton("&Ny borger… (Ctrl+N)")
        self.demo_button = QPushButton("Prøv &demoen")
        self.demo_button.setToolTip("Åbner en demo-sagsstamme med opdigtede borgere i et nyt vindue")
        for button in (self.import_button, self.new_button, self.demo_button):
            button.setAutoDefault(True)  # Enter presses the button that has focus
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(2)


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
    """Signals: item_activated(citizen_id, target) when a line is opened (double-click or Enter);
    import_requested, new_citizen_requested, demo_requested from the empty Overblik's buttons;
    filling_done when the tree is wholly in place (it is filled a slice at a time);
    deletion_requested from the line about closed cases past their retention period."""

    item_activated = Signal(int, str)
    filling_done = Signal()
    import_requested = Signal()
    new_citizen_requested = Signal()
    demo_requested = Signal()
    deletion_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._overview: Overview | None = None
        self._restyling = False
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName("overviewHeading")
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.heading)
        self.goals_notice = QLabel()
        self.goals_notice.setObjectName("overviewGoalsNotice")
        self.goals_notice.setWordWrap(True)
        self.goals_notice.setStyleSheet(palette.notice_style(palette.Tone.WARNING))
        self.goals_notice.hide()
        layout.addWidget(self.goals_notice)
        self.deletion_prompt = self._deletion_prompt()
        layout.addWidget(self.deletion_prompt)
        # The group chips: each filters the Overblik to its group (several: any of them); "Alle" clears.
        self.counts = QHBoxLayout()
        self.all_chip = GroupChip("Alle")
        self.all_chip.setChecked(True)
        self.all_chip.setToolTip("Vis alle grupper")
        self.all_chip.clicked.connect(self._show_all_groups)
        self.counts.addWidget(self.all_chip)
        self.chips: dict[VisitationGroup, GroupChip] = {}
        for group in VisitationGroup:
            chip = GroupChip(GROUP_LABELS[group])
            chip.setToolTip(f"Vis kun {GROUP_LABELS[group]} (klik igen for at fjerne)")
            chip.toggled.connect(self._groups_changed)
            self.chips[group] = chip
            self.counts.addWidget(chip)
        self.counts.addStretch(1)
        layout.addLayout(self.counts)
        self.empty = EmptyCaseload()
        self.empty.import_button.clicked.connect(self.import_requested)
        self.empty.new_button.clicked.connect(self.new_citizen_requested)
        self.empty.demo_button.clicked.connect(self.demo_requested)
        self.empty.hide()
        layout.addWidget(self.empty, 1)
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
        layout.addWidget(self.tree, 1)
        self.hint = QLabel("Dobbeltklik eller tryk Enter på en linje for at åbne borgerens sag det rette sted.")
        self.hint.setStyleSheet(palette.muted_style())
        layout.addWidget(self.hint)

    def show_overview(self, overview: Overview) -> None:
        """Show a new reading of the Overblik, filtered by the chips that are checked."""
        week = overview.today.isocalendar()[1]
        self.heading.setText(
            "<h2 style='margin:0'>Overblik</h2>"
            + palette.span(
                palette.muted_text(),
                f"{fmt.date(overview.today)} · uge {week} · {overview.active} aktive sager · {overview.closed} lukkede",
            )
        )
        self.goals_notice.setText(overview.goals_notice)
        self.goals_notice.setVisible(bool(overview.goals_notice))
        self._show_deletion_prompt(overview.deletion_due)
        for group, chip in self.chips.items():
            chip.set_label(f"{overview.group_counts.get(group, 0)} {GROUP_LABELS[group]}")
        self._overview = overview
        empty = overview.empty
        self.empty.setVisible(empty)
        for widget in (self.tree, self.hint, self.all_chip, *self.chips.values()):
            widget.setVisible(not empty)
        # Focus given to the (hidden) tree goes to the first way to begin, so Enter imports.
        self.tree.setFocusProxy(self.empty.import_button if empty else None)  # type: ignore[arg-type]  # None: Qt's nullptr
        if empty and self.tree.hasFocus():
            self.empty.import_button.setFocus()
        self._show_tree()

    def _deletion_prompt(self) -> QPushButton:
        button = QPushButton()
        button.setObjectName("overviewDeletionPrompt")
        button.setStyleSheet(palette.notice_style(palette.Tone.INFO) + " text-align: left;")
        button.setToolTip(
            "Åbn listen over lukkede sager, der kan slettes (også Sikkerhed ▸ Lukkede sager til sletning)"
        )
        button.clicked.connect(self.deletion_requested)
        button.hide()
        return button

    def _show_deletion_prompt(self, count: int) -> None:
        """The line that asks for closed cases past their retention period to be deleted."""
        if count:
            cases = "1 lukket sag har" if count == 1 else f"{count} lukkede sager har"
            self.deletion_prompt.setText(f"{cases} passeret opbevaringsperioden – gennemse og slet…")
        self.deletion_prompt.setVisible(bool(count))

    def chosen_groups(self) -> set[VisitationGroup]:
        """The groups the chips filter by (none: all)."""
        return {group for group, chip in self.chips.items() if chip.isChecked()}

    def _groups_changed(self) -> None:
        chosen = self.chosen_groups()
        self.all_chip.setChecked(not chosen)
        self._show_tree()

    def _show_all_groups(self) -> None:
        for chip in self.chips.values():
            chip.blockSignals(True)
            chip.setChecked(False)
            chip.blockSignals(False)
        self._groups_changed()

    def _show_tree(self) -> None:
        if self._overview is None:
            return
        overview = self._overview.for_groups(self.chosen_groups())
        # The tree is filled a slice at a time from the event loop: at 10,000 citizens
        # (12,000 lines) filling it at once held the window for a third of a second. The
        # sections shown stay until each new one is whole (`_fill`).
        self._filling = self._fill(overview)
        self._started_filling = False  # the first slice (a small caseload: all) at once
        self._fill_more()

    def changeEvent(self, event: QEvent) -> None:
        """A new palette (the system switched to dark or high contrast): the colours again."""
        super().changeEvent(event)
        changed = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)
        if event.type() in changed and not self._restyling:
            self._restyling = True  # setting stylesheets below must not start this again
            try:
                self._restyle()
            finally:
                self._restyling = False

    def _restyle(self) -> None:
        self.goals_notice.setStyleSheet(palette.notice_style(palette.Tone.WARNING))
        self.hint.setStyleSheet(palette.muted_style())
        for chip in (self.all_chip, *self.chips.values()):
            chip.setStyleSheet(palette.chip_style())
        if self._overview is not None:
            self.show_overview(self._overview)

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
                self.filling_done.emit()
            return
        # With the tree as context: dropped if the page is deleted before the next turn.
        QTimer.singleShot(0, self.tree, lambda: self._fill_more() if filling is self._filling else None)

    def filled(self) -> bool:
        """True once the whole tree is in place (for tests and the benchmark)."""
        return self._filling is None

    def _put_section(self, index: int, top: QTreeWidgetItem) -> QTreeWidgetItem | None:
        """`top`, a section made whole outside the tree, in place of the section shown at
        `index` (or after the last), opened with each of its citizens. Returns the section
        it replaced, for the caller to let go."""
        tree = self.tree
        old = tree.takeTopLevelItem(index) if index < tree.topLevelItemCount() else None
        tree.insertTopLevelItem(index, top)
        # The tree lays itself out once, at its next paint: each expanding below is noted only.
        top.setExpanded(True)
        for i in range(top.childCount()):
            child = top.child(i)
            if child is not None:
                child.setExpanded(True)
        return old

    def _fill(self, overview: Overview) -> Iterator[bool]:
        """Makes the tree's sections, yielding True after about `FILL_SLICE` citizens, False
        at the end. A small caseload is filled before the first yield.

        Each section is made outside the tree and put in the place of the one shown when it
        is whole: lines added to a shown, opened section have the tree lay out all its lines
        again at its next paint (at 10,000 citizens up to 30 ms a slice, near a second for a
        whole Overblik); a section put in whole, once."""
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
            background = palette.deadline_background(section)
            for column in (0, 1):
                top.setBackground(column, QBrush(background))
                top.setForeground(column, QBrush(palette.text_on(background)))
            groups.append((top, overview.sections[section], _deadlines_person))
        signal_parts = (
            ("Signaler fra praktik", "kræver opmærksomhed", overview.signals),
            ("Gode nyheder fra praktik", "", overview.good_news),
            ("Dokumentation fra praktik", "til sagens sigte, ingen handling", overview.documenting),
        )
        # At start the deadlines are shown first; the signals follow (`Overview.signals_pending`).
        pending = overview.signals_pending
        for title, says, flagged in signal_parts:
            n = len(flagged)
            counted = "læses …" if pending else f"{n} {'borger' if n == 1 else 'borgere'}"
            top = QTreeWidgetItem([f"{title} — {counted}" + (f" {says}" if says and n and not pending else ""), ""])
            top.setToolTip(0, SIGNALS_TIP)
            groups.append((top, flagged, _signals_person))
        for index, (top, people, make) in enumerate(groups):
            if pending:  # the first Overblik at start: a screenful and more; the whole one follows
                people = people[:FILL_SLICE]
            top.setFont(0, bold)
            top.setFlags(Qt.ItemFlag.ItemIsEnabled)
            if not people and not (pending and make is _signals_person):
                empty = QTreeWidgetItem(["Ingen", ""])
                empty.setForeground(0, QBrush(palette.muted_text()))
                top.addChild(empty)
            for first in range(0, len(people), FILL_SLICE):
                top.addChildren([make(c, bold) for c in people[first : first + FILL_SLICE]])
                since_yield += min(FILL_SLICE, len(people) - first)
                if since_yield >= FILL_SLICE:
                    since_yield = 0
                    yield True
            large = len(people) > FILL_SLICE
            if large and since_yield:  # a large section is put in at a turn of its own
                since_yield = 0
                yield True
            replaced = self._put_section(index, top)
            if large:  # and the one it replaces let go at the next (thousands of lines)
                yield True
            del replaced
        while self.tree.topLevelItemCount() > len(groups):  # none so far: the sections are fixed
            self.tree.takeTopLevelItem(len(groups))
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
