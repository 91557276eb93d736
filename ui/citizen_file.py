"""The citizen's file: a header with the case's actions (stamdata, group, closing, the
dossier) over one tab per part of the case, each a class in `ui.file_tabs`. The file reads
the case once when opened (the read is audited) and each tab with its own records when it
is first shown; after a change in any tab it reads the case again."""

from __future__ import annotations

import datetime as dt
import io
from functools import partial
from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.errors import UserFacingError
from jobraad import formatting as fmt
from jobraad.citizen_file import CitizenFile, open_citizen_file
from jobraad.outputs import suggested_name
from jobraad.overview import parse_target
from jobraad.vocab import GROUP_LABELS, OUTCOME_LABELS
from ui import palette
from ui.dialogs import citizen as citizen_dialogs
from ui.file_tabs.activities import ActivitiesTab
from ui.file_tabs.base import FileTab
from ui.file_tabs.case_text import CaseTextTab
from ui.file_tabs.documentation import DocumentationTab
from ui.file_tabs.forloeb import ForloebTab
from ui.file_tabs.health import HealthTab
from ui.file_tabs.history import HistoryTab
from ui.file_tabs.journal import JournalTab
from ui.file_tabs.meetings import MeetingsTab
from ui.file_tabs.placements import PlacementsTab
from ui.file_tabs.samtaler import SamtalerTab
from ui.file_tabs.sections import SectionPages
from ui.file_tabs.stamdata import StamdataTab
from ui.file_tabs.summary import SummaryTab
from ui.forms import FormDialog
from ui.shortcuts import ask_about_unsaved, commit_typed_input
from ui.worker import Progress, run_with_progress

if TYPE_CHECKING:
    from db.session import Database

(
    TAB_SUMMARY,
    TAB_STAMDATA,
    TAB_FORLOEB,
    TAB_CASE_TEXT,
    TAB_HISTORY,
    TAB_PLACEMENTS,
    TAB_DOCUMENTATION,
    TAB_HEALTH,
    TAB_ACTIVITIES,
    TAB_JOURNAL,
    TAB_MEETINGS,
) = range(11)
TAB_SAMTALER = 11
TARGET_TABS = {
    "forloeb": TAB_FORLOEB,
    "placements": TAB_PLACEMENTS,
    "meetings": TAB_MEETINGS,
    "deadlines": TAB_MEETINGS,
    "documentation": TAB_DOCUMENTATION,
    "texts": TAB_CASE_TEXT,
    "history": TAB_HISTORY,
    "samtaler": TAB_SAMTALER,
    "journal": TAB_JOURNAL,
}


class CitizenFileWidget(QWidget):
    """Signals: changed(citizen_id) after anything in the file was saved."""

    changed = Signal(int)

    def __init__(self, database: Database, today: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.database = database
        self.today = today or dt.date.today()
        self.citizen_id: int | None = None
        self.file: CitizenFile | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.header = QLabel()
        self.header.setObjectName("fileHeader")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        # Name and actions share a row: the height goes to the sections (1366x768).
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        actions = QHBoxLayout()
        self.edit_button = QPushButton("&Redigér stamdata…")
        self.edit_button.setToolTip("Ctrl+E")
        self.edit_button.clicked.connect(self.edit_stamdata)
        self.group_button = QPushButton("Skift &gruppe…")
        self.group_button.clicked.connect(self.change_group)
        self.close_button = QPushButton("&Luk sag…")
        self.close_button.clicked.connect(self.close_or_reopen)
        self.dossier_button = QPushButton("&Dossier…")
        self.dossier_button.setToolTip("Sagen til rehabiliteringsteamet som PDF (Ctrl+D)")
        self.dossier_button.clicked.connect(self.make_dossier)
        for b in (self.edit_button, self.group_button, self.close_button, self.dossier_button):
            actions.addWidget(b)
        top.addLayout(actions)
        top.setAlignment(actions, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)

        # The sections as a list beside the page, not a tab bar: all eleven names in sight at
        # 1366x768, no scroll arrows. Ctrl+Tab / Ctrl+PgDown move between them.
        self.tabs = SectionPages()
        self.tabs.setObjectName("fileTabs")
        layout.addWidget(self.tabs)
        # Shown from the case as the file reads it:
        self.summary = SummaryTab()
        self.stamdata = StamdataTab()
        self.forloeb = ForloebTab(database, self.today)
        # Each reads its own records:
        self.case_text = CaseTextTab(database, self.today)
        self.history = HistoryTab(database, self.today)
        self.placements = PlacementsTab(database, self.today)
        self.documentation = DocumentationTab(database, self.today)
        self.health = HealthTab(database, self.today)
        self.activities = ActivitiesTab(database, self.today)
        self.journal = JournalTab(database, self.today)
        self.meetings = MeetingsTab(database, self.today)
        self.samtaler = SamtalerTab(database, self.today)
        for index, page, label in (
            (TAB_SUMMARY, self.summary, "Resumé"),
            (TAB_STAMDATA, self.stamdata, "Stamdata"),
            (TAB_FORLOEB, self.forloeb, "Forløb"),
            (TAB_CASE_TEXT, self.case_text, "Tekster"),
            (TAB_HISTORY, self.history, "Ydelser og CV"),
            (TAB_PLACEMENTS, self.placements, "Praktik"),
            (TAB_DOCUMENTATION, self.documentation, "Dokumentation"),
            (TAB_HEALTH, self.health, "Sundhed"),
            (TAB_ACTIVITIES, self.activities, "Indsatser"),
            (TAB_JOURNAL, self.journal, "Journal"),
            (TAB_MEETINGS, self.meetings, "Møder"),
            (TAB_SAMTALER, self.samtaler, "Samtaler"),
        ):
            added = self.tabs.addTab(page, label)
            assert added == index
        self._record_tabs: dict[int, FileTab] = {
            TAB_CASE_TEXT: self.case_text,
            TAB_HISTORY: self.history,
            TAB_PLACEMENTS: self.placements,
            TAB_DOCUMENTATION: self.documentation,
            TAB_HEALTH: self.health,
            TAB_ACTIVITIES: self.activities,
            TAB_JOURNAL: self.journal,
            TAB_MEETINGS: self.meetings,
            TAB_SAMTALER: self.samtaler,
        }
        for tab in (self.forloeb, *self._record_tabs.values()):
            tab.changed.connect(partial(self._saved, tab))
        # A point written as text is written in the text tab.
        self.documentation.open_text.connect(lambda _section: self.tabs.setCurrentWidget(self.case_text))
        # Ctrl+E, Ctrl+J, Ctrl+D are menu actions of the main window (Borger menu).
        self._stale: set[int] = set()
        self.tabs.currentChanged.connect(self._tab_changed)
        self.setEnabled(False)
        self._show_nothing()

    # --- loading --------------------------------------------------------------------------------

    def _show_nothing(self) -> None:
        self.header.setText(f"<h2 style='color:{palette.muted_css()}'>Ingen borger valgt</h2>")
        self.summary.show_nothing()

    def clear(self) -> None:
        self.citizen_id = None
        self.file = None
        self.setEnabled(False)
        self._show_nothing()

    def commit_typed_input(self, *, leaving: bool = False) -> bool:
        """What is typed in an open cell becomes an unsaved change of its tab. `leaving`
        (a lock, another tab or page): a value refused as not a number is not kept in its
        cell, as when Tab leaves it; the message says why. See `ui.shortcuts`."""
        return commit_typed_input(self, close_refused=leaving)

    def can_leave(self) -> bool:
        """Before the file is left (another citizen, quitting): asks about what is typed
        and not saved, an open cell's too. False if the user chose to stay."""
        if not self.commit_typed_input() or not commit_typed_input(self.placements.grid):
            return False
        return ask_about_unsaved(self, [self.placements, self.case_text, self.history])

    def show_citizen(self, citizen_id: int, target: str = "") -> None:
        """Open the file (the read is audited) and go to `target` if given: a section, and
        the item in it where the target names one (`jobraad.overview.opens`)."""
        self.citizen_id = citizen_id
        self.reload()
        section, item = parse_target(target)
        if section in TARGET_TABS:
            self.tabs.setCurrentIndex(TARGET_TABS[section])
            if item:
                self._select_item(section, item)

    def _select_item(self, section: str, item: str) -> bool:
        """The item an Overblik line is about, selected in its section (which is in front)."""
        kind, _, key = item.rpartition(":")
        if section == "forloeb" and kind == "goal":
            return self.forloeb.select_goal(key)
        if section == "texts":  # "texts:<section key>" (a hit of the caseload-wide search)
            return self.case_text.select_section(key)
        if not key.isdigit():
            return False
        if section == "meetings":
            return self.meetings.select_meeting(int(key))
        if section == "deadlines":
            return self.meetings.select_deadline(int(key))
        if section == "documentation":
            return self.documentation.select_record(int(key))
        if section == "journal":
            return self.journal.select_note(int(key))
        return False

    def reload(self, fresh: FileTab | None = None) -> None:
        """Read the case again and show it; the tabs with records of their own are read
        when next shown, except `fresh`, which has just read itself."""
        if self.citizen_id is None:
            return
        try:
            self.file = open_citizen_file(self.database, self.citizen_id, self.today)
        except UserFacingError as err:
            self.clear()
            QMessageBox.warning(self, "jobraad", err.message)
            return
        self.setEnabled(True)
        f = self.file
        status = (
            f"Lukket {fmt.date(f.closed_on)}: {OUTCOME_LABELS[f.closed_outcome]}"
            if f.closed_outcome
            else (GROUP_LABELS[f.current.group] if f.current else "")
        )
        self.header.setText(
            f"<h2 style='margin:0'>{escape(f.name)}</h2>"
            f"<span style='color:{palette.muted_css()}'>CPR {fmt.cpr(f.cpr)} · {f.age} år · {escape(status)}</span>"
        )
        closed = f.closed_outcome is not None
        self.close_button.setText("&Genåbn sag…" if closed else "&Luk sag…")
        self.group_button.setEnabled(not closed)
        self.tabs.setTabToolTip(
            self.tabs.indexOf(self.case_text), f"{f.plan_heading}, borgerens bemærkninger og jobcentrets egne dele"
        )
        self.summary.show_file(f, self.today)
        self.stamdata.show_file(f)
        self.forloeb.show_file(self.citizen_id, f)
        # Only the tab in front is read now, the others when first shown: opening a file
        # then reads only what the user sees (issue 9: under 50 ms).
        self._stale = {index for index, tab in self._record_tabs.items() if tab is not fresh}
        self._load_tab(self.tabs.currentIndex())

    def _tab_changed(self, index: int) -> None:
        self.commit_typed_input(leaving=True)  # the tab left behind keeps what was typed, as unsaved
        self._load_tab(index)

    def _load_tab(self, index: int) -> None:
        if self.citizen_id is None or index not in self._stale:
            return
        self._stale.discard(index)
        self._record_tabs[index].show_citizen(self.citizen_id)

    def _saved(self, tab: FileTab | None = None) -> None:
        self.reload(fresh=tab)
        if self.citizen_id is not None:
            self.changed.emit(self.citizen_id)

    def _run(self, dialog: FormDialog) -> bool:
        if dialog.exec() == FormDialog.DialogCode.Accepted:
            self._saved()
            return True
        return False

    # --- dossier ---------------------------------------------------------------------------------

    def make_dossier(self) -> None:
        """Ctrl+D: build the dossier for the rehabiliteringsteam in a worker (progress shown),
        then preview it from memory. The preview's "Modtager" makes it again for another
        reader; Enter there prints it."""
        if self.citizen_id is None or self.file is None:
            return
        if not self.can_leave():
            return
        from jobraad.dossier import DossierOptions, build_dossier, reader_choices
        from jobraad.dossier.readers import DEFAULT_READER
        from ui.dialogs import dossier_preview  # imports ReportLab and QtPdf: not at start

        citizen_id, today = self.citizen_id, self.today
        first, last = self.file.first_name, self.file.last_name

        def build(reader: str, progress: Progress) -> tuple[bytes, str]:
            out = io.BytesIO()
            options = DossierOptions(reader=reader)
            build_dossier(self.database, citizen_id, out, today=today, options=options, progress=progress)
            # "Sag ÅB 2026-03-02.pdf" for the team; another reader is named: "Sag virksomhed ÅB …".
            what = "Sag" if reader == DEFAULT_READER else f"Sag {reader}"
            return out.getvalue(), suggested_name(what, first, last, today)

        def done(result: object) -> None:
            assert isinstance(result, tuple)
            data, name = result
            preview = dossier_preview.DossierPreview(
                data, name, self.database, self, readers=reader_choices(), reader=DEFAULT_READER, rebuild=build
            )
            self.last_preview = preview
            preview.exec()

        def failed(message: str, is_bug: bool) -> None:
            (QMessageBox.critical if is_bug else QMessageBox.warning)(self, "Dossier", message)

        run_with_progress(
            self, "Laver sagen til rehabiliteringsteamet…", lambda p: build(DEFAULT_READER, p), done, failed
        )

    def make_plan(self) -> None:
        """Ctrl+Shift+D: the citizen's own plan ("Min plan", `jobraad.min_plan`) made in a worker,
        then previewed from memory to print or save; the preview says in which language the
        headings are, and whether their translation is foreløbig."""
        if self.citizen_id is None or self.file is None:
            return
        if not self.can_leave():
            return
        from jobraad.min_plan import build_plan
        from ui.dialogs import dossier_preview  # imports ReportLab and QtPdf: not at start

        citizen_id, today = self.citizen_id, self.today
        name = suggested_name("Min plan", self.file.first_name, self.file.last_name, today)

        def build(_progress: Progress) -> tuple[bytes, str]:
            out = io.BytesIO()
            info = build_plan(self.database, citizen_id, out, today=today)
            return out.getvalue(), info.note

        def done(result: object) -> None:
            assert isinstance(result, tuple)
            data, note = result
            preview = dossier_preview.DossierPreview(data, name, self.database, self, title="Min plan", note=note)
            self.last_preview = preview
            preview.exec()

        def failed(message: str, is_bug: bool) -> None:
            (QMessageBox.critical if is_bug else QMessageBox.warning)(self, "Min plan", message)

        run_with_progress(self, "Laver borgerens plan…", build, done, failed)

    # --- stamdata, group, closing, journal ------------------------------------------------------

    def edit_stamdata(self) -> None:
        if self.citizen_id is not None:
            self._run(citizen_dialogs.edit_citizen_dialog(self.database, self.citizen_id, self))

    def change_group(self) -> None:
        if self.citizen_id is not None and self.file is not None:
            current = self.file.current.group if self.file.current else None
            self._run(citizen_dialogs.change_group_dialog(self.database, self.citizen_id, current, self))

    def close_or_reopen(self) -> None:
        if self.citizen_id is None or self.file is None:
            return
        if self.file.closed_outcome is None:
            self._run(citizen_dialogs.close_case_dialog(self.database, self.citizen_id, self))
        else:
            self._run(citizen_dialogs.reopen_case_dialog(self.database, self.citizen_id, self))

    def log_hours(self) -> None:
        """Ctrl+T: the Praktik section with this week's Fremmøde cell focused, so the hours
        are typed at once; Enter stores them and goes on to the next week."""
        if self.citizen_id is not None:
            self._bring_to_front()
            self.tabs.setCurrentIndex(TAB_PLACEMENTS)
            self.placements.focus_this_week()

    def _bring_to_front(self) -> None:
        """Show the page the file is on (the window's Sagsstamme, if the Overblik is in front)."""
        child: QWidget = self
        parent = self.parentWidget()
        while parent is not None:
            if isinstance(parent, QStackedWidget) and parent.indexOf(child) >= 0:
                tabs = parent.parentWidget()
                # A tab widget's own stack: through the tab widget, so its tab bar follows.
                (tabs if isinstance(tabs, QTabWidget) else parent).setCurrentWidget(child)
            child, parent = parent, parent.parentWidget()

    def add_journal_note(self) -> None:
        """Ctrl+J: a new journal note, with the Journal tab in front."""
        if self.citizen_id is not None:
            self.tabs.setCurrentIndex(TAB_JOURNAL)
            self.journal.add_note()
