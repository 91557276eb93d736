"""The Praktik tab: virksomhedspraktik placements, their extensions (LAB § 61), the week grid
of hours, progression."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPersistentModelIndex, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QMouseEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.enums import PlacementKind
from db.errors import UserFacingError
from jobraad import formatting as fmt
from jobraad import placements
from jobraad.errors import FieldProblem, ValidationFailed
from jobraad.placements import PlacementProgress, PlacementView
from jobraad.praktik_rules import load_rules
from jobraad.vocab import PLACEMENT_LABELS
from ui import palette
from ui.dialogs.extend_placement import ExtendPlacementDialog
from ui.file_tabs.base import FileTab
from ui.file_tabs.record_list import ColumnFit, RecordList, RowAction
from ui.forms import Field, FormDialog, choices
from ui.hours_chart import HoursChart
from ui.models.records import RecordTableModel
from ui.models.week_grid import REASON_CHOICES, WeekGridModel
from ui.overview_page import SEVERITY_BOX_TONES as SIGNAL_TONES
from ui.overview_page import SEVERITY_MARKS as SIGNAL_MARKS
from ui.shortcuts import ask_about_unsaved, commit_typed_input, local_shortcut, undo_action

if TYPE_CHECKING:
    from db.session import Database


class ReasonDelegate(QStyledItemDelegate):
    """A combo box for the absence reason, so it is chosen, not typed."""

    def createEditor(self, parent: QWidget, option: Any, index: Any) -> QWidget:
        combo = QComboBox(parent)
        for label, reason in REASON_CHOICES:
            combo.addItem(label, reason)
        return combo

    def setEditorData(self, editor: QWidget, index: Any) -> None:
        assert isinstance(editor, QComboBox)
        current = index.data(Qt.ItemDataRole.EditRole) or "—"
        editor.setCurrentIndex(max(editor.findText(current), 0))

    def setModelData(self, editor: QWidget, model: Any, index: Any) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class WeekGridView(QTableView):
    """The week grid. Enter (in a cell's editor or on a cell) asks for the week to be saved and
    the next week's cell to come up (`entered`); Tab in an editor goes to the next cell, Tab on
    a cell leaves the grid (issue 19: no keyboard traps). The cell asked for with `keep_in_view`
    is scrolled into view again when the grid is first laid out or resized, until the user
    moves or scrolls."""

    entered = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._wanted: QPersistentModelIndex | None = None

    def keep_in_view(self, index: QModelIndex) -> None:
        self._wanted = QPersistentModelIndex(index)
        self.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _scroll_to_wanted(self) -> None:
        if self._wanted is not None and self._wanted.isValid():
            wanted = self.model().index(self._wanted.row(), self._wanted.column())
            self.scrollTo(wanted, QAbstractItemView.ScrollHint.PositionAtCenter)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._scroll_to_wanted()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._scroll_to_wanted()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._wanted = None
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self._wanted = None
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.state() != self.State.EditingState:
            event.accept()
            self.entered.emit()
            return
        super().keyPressEvent(event)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        super().closeEditor(editor, hint)
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:  # Enter in the editor
            self.entered.emit()


def _or_dash(value: float | None, show: Callable[[float], str]) -> str:
    return fmt.DASH if value is None else show(value)


def _end_text(p: PlacementView) -> str:
    if p.end_date:
        return fmt.date(p.end_date)
    return f"plan: {fmt.date(p.planned_end)}" if p.planned_end else ""


EXTEND_SHORTCUT = "Ctrl+Shift+F"
GRID_WEEKS = 8  # weeks the grid always has room for
CHART_MIN_HEIGHT = 130  # the chart below the grid gives way to it down to this


def extensions_html(p: PlacementView) -> str:
    """The recorded extensions of a praktik, each with its date, step and reason; and the free-text
    reason of an older placement, as it was written."""
    lines = [
        f"{fmt.date(e.decided_on)}: {escape(e.text(p.start_date))}"
        f"{' – ' + escape(e.paragraph) if e.paragraph else ''}<br>&nbsp;&nbsp;Begrundelse: {escape(e.reason)}"
        for e in p.extensions
    ]
    legacy = p.extension_reason.strip()
    if legacy:
        lines.append(
            palette.span(palette.muted_text(), f"Tidligere begrundelse (før trinvise forlængelser): {escape(legacy)}")
        )
    if not lines:
        return ""
    return "<b>Forlængelser</b><br>" + "<br>".join(lines)


class PlacementsTab(FileTab):
    """Signals: changed() after anything was saved."""

    def __init__(self, database: Database, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(database, today, parent)
        self.progress: PlacementProgress | None = None
        self._grid_placement_id: int | None = None  # the placement whose weeks the grid holds
        self._refused_at: tuple[int, int] | None = None  # the cell whose typed value was just refused
        self._last_save: placements.WeeksUndo | None = None  # what Fortryd (Ctrl+Z) undoes
        layout = QVBoxLayout(self)

        self.placement_list = RecordList(
            "Virksomhedsplaceringer",
            [
                ("Type", lambda p: PLACEMENT_LABELS[p.kind]),
                ("Arbejdsgiver", lambda p: p.employer_name),
                ("Start", lambda p: fmt.date(p.start_date)),
                ("Slut", _end_text),
                ("Timer/uge", lambda p: fmt.hours(p.planned_hours_per_week)),
                ("Længde", lambda p: p.length_text),
            ],
            on_add=lambda: self._placement_dialog(None),
            on_edit=self._placement_dialog,
            on_delete=self._delete_placement,
            extra=[
                RowAction("extend", "Forlæng praktik…", self._extend_dialog, f"Forlæng praktikken ({EXTEND_SHORTCUT})")
            ],
            add_text="Ny placering…",
        )
        self.placement_model: RecordTableModel[PlacementView] = self.placement_list.model
        self.placement_view = self.placement_list.view
        self.placement_view.setObjectName("placements")
        # The employer's name gives way (elided, whole in its tooltip) so every column is in view.
        self.placement_view.setWordWrap(False)
        ColumnFit(self.placement_view, give_way=[(5, 70), (1, 90)])  # Længde, then Arbejdsgiver
        self.placement_model.modelReset.connect(self._fit_placement_list)
        self.placement_list.selection_changed.connect(self._placement_selected)
        layout.addWidget(self.placement_list)

        # Progress, signals and extensions can run to many lines: they scroll in a pane of
        # their own above the grid, so the weeks keep their room on a laptop screen.
        facts = QWidget()
        facts_layout = QVBoxLayout(facts)
        facts_layout.setContentsMargins(0, 0, 4, 0)
        self.summary = QLabel()
        self.summary.setObjectName("progressSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        facts_layout.addWidget(self.summary)

        self.extensions_label = QLabel()
        self.extensions_label.setObjectName("extensions")
        self.extensions_label.setWordWrap(True)
        self.extensions_label.setTextFormat(Qt.TextFormat.RichText)
        facts_layout.addWidget(self.extensions_label)
        facts_layout.addStretch(1)
        self.facts = QScrollArea()
        self.facts.setObjectName("placementFacts")
        self.facts.setWidget(facts)
        self.facts.setWidgetResizable(True)
        self.facts.setFrameShape(QFrame.Shape.NoFrame)
        self.facts.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.facts.setMinimumHeight(3 * self.fontMetrics().lineSpacing())

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.facts)
        grid_box = QWidget()
        grid_layout = QVBoxLayout(grid_box)
        grid_layout.setContentsMargins(0, 0, 0, 0)
        grid_head = QHBoxLayout()
        grid_hint = QLabel("<b>Timer uge for uge</b> – Enter gemmer og går til næste uge")
        grid_hint.setWordWrap(True)
        grid_hint.setToolTip("Ctrl+T åbner denne uges fremmøde; Tab går til næste felt i ugen")
        grid_head.addWidget(grid_hint, 1)
        self.save_button = QPushButton("&Gem timer")
        self.save_button.setToolTip("Ctrl+S")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save_weeks)
        self.undo_action = undo_action(self, self.undo_last, "timerne")
        self.undo_action.setEnabled(False)
        self.undo_button = QPushButton("Fortryd")
        self.undo_button.setObjectName("undoButton")
        self.undo_button.setToolTip(
            "Fortryd det, der er skrevet og ikke gemt, ellers den sidst gemte ændring i timerne (Ctrl+Z)"
        )
        self.undo_button.setEnabled(False)
        self.undo_button.clicked.connect(self.undo_last)
        grid_head.addWidget(self.save_button)
        grid_head.addWidget(self.undo_button)
        grid_layout.addLayout(grid_head)
        self.grid_model = WeekGridModel(self)
        self.grid_model.dirty_changed.connect(self._dirty_changed)
        self.grid_model.input_refused.connect(self._input_refused)
        self.grid = WeekGridView()
        self.grid.setObjectName("weekGrid")
        self.grid.entered.connect(self.save_and_next_week)
        self.grid.setModel(self.grid_model)
        self.grid.setItemDelegateForColumn(WeekGridModel.REASON, ReasonDelegate(self.grid))
        self.grid.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.grid.setTabKeyNavigation(False)  # Tab leaves the grid; arrows move in it
        self.grid.verticalHeader().hide()
        header = self.grid.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(WeekGridModel.OBSERVATION, QHeaderView.ResizeMode.Stretch)
        # Compact rows, and room for at least GRID_WEEKS of them: on a 1366x768 laptop the
        # chart below gives way first (issue 19: 3½ weeks were shown).
        rows = self.grid.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.grid.fontMetrics().height() + 10)
        # Half a row spare: the header's final height is known only once the style has polished it.
        self.grid.setMinimumHeight(
            header.sizeHint().height()
            + (2 * GRID_WEEKS + 1) * rows.defaultSectionSize() // 2
            + 2 * self.grid.frameWidth()
        )
        grid_layout.addWidget(self.grid, 1)
        self.message = QLabel()
        self.message.setObjectName("gridMessage")
        self.message.setStyleSheet(palette.error_style())
        self.message.setWordWrap(True)
        self.message.hide()
        grid_layout.addWidget(self.message)
        self.undo_note = QLabel()
        self.undo_note.setObjectName("undoNote")
        self.undo_note.setWordWrap(True)
        self.undo_note.hide()
        grid_layout.addWidget(self.undo_note)
        splitter.addWidget(grid_box)
        self.chart = HoursChart()
        self.chart.setMinimumHeight(CHART_MIN_HEIGHT)
        splitter.addWidget(self.chart)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setStretchFactor(2, 1)
        splitter.setSizes([6 * self.fontMetrics().lineSpacing(), self.grid.minimumHeight() + 40, 160])
        layout.addWidget(splitter, 1)
        local_shortcut(QKeySequence.StandardKey.Save, self, self.save_weeks)
        local_shortcut(
            QKeySequence(EXTEND_SHORTCUT), self, lambda: self.placement_list.run_on_selected(self._extend_dialog)
        )

    # --- loading ----------------------------------------------------------------------------------

    def show_citizen(self, citizen_id: int) -> None:
        if self.citizen_id != citizen_id and not self.confirm_discard():
            return
        if self.citizen_id != citizen_id:
            self._last_save = None  # Ctrl+Z undoes only what was done in this citizen's file
            self._note("")
        super().show_citizen(citizen_id)

    def reload(self) -> None:
        """Read the placements again; hours typed and not saved stay in the grid."""
        if self.citizen_id is None:
            return
        commit_typed_input(self.grid, close_refused=True)
        selected = self.selected_placement()
        rows = placements.list_placements(self.database, self.citizen_id)
        self.placement_model.set_rows(rows)
        target = 0
        if selected is not None:
            target = next((i for i, p in enumerate(rows) if p.placement_id == selected.placement_id), 0)
        if rows:
            self.placement_view.selectionModel().select(
                self.placement_model.index(target, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
        else:
            self._placement_selected()

    def _fit_placement_list(self) -> None:
        """As tall as its placements, up to three (more scroll): the weeks get the rest."""
        view = self.placement_view
        shown = max(1, min(self.placement_model.rowCount(), 3))
        view.setFixedHeight(
            view.horizontalHeader().sizeHint().height()
            + shown * view.verticalHeader().defaultSectionSize()
            + 2 * view.frameWidth()
        )

    def selected_placement(self) -> PlacementView | None:
        placement: PlacementView | None = self.placement_list.selected()
        return placement

    def _placement_selected(self) -> None:
        p = self.selected_placement()
        self.placement_list.buttons["extend"].setEnabled(p is not None and p.section61)
        if p is not None and p.placement_id == self._grid_placement_id and self.grid_model.dirty:
            # Read again (something else was saved, the placement was edited): the hours
            # typed and not yet saved stay in the grid; the progress shows what is stored.
            self.progress = placements.placement_progress(self.database, p.placement_id, self.today)
            self._show_progress(self.progress)
            return
        if self.grid_model.dirty and not self.confirm_discard():
            self._select_placement(self._grid_placement_id)  # stay with the unsaved hours
            return
        if p is None:
            self.progress = None
            self._grid_placement_id = None
            self.grid_model.set_rows([])
            self.summary.setText(
                palette.span(palette.muted_text(), "Ingen placering valgt. Opret en med «Ny placering…».")
            )
            self._show_extensions("")
            self.chart.show_series(None)
            return
        self._reload_grid()

    def _select_placement(self, placement_id: int | None) -> None:
        model = self.placement_model
        row = next((i for i in range(model.rowCount()) if model.row_at(i).placement_id == placement_id), None)
        if row is None:
            return
        blocker = QSignalBlocker(self.placement_view.selectionModel())
        self.placement_view.selectRow(row)
        del blocker

    def _reload_grid(self) -> None:
        p = self.selected_placement()
        if p is None:
            return
        self._say("")
        self._grid_placement_id = p.placement_id
        self.grid_model.set_rows(placements.week_rows(self.database, p.placement_id, self.today))
        self.progress = placements.placement_progress(self.database, p.placement_id, self.today)
        self._show_progress(self.progress)
        # Start on the first week without hours, ready to type.
        first_open = next(
            (i for i in range(self.grid_model.rowCount()) if self.grid_model.row_at(i).attended is None), None
        )
        if first_open is not None:
            index = self.grid_model.index(first_open, WeekGridModel.ATTENDED)
            self.grid.setCurrentIndex(index)
            self.grid.keep_in_view(index)

    def _show_progress(self, progress: PlacementProgress) -> None:
        pr = progress.progression
        p = progress.placement
        facts = (
            f"Fremmøde: <b>{_or_dash(pr.attendance_rate, fmt.percent)}</b> · "
            f"Tendens 4 uger: <b>{_or_dash(pr.slope_4, fmt.hours_change)}</b> · "
            f"8 uger: {_or_dash(pr.slope_8, fmt.hours_change)} · "
            f"Højeste stabile niveau: <b>{_or_dash(pr.highest_stable, fmt.hours)} t</b> · "
            f"Uger uden progression: {pr.weeks_without_progression}"
        )
        warnings = [p.length_warning] if p.length_warning else []
        signals = "".join(palette.boxed(palette.Tone.WARNING, f"⚑ {escape(text)}") for text in warnings) + "".join(
            palette.boxed(SIGNAL_TONES[s.severity], f"{SIGNAL_MARKS[s.severity]} {escape(s.text)}")
            for s in progress.signals
        )
        skaane = "; ".join(p.skaanehensyn)
        extra = f"<br><span style='color:{palette.muted_css()}'>Skånehensyn: {escape(skaane)}</span>" if skaane else ""
        self.summary.setText(f"{facts}{extra}{signals}")
        self._show_extensions(extensions_html(p))
        self.chart.show_series(progress.series, f"{p.employer_name} – timer pr. uge")

    # --- editing hours ----------------------------------------------------------------------------

    def _dirty_changed(self, dirty: bool) -> None:
        self.save_button.setEnabled(dirty)
        self._enable_undo()

    def _enable_undo(self) -> None:
        can = self.grid_model.dirty or self._last_save is not None
        self.undo_button.setEnabled(can)
        self.undo_action.setEnabled(can)

    def _note(self, message: str) -> None:
        """What was undone, shown until the next change."""
        self.undo_note.setText(message)
        self.undo_note.setVisible(bool(message))

    def undo_last(self) -> None:
        """Fortryd (Ctrl+Z): hours typed and not saved are dropped; else the last save of weeks
        is undone through `placements.undo_weeks` (the weeks are stored as before it)."""
        if self.grid_model.dirty:
            self._reload_grid()
            self._note("Fortrudt: timer, der var skrevet og ikke gemt.")
            self._enable_undo()
            return
        undo = self._last_save
        if undo is None:
            self._note("Der er ikke noget at fortryde.")
            return
        self._last_save = None
        try:
            placements.undo_weeks(self.database, undo)
        except UserFacingError as err:
            self._enable_undo()
            self._say(err.message)
            return
        self._say("")
        self._select_placement_row(undo.placement_id)
        self.saved()
        self._enable_undo()
        self._note(f"Fortrudt: {undo.description}. Ugerne er gemt, som de var før.")

    def _say(self, message: str) -> None:
        """The grid's message (a refusal), shown only while there is one."""
        self.message.setText(message)
        self.message.setVisible(bool(message))

    def _show_extensions(self, html: str) -> None:
        self.extensions_label.setText(html)
        self.extensions_label.setVisible(bool(html))

    def _input_refused(self, message: str) -> None:
        self._say(message)
        self._refused_at = (self.grid.currentIndex().row(), self.grid.currentIndex().column())

    def save_weeks(self) -> bool:
        """Store the edited weeks, the one still in an open cell included. False if nothing
        could be stored (the message says why)."""
        if not commit_typed_input(self.grid):
            return False
        placement_id = self._grid_placement_id
        if placement_id is None or not self.grid_model.dirty:
            return True
        try:
            undo = placements.save_weeks_undoable(
                self.database, placement_id, self.grid_model.changed_rows(), today=self.today
            )
        except UserFacingError as err:
            self._say(err.message)
            return False
        self._say("")
        self._note("")
        self._last_save = undo
        current = self.grid.currentIndex()
        in_grid = self.grid.hasFocus()
        self._reload_grid()
        if current.isValid():
            self._go_to_cell(current.row(), current.column())
        self.changed.emit()
        if in_grid:  # the file reads itself again after the save: the user stays where they typed
            self.grid.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def save_and_next_week(self) -> None:
        """Enter in the grid: store the weeks (the cell just typed in included) and go on to
        the same cell of the next week, ready to type."""
        current = self.grid.currentIndex()
        refused, self._refused_at = self._refused_at, None
        if refused == (current.row(), current.column()):
            return  # Enter on a value that is not a number: the message says so; nothing is stored
        if not current.isValid() or not self.save_weeks():
            return
        self._go_to_cell(min(current.row() + 1, self.grid_model.rowCount() - 1), current.column())
        self.grid.setFocus(Qt.FocusReason.OtherFocusReason)

    def _go_to_cell(self, row: int, column: int) -> None:
        index = self.grid_model.index(row, column)
        if index.isValid():
            self.grid.setCurrentIndex(index)
            self.grid.keep_in_view(index)

    def focus_this_week(self) -> bool:
        """This week's Fremmøde cell of the placement running today (else the one selected)
        made current, in view and focused, so what is typed goes into it. False when the
        citizen has no placement (then «Ny placering…» has focus)."""
        model = self.placement_model
        rows = [model.row_at(i) for i in range(model.rowCount())]
        selected = self.selected_placement()
        running = next((p for p in rows if p.is_active(self.today)), None)
        if running is not None and (selected is None or not selected.is_active(self.today)):
            self._select_placement_row(running.placement_id)
        if self.selected_placement() is None or self.grid_model.rowCount() == 0:
            self.placement_list.buttons["new"].setFocus(Qt.FocusReason.ShortcutFocusReason)
            return False
        iso = self.today.isocalendar()
        grid = self.grid_model
        weeks = [(grid.row_at(i).iso_year, grid.row_at(i).iso_week) for i in range(grid.rowCount())]
        row = weeks.index((iso.year, iso.week)) if (iso.year, iso.week) in weeks else grid.rowCount() - 1
        self._go_to_cell(row, WeekGridModel.ATTENDED)
        self.grid.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return True

    def _select_placement_row(self, placement_id: int) -> None:
        """Select a placement as the user would (its weeks come into the grid; unsaved hours are asked about)."""
        model = self.placement_model
        row = next((i for i in range(model.rowCount()) if model.row_at(i).placement_id == placement_id), None)
        if row is not None:
            self.placement_view.selectRow(row)

    def confirm_discard(self) -> bool:
        """Before leaving unsaved hours (an open cell's too): save them, drop them, or stay.
        A typed value that is not a number keeps the user in its cell."""
        if not commit_typed_input(self.grid):
            return False
        return ask_about_unsaved(self, [self])

    def unsaved_description(self) -> str | None:
        return "timer i praktik" if self.grid_model.dirty else None

    def save_unsaved(self) -> bool:
        return self.save_weeks()

    def discard_unsaved(self) -> None:
        self._reload_grid()

    # --- placements -------------------------------------------------------------------------------

    def _placement_dialog(self, placement: PlacementView | None) -> None:
        citizen_id = self.citizen_id
        if citizen_id is None:
            return
        fields = [
            Field("kind", "Type", kind="choice", choices=choices(PLACEMENT_LABELS)),
            Field("employer_name", "Arbejdsgiver", required=True, problem_names=("arbejdsgiver",)),
            Field("employer_cvr", "CVR", problem_names=("cvr",)),
            Field("contact_person", "Kontaktperson", problem_names=("kontaktperson",)),
            Field("contact_phone", "Telefon", problem_names=("telefon",)),
            Field("tasks", "Arbejdsopgaver", kind="multiline", problem_names=("arbejdsopgaver", "opgaver")),
            Field("start_date", "Start", kind="date", required=True, problem_names=("startdato", "start")),
            Field("planned_end", "Planlagt slut", kind="date", problem_names=("planlagt slut",)),
            Field("end_date", "Faktisk slut", kind="date", problem_names=("slutdato",)),
            Field("planned_hours_per_week", "Planlagte timer pr. uge", problem_names=("timer",)),
            Field("mentor_kind", "Mentor (type)", problem_names=("mentor",)),
            Field("mentor_name", "Mentorens navn", problem_names=("mentorens navn",)),
            Field("skaanehensyn", "Skånehensyn (ét pr. linje)", kind="multiline", problem_names=("skånehensyn",)),
            Field("result", "Resultat", kind="multiline", problem_names=("resultat",)),
        ]
        if placement is None:
            values: dict[str, Any] = {
                "kind": PlacementKind.VIRKSOMHEDSPRAKTIK,
                "start_date": self.today,
                "planned_end": placements.first_planned_end(self.today),
                "planned_hours_per_week": "10",
                "skaanehensyn": "\n".join(placements.default_skaanehensyn(self.database, citizen_id)),
            }
        else:
            values = {f.key: getattr(placement, f.key) for f in fields}
            values["skaanehensyn"] = "\n".join(placement.skaanehensyn)
            values["planned_hours_per_week"] = fmt.hours(placement.planned_hours_per_week)

        def save(v: dict[str, Any]) -> object:
            try:
                hours = fmt.parse_number(str(v["planned_hours_per_week"])) or 0.0
            except ValueError:
                problem = FieldProblem("timer", f"«{v['planned_hours_per_week']}» er ikke et tal.")
                raise ValidationFailed([problem], "Placeringen er ikke gemt:") from None
            data = placements.PlacementInput(
                kind=PlacementKind(v["kind"]),
                employer_name=v["employer_name"],
                start_date=v["start_date"],
                planned_hours_per_week=hours,
                employer_cvr=v["employer_cvr"],
                contact_person=v["contact_person"],
                contact_phone=v["contact_phone"],
                tasks=v["tasks"],
                planned_end=v["planned_end"],
                end_date=v["end_date"],
                extension_reason=placement.extension_reason if placement is not None else "",
                mentor_kind=v["mentor_kind"],
                mentor_name=v["mentor_name"],
                skaanehensyn=v["skaanehensyn"].splitlines(),
                result=v["result"],
            )
            if placement is None:
                return placements.add_placement(self.database, citizen_id, data)
            placements.update_placement(self.database, placement.placement_id, data)
            return None

        rule = load_rules().period_on(self.today)
        intro = (
            f"En virksomhedspraktik varer højst {rule.base_weeks} uger ({rule.paragraph}"
            f"{', foreløbig' if rule.provisional else ''}); en længere periode registreres bagefter med "
            f"«Forlæng praktik…» ({EXTEND_SHORTCUT}) med trin og begrundelse."
        )
        self.run_dialog(FormDialog("Virksomhedsplacering", fields, values, save, self, intro=intro))

    def _extend_dialog(self, placement: PlacementView) -> None:
        if not placement.section61:
            return
        try:
            preview = placements.extension_preview(self.database, placement.placement_id, self.today)
        except UserFacingError as err:
            QMessageBox.warning(self, "jobraad", err.message)
            return
        self.run_dialog(ExtendPlacementDialog(self.database, placement, preview, self.today, self))

    def _delete_placement(self, placement: PlacementView) -> None:
        question = f"Slet placeringen hos {placement.employer_name} og alle dens registrerede timer?"
        if not self.confirm(question, "Slet placering"):
            return
        try:
            placements.delete_placement(self.database, placement.placement_id)
        except UserFacingError as err:
            QMessageBox.warning(self, "jobraad", err.message)
        else:
            if placement.placement_id == self._grid_placement_id:
                self.grid_model.set_rows([])  # its hours went with it, as the question said
        self.saved()
