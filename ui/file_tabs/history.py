"""The Forsørgelse og CV tab: what the citizen has lived on, period by period (the
forsørgelseshistorik), and the citizen's educations and jobs (the CV), typed as rows.

Both lists are kept as typed until saved (Gem or Ctrl+S) through `jobraad.case_history`. A
save checks both lists first and saves nothing while a row is refused; the message names
the row as the table numbers it ("periode 2", "linje 3"), and what was typed stays."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.enums import CvKind, PeriodBenefit
from db.errors import UserFacingError
from jobraad import case_history
from jobraad import formatting as fmt
from jobraad.case_history import BenefitPeriodInput, BenefitPeriodView, CvEntryInput, CvEntryView
from jobraad.dates import InvalidDate, parse_date
from jobraad.errors import FieldProblem, ValidationFailed
from jobraad.vocab import CV_KIND_LABELS, PERIOD_BENEFIT_LABELS
from ui import palette
from ui.file_tabs.base import FileTab
from ui.forms import choices
from ui.models.edit_rows import EditColumn, EditRowsDelegate, EditRowsModel
from ui.shortcuts import commit_typed_input, local_shortcut

if TYPE_CHECKING:
    from db.session import Database

DATE_HINT = "dd-mm-åååå"

PERIOD_COLUMNS = (
    EditColumn("Ydelse", choices=choices(PERIOD_BENEFIT_LABELS)),
    EditColumn("Fra", placeholder=DATE_HINT),
    EditColumn("Til", empty_text="nu", placeholder=f"{DATE_HINT} (tom: nu)"),
    EditColumn("Bemærkning"),
)
P_BENEFIT, P_FROM, P_TO, P_NOTE = range(4)

CV_COLUMNS = (
    EditColumn("Type", choices=choices(CV_KIND_LABELS)),
    EditColumn("Uddannelse eller job"),
    EditColumn("Sted"),
    EditColumn("Fra år", placeholder="åååå"),
    EditColumn("Til år", placeholder="åååå (tom: nu)"),
    EditColumn("Bemærkning"),
)
C_KIND, C_TITLE, C_PLACE, C_FROM, C_TO, C_NOTE = range(6)

PERIOD_WORD = "periode"  # as `case_history` names a row of the forsørgelseshistorik
CV_WORD = "linje"  # and of the CV
_ROW_NAME = re.compile(r"^(periode|linje) (\d+)$")


# --- from typed rows to the service's input ---------------------------------------------------------


def _date(text: str, where: str, label: str, problems: list[FieldProblem]) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return parse_date(text)
    except InvalidDate as err:
        problems.append(FieldProblem(where, f"{label}: {err}"))
        return None


def _year(text: str, where: str, label: str, problems: list[FieldProblem]) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        problems.append(FieldProblem(where, f"{label}: «{text}» er ikke et årstal. Skriv det med fire cifre, fx 2015."))
        return None
    return int(text)


def period_inputs(rows: Sequence[Sequence[Any]]) -> tuple[list[BenefitPeriodInput], list[int], list[FieldProblem]]:
    """The typed periods as input to `case_history`, the table row (from 0) of each, and what
    could not be read (by row). A row without a readable fra-date has no input."""
    out: list[BenefitPeriodInput] = []
    at: list[int] = []
    problems: list[FieldProblem] = []
    for i, row in enumerate(rows):
        where = f"{PERIOD_WORD} {i + 1}"
        if not str(row[P_FROM]).strip():
            problems.append(FieldProblem(where, f"Skriv fra-datoen ({DATE_HINT})."))
        start = _date(row[P_FROM], where, "Fra", problems)
        end = _date(row[P_TO], where, "Til", problems)
        if start is not None:
            out.append(BenefitPeriodInput(PeriodBenefit(row[P_BENEFIT]), start, end, str(row[P_NOTE])))
            at.append(i)
    return out, at, problems


def cv_inputs(rows: Sequence[Sequence[Any]]) -> tuple[list[CvEntryInput], list[int], list[FieldProblem]]:
    """The typed CV lines as input to `case_history`, the table row of each, and what could not
    be read (by row); a year that cannot be read is left out of its line's input."""
    out: list[CvEntryInput] = []
    problems: list[FieldProblem] = []
    for i, row in enumerate(rows):
        where = f"{CV_WORD} {i + 1}"
        start = _year(row[C_FROM], where, "Fra år", problems)
        end = _year(row[C_TO], where, "Til år", problems)
        out.append(
            CvEntryInput(CvKind(row[C_KIND]), str(row[C_TITLE]), str(row[C_PLACE]), start, end, str(row[C_NOTE]))
        )
    return out, list(range(len(out))), problems


def all_problems(
    read_problems: list[FieldProblem], checked: Sequence[FieldProblem], at: Sequence[int]
) -> list[FieldProblem]:
    """What cannot be read and what the service's check refuses, in the order of the rows;
    the check's row names (of the rows it was given) renamed to the table's rows (`at`)."""
    renamed: list[FieldProblem] = []
    for p in checked:
        m = _ROW_NAME.match(p.field)
        renamed.append(FieldProblem(f"{m.group(1)} {at[int(m.group(2)) - 1] + 1}", p.message) if m else p)
    problems = read_problems + renamed

    def order(p: FieldProblem) -> int:
        row = _row_of(p)
        return -1 if row is None else row

    return sorted(problems, key=order)  # stable: within a row, as found


def period_rows(periods: Sequence[BenefitPeriodView]) -> list[list[Any]]:
    """Stored periods as the table shows them (and as they are typed)."""
    return [[p.benefit, fmt.date(p.start_date), fmt.date(p.end_date), p.note] for p in periods]


def cv_rows(entries: Sequence[CvEntryView]) -> list[list[Any]]:
    return [[e.kind, e.title, e.place, str(e.start_year or ""), str(e.end_year or ""), e.note] for e in entries]


def _row_of(problem: FieldProblem) -> int | None:
    """The table row (from 0) a problem names, None for one about the whole list."""
    m = _ROW_NAME.match(problem.field)
    return int(m.group(2)) - 1 if m else None


# --- one list ------------------------------------------------------------------------------------


class CellTable(QTableView):
    """A table typed cell by cell: Tab goes to the next cell, as in a spreadsheet (and from a
    cell's editor to the next cell's), Shift+Tab to the one before. Past the last cell, or
    before the first, the keyboard leaves the table for the next (previous) control, where
    Qt's table would start again at the other end: the table is never a keyboard trap."""

    def _at_end(self, forward: bool) -> bool:
        model, current = self.model(), self.currentIndex()
        if model is None or model.rowCount() == 0:
            return True
        if not current.isValid():  # focus but no cell yet: Tab goes to the first cell, as Qt's
            return not forward
        shown = [c for c in range(model.columnCount()) if not self.isColumnHidden(c)]
        if not shown:
            return True
        if forward:
            return current.row() >= model.rowCount() - 1 and current.column() >= shown[-1]
        return current.row() <= 0 and current.column() <= shown[0]

    def focusNextPrevChild(self, next: bool) -> bool:
        if self._at_end(next):
            return QWidget.focusNextPrevChild(self, next)
        return super().focusNextPrevChild(next)

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        moves = {
            QAbstractItemDelegate.EndEditHint.EditNextItem: True,
            QAbstractItemDelegate.EndEditHint.EditPreviousItem: False,
        }
        forward = moves.get(hint)
        if forward is not None and self._at_end(forward):
            super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
            QWidget.focusNextPrevChild(self, forward)
            return
        super().closeEditor(editor, hint)


class RowsEditor(QWidget):
    """A titled table of typed rows with Ny / Fjern, and the message of a refused save under it.

    Signals: dirty_changed(bool) as its model's."""

    dirty_changed = Signal(bool)

    def __init__(
        self,
        title: str,
        columns: Sequence[EditColumn],
        new_row: Callable[[], list[Any]],
        first_column: int,
        add_text: str,
        remove_text: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._new_row = new_row
        self._first_column = first_column
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        self.title = QLabel(f"<b>{title}</b>")
        head.addWidget(self.title, 1)
        self.add_button = QPushButton(add_text)
        self.add_button.setToolTip("Tilføj en række nederst (Ctrl+Insert i tabellen)")
        self.add_button.clicked.connect(self.add_row)
        self.remove_button = QPushButton(remove_text)
        self.remove_button.setToolTip("Fjern den valgte række (Ctrl+Delete i tabellen); gemmes først med Gem")
        self.remove_button.clicked.connect(self.remove_row)
        head.addWidget(self.add_button)
        head.addWidget(self.remove_button)
        layout.addLayout(head)
        self.model = EditRowsModel(columns, self)
        self.model.dirty_changed.connect(self.dirty_changed)
        self.view = CellTable()
        self.view.setModel(self.model)
        self.view.setItemDelegate(EditRowsDelegate(columns, self.view))
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.view.setTabKeyNavigation(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(48)
        layout.addWidget(self.view, 1)
        self.message = QLabel()
        self.message.setStyleSheet(palette.error_style())
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        local_shortcut(QKeySequence("Ctrl+Insert"), self.view, self.add_row)
        local_shortcut(QKeySequence("Ctrl+Delete"), self.view, self.remove_row)
        self.model.rowsInserted.connect(self._update_buttons)
        self.model.rowsRemoved.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()

    def set_widths(self, widths: Sequence[int]) -> None:
        for column, width in enumerate(widths):
            self.view.setColumnWidth(column, width)

    def add_row(self) -> None:
        commit_typed_input(self.view, close_refused=True)
        row = self.model.add_row(self._new_row())
        index = self.model.index(row, self._first_column)
        self.view.setFocus()
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
        self.view.edit(index)

    def remove_row(self) -> None:
        commit_typed_input(self.view, close_refused=True)
        row = self.view.currentIndex().row()
        if row < 0:
            return
        self.model.remove_row(row)
        self.show_problems([])
        if self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(min(row, self.model.rowCount() - 1), 0))

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.model.rowCount() > 0)

    def show_problems(self, problems: Sequence[FieldProblem], summary: str = "") -> None:
        """Mark the rows `problems` name and list them under the table (none: clear)."""
        marks: dict[int, list[str]] = {}
        for p in problems:
            row = _row_of(p)
            if row is not None:
                marks.setdefault(row, []).append(p.message)
        self.model.mark_problems({row: "\n".join(texts) for row, texts in marks.items()})
        lines = [summary] if summary else []
        lines += [f"• {p}" for p in problems]
        self.message.setText("\n".join(lines))
        self.message.setVisible(bool(problems))
        if marks:
            first = min(marks)
            self.view.setCurrentIndex(self.model.index(first, self._first_column))
            self.view.scrollTo(self.model.index(first, 0))

    def problem_text(self) -> str:
        """The message under the table ('' if none): for tests and screen readers."""
        return self.message.text() if not self.message.isHidden() else ""


# --- the tab -------------------------------------------------------------------------------------


class HistoryTab(FileTab):
    """Signals: changed() after a save. Rows typed in either list are kept until saved."""

    def __init__(self, database: Database, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(database, today, parent)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Det, teamet læser om borgerens forsørgelse og uddannelse/job. Datoer skrives dd-mm-åååå, år med "
            "fire cifre; en tom til-dato betyder, at perioden varer endnu. Tab flytter til næste felt."
        )
        intro.setWordWrap(True)
        intro.setStyleSheet(palette.muted_style())
        layout.addWidget(intro)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        self.periods = RowsEditor(
            "Forsørgelseshistorik – ydelser periode for periode",
            PERIOD_COLUMNS,
            lambda: [PeriodBenefit.KONTANTHJAELP, "", "", ""],
            P_FROM,
            "Ny periode",
            "Fjern periode",
        )
        self.periods.setObjectName("benefitPeriods")
        self.periods.view.setObjectName("benefitPeriodTable")
        self.periods.set_widths([230, 92, 92])
        self.cv = RowsEditor(
            "CV – uddannelse og job",
            CV_COLUMNS,
            lambda: [CvKind.JOB, "", "", "", "", ""],
            C_TITLE,
            "Ny CV-linje",
            "Fjern linje",
        )
        self.cv.setObjectName("cvEntries")
        self.cv.view.setObjectName("cvTable")
        self.cv.set_widths([90, 140, 120, 56, 56])  # the whole row in view at 1366x768
        splitter.addWidget(self.periods)
        splitter.addWidget(self.cv)
        layout.addWidget(splitter, 1)
        buttons = QHBoxLayout()
        self.status = QLabel()
        self.status.setObjectName("historyStatus")
        self.status.setStyleSheet(palette.muted_style())
        self.status.setWordWrap(True)
        buttons.addWidget(self.status, 1)
        self.undo_button = QPushButton("Fortryd ændringer")
        self.undo_button.setToolTip("Vis det gemte igen; det, der er skrevet siden, forkastes")
        self.undo_button.clicked.connect(self.discard_unsaved)
        self.save_button = QPushButton("Gem")
        self.save_button.setObjectName("historySave")
        self.save_button.setToolTip("Gem forsørgelseshistorik og CV (Ctrl+S)")
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.undo_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.periods.dirty_changed.connect(self._dirty_changed)
        self.cv.dirty_changed.connect(self._dirty_changed)
        local_shortcut(QKeySequence.StandardKey.Save, self, self.save)
        self._dirty_changed()

    # --- loading ----------------------------------------------------------------------------------

    def show_citizen(self, citizen_id: int) -> None:
        """Show the citizen's lists; the same citizen's unsaved rows stay as they are."""
        if citizen_id == self.citizen_id and self.dirty:
            return
        super().show_citizen(citizen_id)

    def reload(self) -> None:
        if self.citizen_id is None:
            return
        self.periods.model.set_rows(period_rows(case_history.list_benefit_periods(self.database, self.citizen_id)))
        self.cv.model.set_rows(cv_rows(case_history.list_cv(self.database, self.citizen_id)))
        self.periods.show_problems([])
        self.cv.show_problems([])
        self._dirty_changed()

    @property
    def dirty(self) -> bool:
        return self.periods.model.dirty or self.cv.model.dirty

    def _dirty_changed(self, _dirty: bool = False) -> None:
        dirty = self.dirty
        self.save_button.setEnabled(dirty)
        self.undo_button.setEnabled(dirty)
        what = self.unsaved_description()
        self.status.setText(f"Der er {what}, som ikke er gemt." if what else "")

    # --- saving -----------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save both lists, or nothing: every row is checked first. False if refused (the
        rows are marked and the message says why)."""
        if self.citizen_id is None:
            return True
        if not commit_typed_input(self):
            return False
        if not self.dirty:
            return True
        periods, period_rows_at, read_periods = period_inputs(self.periods.model.rows())
        cv, cv_rows_at, read_cv = cv_inputs(self.cv.model.rows())
        period_problems = all_problems(
            read_periods, case_history.benefit_period_problems(periods, self.today), period_rows_at
        )
        cv_problems = all_problems(read_cv, case_history.cv_problems(cv, self.today), cv_rows_at)
        if period_problems or cv_problems:
            self.periods.show_problems(period_problems, "Forsørgelseshistorikken er ikke gemt:")
            self.cv.show_problems(cv_problems, "CV'et er ikke gemt:")
            self.status.setText("Intet er gemt. Ret de markerede rækker, og gem igen.")
            return False
        citizen_id = self.citizen_id
        try:  # one transaction: both lists are saved, or neither
            case_history.save_history(
                self.database,
                citizen_id,
                periods=periods if self.periods.model.dirty else None,
                cv=cv if self.cv.model.dirty else None,
                today=self.today,
            )
        except ValidationFailed as err:  # checked above; should the rules ever differ, shown the same way
            in_cv = any(p.field.startswith((CV_WORD, "cv")) for p in err.problems)
            (self.cv if in_cv else self.periods).show_problems(err.problems, err.message.splitlines()[0])
            self._after_refusal(False, "Ikke gemt.")
            return False
        except UserFacingError as err:  # the disk, not the rows
            self._after_refusal(False, err.message)
            return False
        self.saved()
        self.status.setText("Forsørgelseshistorik og CV er gemt.")
        return True

    def _after_refusal(self, saved_periods: bool, message: str) -> None:
        """The CV was refused after the periods were saved: show the periods as stored."""
        if saved_periods and self.citizen_id is not None:
            self.periods.model.set_rows(period_rows(case_history.list_benefit_periods(self.database, self.citizen_id)))
            self.changed.emit()
        self.status.setText(message)

    # --- what the file asks before it is left ------------------------------------------------------

    def unsaved_description(self) -> str | None:
        parts = [
            text
            for text, dirty in (
                ("forsørgelseshistorikken", self.periods.model.dirty),
                ("CV'et", self.cv.model.dirty),
            )
            if dirty
        ]
        return "ændringer i " + " og ".join(parts) if parts else None

    def save_unsaved(self) -> bool:
        return self.save()

    def discard_unsaved(self) -> None:
        commit_typed_input(self, close_refused=True)
        if self.citizen_id is not None:
            self.reload()
