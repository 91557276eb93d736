"""The Journal tab: the caseworker's notes, newest first, searchable, and copied as plain
text for the official case system."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QLineEdit, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from db.enums import JournalKind
from jobraad import formatting as fmt
from jobraad import records
from jobraad.citizen_file import JournalView
from jobraad.vocab import JOURNAL_LABELS
from ui.file_tabs.base import FileTab
from ui.file_tabs.record_list import RecordList, RowAction
from ui.forms import Field, FormDialog, choices
from ui.shortcuts import local_shortcut

if TYPE_CHECKING:
    from db.session import Database


class JournalTab(FileTab):
    """Signals: changed() after a note was saved or deleted."""

    def __init__(self, database: Database, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(database, today, parent)
        layout = QVBoxLayout(self)
        self.search = QLineEdit()
        self.search.setObjectName("journalSearch")
        self.search.setPlaceholderText("Søg i journalen")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self.reload())
        layout.addWidget(self.search)
        splitter = QSplitter(Qt.Orientation.Vertical)
        self.notes = RecordList(
            "Journalnotater (nyeste først)",
            [
                ("Dato", lambda n: fmt.date_time(n.written_at)),
                ("Type", lambda n: JOURNAL_LABELS[n.kind]),
                ("Notat", lambda n: n.text.splitlines()[0][:120] if n.text else ""),
            ],
            on_add=self.add_note,
            on_edit=self._note_dialog,
            on_delete=self._delete_note,
            extra=(
                RowAction("copy", "Kopiér som tekst", self.copy_note, "Ctrl+Shift+C: til indsættelse i fagsystemet"),
            ),
        )
        self.notes.selection_changed.connect(self._note_selected)
        splitter.addWidget(self.notes)
        self.note_text = QTextBrowser()
        self.note_text.setObjectName("journalText")
        splitter.addWidget(self.note_text)
        layout.addWidget(splitter)
        local_shortcut(QKeySequence("Ctrl+Shift+C"), self, lambda: self.notes.run_on_selected(self.copy_note))

    def reload(self) -> None:
        if self.citizen_id is None:
            return
        self.notes.set_rows(records.list_journal(self.database, self.citizen_id, self.search.text()))
        self.note_text.clear()

    def select_note(self, note_id: int) -> bool:
        """The note selected and shown (a hit of the caseload-wide search); a search typed in
        the journal that hides it is cleared first."""
        found = self.notes.select_where(lambda n: n.note_id == note_id)
        if not found and self.search.text():
            self.search.clear()  # reads the notes again
            found = self.notes.select_where(lambda n: n.note_id == note_id)
        return found

    def add_note(self) -> None:
        self._note_dialog(None)

    def _note_dialog(self, note: JournalView | None) -> None:
        citizen_id = self.citizen_id
        assert citizen_id is not None
        now = dt.datetime.now().replace(second=0, microsecond=0)
        written = note.written_at if note else now
        fields = [
            Field("kind", "Type", kind="choice", choices=choices(JOURNAL_LABELS)),
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

        self.run_dialog(FormDialog("Journalnotat", fields, values, save, self))

    def _delete_note(self, note: JournalView) -> None:
        if self.confirm(f"Slet journalnotatet fra {fmt.date_time(note.written_at)}?"):
            self.attempt(lambda: records.delete_journal_note(self.database, note.note_id))

    def _note_selected(self) -> None:
        note = self.notes.selected()
        if note is None:
            self.note_text.clear()
            return
        self.note_text.setPlainText(records.journal_note_as_text(note))

    def copy_note(self, note: JournalView) -> None:
        QGuiApplication.clipboard().setText(records.journal_note_as_text(note))
        status = getattr(self.window(), "statusBar", None)
        if callable(status):
            status().showMessage("Notatet er kopieret som tekst.", 5000)
