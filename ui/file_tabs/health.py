"""The Sundhed tab: the sundhedskoordinator's notes (with skånehensyn) and the contacts
at the GP, SOF and SUF."""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from db.enums import ContactKind, HealthNoteKind
from jobraad import formatting as fmt
from jobraad import health
from jobraad.vocab import CONTACT_LABELS, HEALTH_NOTE_LABELS
from ui.file_tabs.base import FileTab
from ui.file_tabs.record_list import RecordList
from ui.forms import Field, FormDialog, choices

if TYPE_CHECKING:
    from db.session import Database


class HealthTab(FileTab):
    """Signals: changed() after a note or a contact was saved or deleted."""

    def __init__(self, database: Database, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(database, today, parent)
        layout = QVBoxLayout(self)
        self.notes = RecordList(
            "Sundhedskoordinatorens notater",
            [
                ("Dato", lambda n: fmt.date(n.note_date)),
                ("Type", lambda n: HEALTH_NOTE_LABELS[n.kind]),
                ("Sundhedskoordinator", lambda n: n.coordinator),
                ("Skånehensyn", lambda n: "; ".join(n.skaanehensyn)),
            ],
            on_add=lambda: self._note_dialog(None),
            on_edit=self._note_dialog,
            on_delete=self._delete_note,
        )
        self.notes.selection_changed.connect(self._note_selected)
        layout.addWidget(self.notes, 2)
        self.note_text = QTextBrowser()
        self.note_text.setObjectName("healthText")
        layout.addWidget(self.note_text, 2)
        self.contacts = RecordList(
            "Kontakter: læger, SOF, SUF m.fl.",
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

    def reload(self) -> None:
        if self.citizen_id is None:
            return
        self.notes.set_rows(health.list_health_notes(self.database, self.citizen_id))
        self.note_text.clear()
        if self.notes.model.rowCount():
            self.notes.view.selectRow(0)  # the newest note, ready to read
        self.contacts.set_rows(health.list_contacts(self.database, self.citizen_id))

    # --- the sundhedskoordinator's notes --------------------------------------------------------

    def _note_selected(self) -> None:
        n = self.notes.selected()
        if n is None:
            self.note_text.clear()
            return
        items = "".join(f"<li>{escape(x)}</li>" for x in n.skaanehensyn) or "<li>—</li>"
        self.note_text.setHtml(
            f"<h3>{HEALTH_NOTE_LABELS[n.kind]} {fmt.date(n.note_date)}</h3>"
            f"<p><b>Helbredsforhold:</b> {escape(n.conditions) or '—'}</p>"
            f"<p><b>Funktionsbegrænsninger:</b> {escape(n.functional_limits) or '—'}</p>"
            f"<p><b>Skånehensyn:</b></p><ul>{items}</ul>"
            f"<p><b>Anbefalinger:</b> {escape(n.recommendations) or '—'}</p>"
        )

    def _note_dialog(self, note: health.HealthNoteView | None) -> None:
        citizen_id = self.citizen_id
        assert citizen_id is not None
        fields = [
            Field("note_date", "Dato", kind="date", required=True, problem_names=("dato",)),
            Field("kind", "Type", kind="choice", choices=choices(HEALTH_NOTE_LABELS)),
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

        self.run_dialog(FormDialog("Sundhedskoordinatorens notat", fields, values, save, self))

    def _delete_note(self, note: health.HealthNoteView) -> None:
        if self.confirm(f"Slet sundhedskoordinatorens notat fra {fmt.date(note.note_date)}?"):
            self.attempt(lambda: health.delete_health_note(self.database, note.note_id))

    # --- contacts -------------------------------------------------------------------------------

    def _contact_dialog(self, contact: health.ContactView | None) -> None:
        citizen_id = self.citizen_id
        assert citizen_id is not None
        fields = [
            Field("kind", "Type", kind="choice", choices=choices(CONTACT_LABELS)),
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

        self.run_dialog(FormDialog("Kontakt", fields, values, save, self))

    def _delete_contact(self, contact: health.ContactView) -> None:
        if self.confirm(f"Slet kontakten «{contact.name}»?"):
            self.attempt(lambda: health.delete_contact(self.database, contact.contact_id))
