"""The citizen's file: tabs for the summary, stamdata, forløb and visitation,
indsatser, journal, and meetings with deadlines. Every change goes through a
service in `jobraad`; the widget reloads what it shows from the services."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from db.enums import ActivityKind, ContactKind, HealthNoteKind, JournalKind, MeetingKind
from db.errors import UserFacingError
from db.session import Database
from jobraad import cpr, health, records
from jobraad import formatting as fmt
from jobraad.citizen_file import CitizenFile, JournalView, open_citizen_file
from jobraad.visitation import GROUP_GOALS
from jobraad.vocab import (
    ACTIVITY_LABELS,
    AIM_LABELS,
    BENEFIT_LABELS,
    CONTACT_LABELS,
    GROUP_LABELS,
    HEALTH_NOTE_LABELS,
    JOURNAL_LABELS,
    MEETING_LABELS,
    OUTCOME_LABELS,
)
from ui.case_text_tab import CaseTextTab
from ui.citizen_pane import citizen_html
from ui.dialogs import citizen as citizen_dialogs
from ui.documentation_tab import DocumentationTab
from ui.forms import Field, FormDialog
from ui.models.records import Column, RecordTableModel
from ui.placements_tab import PlacementsTab
from ui.shortcuts import ask_about_unsaved, commit_typed_input, local_shortcut
from ui.worker import Progress, Task, run_with_progress

(
    TAB_SUMMARY,
    TAB_STAMDATA,
    TAB_FORLOEB,
    TAB_CASE_TEXT,
    TAB_PLACEMENTS,
    TAB_DOCUMENTATION,
    TAB_HEALTH,
    TAB_ACTIVITIES,
    TAB_JOURNAL,
    TAB_MEETINGS,
) = range(10)
TARGET_TABS = {
    "forloeb": TAB_FORLOEB,
    "placements": TAB_PLACEMENTS,
    "meetings": TAB_MEETINGS,
    "deadlines": TAB_MEETINGS,
    "documentation": TAB_DOCUMENTATION,
}


def _table(model: RecordTableModel[Any]) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return view


def _choices(labels: dict[Any, str]) -> list[tuple[str, Any]]:
    return [(label, key) for key, label in labels.items()]


class RecordList(QWidget):
    """A table of records with Ny / Redigér / Slet buttons; the callbacks do the work."""

    def __init__(
        self,
        title: str,
        columns: Sequence[Column],
        on_add: Callable[[], None],
        on_edit: Callable[[Any], None],
        on_delete: Callable[[Any], None],
        extra: Sequence[tuple[str, Callable[[Any], None]]] = (),
    ) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        label = QLabel(f"<b>{escape(title)}</b>")
        head.addWidget(label)
        head.addStretch(1)
        self.model: RecordTableModel[Any] = RecordTableModel(columns, self)
        self.view = _table(self.model)
        self.view.doubleClicked.connect(lambda _i: self._with_selected(on_edit))
        self.buttons: dict[str, QPushButton] = {}
        for text, fn in (("Ny…", lambda: on_add()), ("Redigér…", None), *extra, ("Slet", None)):
            button = QPushButton(text)
            if text == "Redigér…":
                button.clicked.connect(lambda _=False: self._with_selected(on_edit))
            elif text == "Slet":
                button.clicked.connect(lambda _=False: self._with_selected(on_delete))
            elif text == "Ny…":
                button.clicked.connect(lambda _=False, f=fn: f())
            else:
                button.clicked.connect(lambda _=False, f=fn: self._with_selected(f))
            self.buttons[text] = button
            head.addWidget(button)
        layout.addLayout(head)
        layout.addWidget(self.view)

    def selected(self) -> Any | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _with_selected(self, fn: Callable[[Any], None]) -> None:
        record = self.selected()
        if record is not None:
            fn(record)


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
        layout.addWidget(self.header)
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
        actions.addStretch(1)
        layout.addLayout(actions)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("fileTabs")
        layout.addWidget(self.tabs)
        self.summary = QTextBrowser()
        self.summary.setObjectName("summary")
        self.tabs.addTab(self.summary, "Resumé")
        self.stamdata = QTextBrowser()
        self.stamdata.setObjectName("stamdata")
        self.tabs.addTab(self.stamdata, "Stamdata")
        self._build_forloeb_tab()
        self.case_text = CaseTextTab(database)
        self.case_text.changed.connect(self._saved)
        self.tabs.addTab(self.case_text, "Forberedende del")
        self.placements = PlacementsTab(database, self.today)
        self.placements.changed.connect(self._saved)
        self.tabs.addTab(self.placements, "Praktik")
        self.documentation = DocumentationTab(database, self.today)
        self.documentation.changed.connect(self._saved)
        self.tabs.addTab(self.documentation, "Dokumentation")
        self._build_health_tab()
        self._build_activities_tab()
        self._build_journal_tab()
        self._build_meetings_tab()
        # Ctrl+E, Ctrl+J, Ctrl+D are menu actions of the main window (Borger menu).
        self._tab_loaders: dict[int, Callable[[int], None]] = {
            TAB_CASE_TEXT: self._load_case_text,
            TAB_PLACEMENTS: self.placements.show_citizen,
            TAB_DOCUMENTATION: self.documentation.show_citizen,
            TAB_HEALTH: self._load_health,
            TAB_ACTIVITIES: self._load_activities,
            TAB_JOURNAL: lambda _cid: self._load_journal(),
            TAB_MEETINGS: self._load_meetings,
        }
        self._stale: set[int] = set()
        self.tabs.currentChanged.connect(self._tab_changed)
        self._tasks: list[Task] = []
        self.setEnabled(False)
        self._show_nothing()

    # --- tabs -----------------------------------------------------------------------------------

    def _build_forloeb_tab(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.forloeb_info = QLabel()
        self.forloeb_info.setTextFormat(Qt.TextFormat.RichText)
        self.forloeb_info.setWordWrap(True)
        layout.addWidget(self.forloeb_info)
        self.goals = RecordList(
            "Mål for gruppen (seed 001)",
            [
                ("Mål", lambda g: g[1]),
                ("Nået", lambda g: fmt.date(g[2]) if g[2] else "—"),
            ],
            on_add=lambda: None,
            on_edit=self._edit_goal,
            on_delete=self._clear_goal,
        )
        self.goals.buttons["Ny…"].hide()
        self.goals.buttons["Redigér…"].setText("Markér som nået…")
        self.goals.buttons["Slet"].setText("Fjern markering")
        layout.addWidget(self.goals)
        self.history_model: RecordTableModel[Any] = RecordTableModel(
            [
                ("Gruppe", lambda f: GROUP_LABELS[f.group]),
                ("Start", lambda f: fmt.date(f.start_date)),
                ("Slut", lambda f: fmt.date(f.end_date) or "igangværende"),
                ("Begrundelse", lambda f: f.reason),
            ],
            self,
        )
        layout.addWidget(QLabel("<b>Visitationshistorik</b>"))
        self.history = _table(self.history_model)
        layout.addWidget(self.history)
        self.tabs.addTab(page, "Forløb")

    def _build_health_tab(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.health_notes = RecordList(
            "Sundhedskoordinatorens notater",
            [
                ("Dato", lambda n: fmt.date(n.note_date)),
                ("Type", lambda n: HEALTH_NOTE_LABELS[n.kind]),
                ("Sundhedskoordinator", lambda n: n.coordinator),
                ("Skånehensyn", lambda n: "; ".join(n.skaanehensyn)),
            ],
            on_add=lambda: self._health_dialog(None),
            on_edit=self._health_dialog,
            on_delete=self._delete_health,
        )
        self.health_notes.view.selectionModel().selectionChanged.connect(self._health_selected)
        layout.addWidget(self.health_notes, 2)
        self.health_text = QTextBrowser()
        self.health_text.setObjectName("healthText")
        layout.addWidget(self.health_text, 2)
        self.contacts = RecordList(
            "Kontakter: egen læge, SOF, SUF",
            [
                ("Type", lambda c: CONTACT_LABELS[c.kind]),
                ("Navn", lambda c: c.name),
                ("Enhed", lambda c: c.unit),
                ("Telefon", lambda c: c.phone),
                ("Sikker mail", lambda c: c.secure_mail),
            ],
            on_add=lambda: self._contact_dialog(None),
            on_edit=self._contact_dialog,
            on_delete=self._delete_contact,
        )
        layout.addWidget(self.contacts, 1)
        self.tabs.addTab(page, "Sundhed")

    def _build_activities_tab(self) -> None:
        self.activities = RecordList(
            "Indsatser og tilbud",
            [
                ("Type", lambda a: ACTIVITY_LABELS[a.kind]),
                ("Titel", lambda a: a.title),
                ("Udbyder", lambda a: a.provider),
                ("Start", lambda a: fmt.date(a.start_date)),
                ("Slut", lambda a: fmt.date(a.end_date)),
                ("Resultat", lambda a: a.result),
            ],
            on_add=lambda: self._activity_dialog(None),
            on_edit=self._activity_dialog,
            on_delete=self._delete_activity,
        )
        self.tabs.addTab(self.activities, "Indsatser")

    def _build_journal_tab(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.journal_search = QLineEdit()
        self.journal_search.setObjectName("journalSearch")
        self.journal_search.setPlaceholderText("Søg i journalen")
        self.journal_search.setClearButtonEnabled(True)
        self.journal_search.textChanged.connect(lambda _t: self._load_journal())
        layout.addWidget(self.journal_search)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.journal = RecordList(
            "Journalnotater (nyeste først)",
            [
                ("Dato", lambda n: fmt.date_time(n.written_at)),
                ("Type", lambda n: JOURNAL_LABELS[n.kind]),
                ("Notat", lambda n: n.text.splitlines()[0][:120] if n.text else ""),
            ],
            on_add=self.add_journal_note,
            on_edit=self._journal_dialog,
            on_delete=self._delete_journal,
            extra=(("Kopiér som tekst", self.copy_journal_note),),
        )
        self.journal.buttons["Kopiér som tekst"].setToolTip("Ctrl+Shift+C: til indsættelse i fagsystemet")
        self.journal.view.selectionModel().selectionChanged.connect(self._journal_selected)
        splitter.addWidget(self.journal)
        self.journal_text = QTextBrowser()
        self.journal_text.setObjectName("journalText")
        splitter.addWidget(self.journal_text)
        layout.addWidget(splitter)
        local_shortcut(QKeySequence("Ctrl+Shift+C"), page, lambda: self.journal._with_selected(self.copy_journal_note))
        self.tabs.addTab(page, "Journal")

    def _build_meetings_tab(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.meetings = RecordList(
            "Møder",
            [
                ("Tidspunkt", lambda m: fmt.date_time(m.starts_at)),
                ("Uge", lambda m: fmt.week(m.starts_at.date(), with_year=True)),
                ("Type", lambda m: MEETING_LABELS[m.kind]),
                ("Sted", lambda m: m.location),
                ("Afgjort", lambda m: fmt.date(m.decided_on)),
                ("Note", lambda m: m.note),
            ],
            on_add=lambda: self._meeting_dialog(None),
            on_edit=self._meeting_dialog,
            on_delete=self._delete_meeting,
        )
        layout.addWidget(self.meetings)
        self.deadlines = RecordList(
            "Egne frister og påmindelser",
            [
                ("Frist", lambda d: fmt.date(d.due_on)),
                ("Titel", lambda d: d.title),
                ("Udført", lambda d: fmt.date(d.done_on) or "—"),
            ],
            on_add=lambda: self._deadline_dialog(None),
            on_edit=self._deadline_dialog,
            on_delete=self._delete_deadline,
            extra=(("Markér udført", self._toggle_deadline_done),),
        )
        layout.addWidget(self.deadlines)
        self.tabs.addTab(page, "Møder")

    # --- loading --------------------------------------------------------------------------------

    def _show_nothing(self) -> None:
        self.header.setText("<h2 style='color:#777'>Ingen borger valgt</h2>")
        self.summary.setHtml("<p style='color:#666'>Vælg en borger i listen for at se sagen.</p>")

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
        return ask_about_unsaved(self, [self.placements, self.case_text])

    def show_citizen(self, citizen_id: int, target: str = "") -> None:
        """Open the file (the read is audited) and go to `target` if given."""
        self.citizen_id = citizen_id
        self.reload()
        if target in TARGET_TABS:
            self.tabs.setCurrentIndex(TARGET_TABS[target])

    def reload(self) -> None:
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
            f"<span style='color:#444'>CPR {fmt.cpr(f.cpr)} · {f.age} år · {escape(status)}</span>"
        )
        closed = f.closed_outcome is not None
        self.close_button.setText("&Genåbn sag…" if closed else "&Luk sag…")
        self.group_button.setEnabled(not closed)
        self.summary.setHtml(citizen_html(f, self.today, heading=False))
        self.stamdata.setHtml(self._stamdata_html(f))
        self._load_forloeb(f)
        self._load_records()

    def _stamdata_html(self, f: CitizenFile) -> str:
        rows = [
            ("Navn", f.name),
            ("CPR-nummer", fmt.cpr(f.cpr)),
            ("Alder", f"{f.age} år (født {fmt.date(cpr.birth_date(f.cpr))})"),
            ("Telefon", f.phone),
            ("E-mail", f.email),
            ("Adresse", f.address),
            ("Sprog", f.language),
            ("Tolk", "Ja" if f.interpreter_needed else "Nej"),
            ("Ydelse", BENEFIT_LABELS[f.benefit_type]),
            ("Forsørgelse", f"{f.support_years_last10} af de seneste 10 år"),
            ("Sigte", AIM_LABELS[f.aim]),
            ("Noter", f.notes),
        ]
        body = "".join(
            f"<tr><td style='color:#555; padding-right:16px'>{escape(k)}</td><td>{escape(v or '—')}</td></tr>"
            for k, v in rows
        )
        return f"<table cellpadding='4'>{body}</table><p style='color:#666'>Redigér med Ctrl+E.</p>"

    def _load_forloeb(self, f: CitizenFile) -> None:
        if f.current is None or f.closed_outcome is not None:
            self.forloeb_info.setText("<p>Intet igangværende forløb.</p>")
            self.goals.model.set_rows([])
        else:
            c = f.current
            self.forloeb_info.setText(
                f"<p><b>{GROUP_LABELS[c.group]}</b> siden {fmt.date(c.start_date)} "
                f"({fmt.week(c.start_date, with_year=True)}) · {f.weeks_in_forloeb} uger i forløbet</p>"
            )
            self.goals.model.set_rows(
                [(g.key, g.label, c.goals_reached.get(g.key)) for g in GROUP_GOALS.get(c.group, ())]
            )
        self.history_model.set_rows(list(reversed(f.forloeb)))

    def _load_records(self) -> None:
        """Load the tab in front now and the others when they are first shown: opening a
        file then reads only what the user sees (issue 9: under 50 ms)."""
        self._stale = set(self._tab_loaders)
        self._load_tab(self.tabs.currentIndex())

    def _tab_changed(self, index: int) -> None:
        self.commit_typed_input(leaving=True)  # the tab left behind keeps what was typed, as unsaved
        self._load_tab(index)

    def _load_tab(self, index: int) -> None:
        if self.citizen_id is None or index not in self._stale:
            return
        self._stale.discard(index)
        self._tab_loaders[index](self.citizen_id)

    def _load_case_text(self, citizen_id: int) -> None:
        if self.case_text.citizen_id != citizen_id or not self.case_text.dirty:
            self.case_text.show_citizen(citizen_id)

    def _load_health(self, citizen_id: int) -> None:
        self.health_notes.model.set_rows(health.list_health_notes(self.database, citizen_id))
        self.health_text.clear()
        if self.health_notes.model.rowCount():
            self.health_notes.view.selectRow(0)  # the newest note, ready to read
        self.contacts.model.set_rows(health.list_contacts(self.database, citizen_id))

    def _load_activities(self, citizen_id: int) -> None:
        self.activities.model.set_rows(records.list_activities(self.database, citizen_id))

    def _load_meetings(self, citizen_id: int) -> None:
        self.meetings.model.set_rows(records.list_meetings(self.database, citizen_id))
        self.deadlines.model.set_rows(records.list_deadlines(self.database, citizen_id))

    def _load_journal(self) -> None:
        if self.citizen_id is None:
            return
        notes = records.list_journal(self.database, self.citizen_id, self.journal_search.text())
        self.journal.model.set_rows(notes)
        self.journal_text.clear()

    def _saved(self) -> None:
        self.reload()
        if self.citizen_id is not None:
            self.changed.emit(self.citizen_id)

    def _run(self, dialog: FormDialog) -> bool:
        if dialog.exec() == FormDialog.DialogCode.Accepted:
            self._saved()
            return True
        return False

    def _confirm(self, question: str) -> bool:
        answer = QMessageBox.question(
            self, "Bekræft", question, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
        )
        return answer == QMessageBox.StandardButton.Yes

    def _try(self, fn: Callable[[], object]) -> None:
        try:
            fn()
        except UserFacingError as err:
            QMessageBox.warning(self, "jobraad", err.message)
            return
        self._saved()

    # --- dossier ---------------------------------------------------------------------------------

    def make_dossier(self) -> None:
        """Build the dossier in a worker (progress shown), then preview it from memory."""
        if self.citizen_id is None or self.file is None:
            return
        if not self.can_leave():
            return
        from jobraad.dossier import build_dossier
        from ui.dialogs.dossier_preview import DossierPreview  # imports ReportLab and QtPdf: not at start

        citizen_id, name, today = self.citizen_id, self.file.name, self.today

        def work(progress: Progress) -> bytes:
            out = io.BytesIO()
            build_dossier(self.database, citizen_id, out, today=today, progress=progress)
            return out.getvalue()

        def done(data: object) -> None:
            assert isinstance(data, bytes)
            safe = "".join(ch for ch in name if ch.isalnum() or ch in " -_").strip() or "borger"
            preview = DossierPreview(data, f"Rehabiliteringsteam {safe} {today:%Y-%m-%d}.pdf", self.database, self)
            self.last_preview = preview
            preview.exec()

        def failed(message: str, is_bug: bool) -> None:
            (QMessageBox.critical if is_bug else QMessageBox.warning)(self, "Dossier", message)

        self._tasks.append(run_with_progress(self, "Laver sagen til rehabiliteringsteamet…", work, done, failed))

    # --- stamdata, group, closing ---------------------------------------------------------------

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

    # --- goals ----------------------------------------------------------------------------------

    def _edit_goal(self, goal: tuple[str, str, dt.date | None]) -> None:
        key, label, reached = goal
        citizen_id = self.citizen_id
        assert citizen_id is not None
        self._run(
            FormDialog(
                "Mål nået",
                [Field("on", "Nået den", kind="date", required=True, problem_names=("dato",))],
                {"on": reached or self.today},
                lambda v: records.set_goal_reached(self.database, citizen_id, key, v["on"]),
                self,
                intro=label,
            )
        )

    def _clear_goal(self, goal: tuple[str, str, dt.date | None]) -> None:
        key, label, reached = goal
        if reached is None or self.citizen_id is None:
            return
        if self._confirm(f"Fjern markeringen «{label}» (nået {fmt.date(reached)})?"):
            citizen_id = self.citizen_id
            self._try(lambda: records.set_goal_reached(self.database, citizen_id, key, None))

    # --- activities -----------------------------------------------------------------------------

    def _activity_dialog(self, activity: records.ActivityView | None) -> None:
        citizen_id = self.citizen_id
        assert citizen_id is not None
        fields = [
            Field("kind", "Type", kind="choice", choices=_choices(ACTIVITY_LABELS)),
            Field("title", "Titel", problem_names=("titel",)),
            Field("provider", "Udbyder", problem_names=("udbyder",)),
            Field("start_date", "Start", kind="date", problem_names=("startdato", "start")),
            Field("end_date", "Slut", kind="date", problem_names=("slutdato", "slut")),
            Field("result", "Resultat", kind="multiline", problem_names=("resultat",)),
        ]
        values: dict[str, Any] = {"kind": ActivityKind.JOBDANSK, "start_date": self.today}
        if activity is not None:
            values = {f.key: getattr(activity, f.key) for f in fields}

        def save(v: dict[str, Any]) -> object:
            data = records.ActivityInput(
                ActivityKind(v["kind"]), v["title"], v["provider"], v["start_date"], v["end_date"], v["result"]
            )
            if activity is None:
                return records.add_activity(self.database, citizen_id, data)
            records.update_activity(self.database, activity.activity_id, data)
            return None

        self._run(FormDialog("Indsats", fields, values, save, self))

    def _delete_activity(self, activity: records.ActivityView) -> None:
        if self._confirm(f"Slet indsatsen «{ACTIVITY_LABELS[activity.kind]} {activity.title}»?"):
            self._try(lambda: records.delete_activity(self.database, activity.activity_id))

    # --- journal --------------------------------------------------------------------------------

    def add_journal_note(self) -> None:
        if self.citizen_id is not None:
            self.tabs.setCurrentIndex(TAB_JOURNAL)
            self._journal_dialog(None)

    def _journal_dialog(self, note: JournalView | None) -> None:
        citizen_id = self.citizen_id
        assert citizen_id is not None
        now = dt.datetime.now().replace(second=0, microsecond=0)
        written = note.written_at if note else now
        fields = [
            Field("kind", "Type", kind="choice", choices=_choices(JOURNAL_LABELS)),
            Field("date", "Dato", kind="date", required=True, problem_names=("dato",)),
            Field("time", "Klokken", kind="time", required=True, problem_names=("tidspunkt",)),
            Field("text", "Notat", kind="multiline", required=True, problem_names=("tekst",)),
        ]
        values = {
            "kind": note.kind if note else JournalKind.SAMTALE,
            "date": written.date(),
            "time": written.time(),
            "text": note.text if note else "",
        }

        def save(v: dict[str, Any]) -> object:
            data = records.JournalInput(JournalKind(v["kind"]), v["text"], dt.datetime.combine(v["date"], v["time"]))
            if note is None:
                return records.add_journal_note(self.database, citizen_id, data)
            records.update_journal_note(self.database, note.note_id, data)
            return None

        self._run(FormDialog("Journalnotat", fields, values, save, self))

    def _delete_journal(self, note: JournalView) -> None:
        if self._confirm(f"Slet journalnotatet fra {fmt.date_time(note.written_at)}?"):
            self._try(lambda: records.delete_journal_note(self.database, note.note_id))

    def _journal_selected(self) -> None:
        note = self.journal.selected()
        if note is None:
            self.journal_text.clear()
            return
        self.journal_text.setPlainText(records.journal_note_as_text(note))

    def copy_journal_note(self, note: JournalView) -> None:
        QGuiApplication.clipboard().setText(records.journal_note_as_text(note))
        window = self.window()
        status = getattr(window, "statusBar", None)
        if callable(status):
            status().showMessage("Notatet er kopieret som tekst.", 5000)

    # --- health and contacts -------------------------------------------------------------------

    def _health_selected(self) -> None:
        n = self.health_notes.selected()
        if n is None:
            self.health_text.clear()
            return
        items = "".join(f"<li>{escape(x)}</li>" for x in n.skaanehensyn) or "<li>—</li>"
        self.health_text.setHtml(
            f"<h3>{HEALTH_NOTE_LABELS[n.kind]} {fmt.date(n.note_date)}</h3>"
            f"<p><b>Helbredsforhold:</b> {escape(n.conditions) or '—'}</p>"
            f"<p><b>Funktionsbegrænsninger:</b> {escape(n.functional_limits) or '—'}</p>"
            f"<p><b>Skånehensyn:</b></p><ul>{items}</ul>"
            f"<p><b>Anbefalinger:</b> {escape(n.recommendations) or '—'}</p>"
        )

    def _health_dialog(self, note: health.HealthNoteView | None) -> None:
        citizen_id = self.citizen_id
        assert citizen_id is not None
        fields = [
            Field("note_date", "Dato", kind="date", required=True, problem_names=("dato",)),
            Field("kind", "Type", kind="choice", choices=_choices(HEALTH_NOTE_LABELS)),
            Field("coordinator", "Sundhedskoordinator", problem_names=("sundhedskoordinator",)),
            Field("conditions", "Helbredsforhold", kind="multiline", problem_names=("helbredsforhold",)),
            Field("functional_limits", "Funktionsbegrænsninger", kind="multiline"),
            Field("skaanehensyn", "Skånehensyn (ét pr. linje)", kind="multiline", problem_names=("skånehensyn",)),
            Field("recommendations", "Anbefalinger", kind="multiline", problem_names=("anbefalinger",)),
        ]
        values: dict[str, Any] = {"note_date": self.today, "kind": HealthNoteKind.HELBREDSGENNEMGANG}
        if note is not None:
            values = {f.key: getattr(note, f.key) for f in fields}
            values["skaanehensyn"] = "\n".join(note.skaanehensyn)

        def save(v: dict[str, Any]) -> object:
            data = health.HealthNoteInput(
                note_date=v["note_date"],
                kind=HealthNoteKind(v["kind"]),
                coordinator=v["coordinator"],
                conditions=v["conditions"],
                functional_limits=v["functional_limits"],
                skaanehensyn=v["skaanehensyn"].splitlines(),
                recommendations=v["recommendations"],
            )
            if note is None:
                return health.add_health_note(self.database, citizen_id, data)
            health.update_health_note(self.database, note.note_id, data)
            return None

        self._run(FormDialog("Sundhedskoordinatorens notat", fields, values, save, self))

    def _delete_health(self, note: health.HealthNoteView) -> None:
        if self._confirm(f"Slet sundhedskoordinatorens notat fra {fmt.date(note.note_date)}?"):
            self._try(lambda: health.delete_health_note(self.database, note.note_id))

    def _contact_dialog(self, contact: health.ContactView | None) -> None:
        citizen_id = self.citizen_id
        assert citizen_id is not None
        fields = [
            Field("kind", "Type", kind="choice", choices=_choices(CONTACT_LABELS)),
            Field("name", "Navn", required=True, problem_names=("navn",)),
            Field("unit", "Enhed / klinik", problem_names=("enhed",)),
            Field("phone", "Telefon", problem_names=("telefon",)),
            Field("secure_mail", "Sikker mail", problem_names=("sikker mail", "mail", "email")),
        ]
        values: dict[str, Any] = {"kind": ContactKind.EGEN_LAEGE}
        if contact is not None:
            values = {f.key: getattr(contact, f.key) for f in fields}

        def save(v: dict[str, Any]) -> object:
            data = health.ContactInput(ContactKind(v["kind"]), v["name"], v["unit"], v["phone"], v["secure_mail"])
            if contact is None:
                return health.add_contact(self.database, citizen_id, data)
            health.update_contact(self.database, contact.contact_id, data)
            return None

        self._run(FormDialog("Kontakt", fields, values, save, self))

    def _delete_contact(self, contact: health.ContactView) -> None:
        if self._confirm(f"Slet kontakten «{contact.name}»?"):
            self._try(lambda: health.delete_contact(self.database, contact.contact_id))

    # --- meetings and deadlines -----------------------------------------------------------------

    def _meeting_dialog(self, meeting: records.MeetingView | None) -> None:
        citizen_id = self.citizen_id
        assert citizen_id is not None
        fields = [
            Field("kind", "Type", kind="choice", choices=_choices(MEETING_LABELS)),
            Field("date", "Dato", kind="date", required=True, problem_names=("dato",)),
            Field("time", "Klokken", kind="time", required=True, problem_names=("tidspunkt",)),
            Field("location", "Sted", problem_names=("sted",)),
            Field("decided_on", "Afgjort den", kind="date", problem_names=("afgjort",)),
            Field("note", "Note", kind="multiline"),
        ]
        start = meeting.starts_at if meeting else dt.datetime.combine(self.today, dt.time(10, 0))
        values = {
            "kind": meeting.kind if meeting else MeetingKind.SAMTALE,
            "date": start.date(),
            "time": start.time(),
            "location": meeting.location if meeting else "",
            "decided_on": meeting.decided_on if meeting else None,
            "note": meeting.note if meeting else "",
        }

        def save(v: dict[str, Any]) -> object:
            data = records.MeetingInput(
                MeetingKind(v["kind"]),
                dt.datetime.combine(v["date"], v["time"]),
                v["location"],
                v["note"],
                v["decided_on"],
            )
            if meeting is None:
                return records.add_meeting(self.database, citizen_id, data)
            records.update_meeting(self.database, meeting.meeting_id, data)
            return None

        self._run(FormDialog("Møde", fields, values, save, self))

    def _delete_meeting(self, meeting: records.MeetingView) -> None:
        if self._confirm(f"Slet mødet {fmt.date_time(meeting.starts_at)}?"):
            self._try(lambda: records.delete_meeting(self.database, meeting.meeting_id))

    def _deadline_dialog(self, deadline: records.DeadlineView | None) -> None:
        citizen_id = self.citizen_id
        assert citizen_id is not None
        fields = [
            Field("title", "Titel", required=True, problem_names=("titel",)),
            Field("due_on", "Frist", kind="date", required=True, problem_names=("dato", "frist")),
        ]
        values: dict[str, Any] = (
            {"title": deadline.title, "due_on": deadline.due_on}
            if deadline
            else {"due_on": self.today + dt.timedelta(weeks=1)}
        )

        def save(v: dict[str, Any]) -> object:
            data = records.DeadlineInput(v["due_on"], v["title"])
            if deadline is None:
                return records.add_deadline(self.database, citizen_id, data)
            records.update_deadline(self.database, deadline.deadline_id, data)
            return None

        self._run(FormDialog("Frist", fields, values, save, self))

    def _toggle_deadline_done(self, deadline: records.DeadlineView) -> None:
        done = None if deadline.done_on else self.today
        self._try(lambda: records.set_deadline_done(self.database, deadline.deadline_id, done))

    def _delete_deadline(self, deadline: records.DeadlineView) -> None:
        if self._confirm(f"Slet fristen «{deadline.title}»?"):
            self._try(lambda: records.delete_deadline(self.database, deadline.deadline_id))
