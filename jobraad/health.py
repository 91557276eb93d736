"""The sundhedskoordinator's notes (health review, 3-partssamtale, advice) and the
citizen's partner contacts (GP, specialist, SOF, SUF, hospital).

The skånehensyn of the newest note that has any are the ones placements and the
dossier reuse (`current_skaanehensyn`). A contact of a kind is what request
letters and the dossier address (`contact_for`).

Every function is one transaction: it either saves all it was given or raises
`ValidationFailed` (Danish message per field) and saves nothing. Every change is
logged with `audit.record`, naming the kind of record, never its content.
Views returned to the UI are plain frozen dataclasses, never ORM objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from db.enums import ContactKind, HealthNoteKind
from db.models import HealthNote, PartnerContact
from db.session import Database
from jobraad import audit
from jobraad.citizens import _EMAIL, _PHONE
from jobraad.errors import FieldProblem, ValidationFailed
from jobraad.records import RecordNotFound, _citizen, _get, _too_long
from jobraad.text import danish_sort_key

__all__ = [
    "HEALTH_TEXT_MAX_CHARS",
    "SKAANEHENSYN_MAX_CHARS",
    "SKAANEHENSYN_MAX_ITEMS",
    "ContactInput",
    "ContactView",
    "HealthNoteInput",
    "HealthNoteView",
    "RecordNotFound",
    "add_contact",
    "add_health_note",
    "contact_for",
    "current_skaanehensyn",
    "delete_contact",
    "delete_health_note",
    "list_contacts",
    "list_health_notes",
    "split_skaanehensyn",
    "update_contact",
    "update_health_note",
]

HEALTH_TEXT_MAX_CHARS = 20_000
SKAANEHENSYN_MAX_CHARS = 200
SKAANEHENSYN_MAX_ITEMS = 30
_SHORT_TEXT = 200  # String(200) columns: coordinator, name, unit, secure mail
_PHONE_MAX = 40  # String(40)


# --- views and inputs ------------------------------------------------------------


@dataclass(frozen=True)
class HealthNoteView:
    note_id: int
    note_date: dt.date
    kind: HealthNoteKind
    coordinator: str
    conditions: str
    functional_limits: str
    skaanehensyn: tuple[str, ...]
    recommendations: str


@dataclass
class HealthNoteInput:
    note_date: dt.date
    kind: HealthNoteKind
    coordinator: str = ""
    conditions: str = ""
    functional_limits: str = ""
    skaanehensyn: list[str] = field(default_factory=list)
    recommendations: str = ""


@dataclass(frozen=True)
class ContactView:
    contact_id: int
    kind: ContactKind
    name: str
    unit: str
    phone: str
    secure_mail: str


@dataclass
class ContactInput:
    kind: ContactKind
    name: str
    unit: str = ""
    phone: str = ""
    secure_mail: str = ""


# --- skånehensyn as stored: one per line ---------------------------------------------


def split_skaanehensyn(items: Iterable[str]) -> list[str]:
    """The items, one per line, stripped and without blank lines. An item typed with
    line breaks in it becomes several items: that is how the column would read it back."""
    return [line.strip() for item in items for line in item.splitlines() if line.strip()]


def _from_column(text: str) -> tuple[str, ...]:
    return tuple(split_skaanehensyn([text]))


# --- health notes ------------------------------------------------------------------

_HEALTH_MISSING = "Notatet fra sundhedskoordinatoren findes ikke (længere)."


def _health_problems(data: HealthNoteInput, today: dt.date) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if not isinstance(data.note_date, dt.date) or isinstance(data.note_date, dt.datetime):
        problems.append(FieldProblem("dato", "Notatet skal have en dato."))
    elif data.note_date > today:
        problems.append(FieldProblem("dato", "Datoen ligger i fremtiden."))
    if not isinstance(data.kind, HealthNoteKind):
        problems.append(FieldProblem("type", "Vælg en type notat."))
    _too_long(problems, "sundhedskoordinator", data.coordinator.strip(), _SHORT_TEXT)
    texts = (
        ("helbredsforhold", data.conditions),
        ("funktionsbegrænsninger", data.functional_limits),
        ("anbefalinger", data.recommendations),
    )
    for name, value in texts:
        _too_long(problems, name, value.strip(), HEALTH_TEXT_MAX_CHARS)
    items = split_skaanehensyn(data.skaanehensyn)
    if len(items) > SKAANEHENSYN_MAX_ITEMS:
        problems.append(FieldProblem("skånehensyn", f"Højst {SKAANEHENSYN_MAX_ITEMS} skånehensyn (nu {len(items)})."))
    too_long = [str(n) for n, item in enumerate(items, start=1) if len(item) > SKAANEHENSYN_MAX_CHARS]
    if too_long:
        problems.append(
            FieldProblem(
                "skånehensyn",
                f"Højst {SKAANEHENSYN_MAX_CHARS} tegn pr. skånehensyn (for langt: nr. {', '.join(too_long)}).",
            )
        )
    if not items and not any(value.strip() for _, value in texts):
        problems.append(FieldProblem("notat", "Notatet er tomt."))
    return problems


def _apply_health(note: HealthNote, data: HealthNoteInput) -> None:
    note.note_date = data.note_date
    note.kind = data.kind
    note.coordinator = data.coordinator.strip()
    note.conditions = data.conditions.strip()
    note.functional_limits = data.functional_limits.strip()
    note.skaanehensyn = "\n".join(split_skaanehensyn(data.skaanehensyn))
    note.recommendations = data.recommendations.strip()


def _health_view(n: HealthNote) -> HealthNoteView:
    return HealthNoteView(
        n.id,
        n.note_date,
        n.kind,
        n.coordinator,
        n.conditions,
        n.functional_limits,
        _from_column(n.skaanehensyn),
        n.recommendations,
    )


def list_health_notes(database: Database, citizen_id: int) -> list[HealthNoteView]:
    """Newest first; notes of the same day, the last entered first."""
    with database.reading() as session:
        _citizen(session, citizen_id)
        stmt = (
            select(HealthNote)
            .where(HealthNote.citizen_id == citizen_id)
            .order_by(HealthNote.note_date.desc(), HealthNote.id.desc())
        )
        return [_health_view(n) for n in session.scalars(stmt)]


def add_health_note(database: Database, citizen_id: int, data: HealthNoteInput) -> int:
    problems = _health_problems(data, dt.date.today())
    with database.transaction() as session:
        citizen = _citizen(session, citizen_id)
        if problems:
            raise ValidationFailed(problems, "Notatet er ikke gemt:")
        note = HealthNote()
        _apply_health(note, data)
        citizen.health_notes.append(note)
        session.flush()
        audit.record(session, audit.Action.CHANGE, citizen_id, "sundhedskoordinator")
        return note.id


def update_health_note(database: Database, note_id: int, data: HealthNoteInput) -> None:
    problems = _health_problems(data, dt.date.today())
    with database.transaction() as session:
        note = _get(session, HealthNote, note_id, _HEALTH_MISSING)
        if problems:
            raise ValidationFailed(problems, "Ændringerne er ikke gemt:")
        _apply_health(note, data)
        audit.record(session, audit.Action.CHANGE, note.citizen_id, "sundhedskoordinator")


def delete_health_note(database: Database, note_id: int) -> None:
    with database.transaction() as session:
        note = _get(session, HealthNote, note_id, _HEALTH_MISSING)
        citizen_id = note.citizen_id
        session.delete(note)
        audit.record(session, audit.Action.CHANGE, citizen_id, "sundhedskoordinator slettet")


def current_skaanehensyn(database: Database, citizen_id: int) -> list[str]:
    """The skånehensyn of the newest note that has any (a later note about something
    else does not blank them), without repeats, in the order written."""
    with database.reading() as session:
        _citizen(session, citizen_id)
        stmt = (
            select(HealthNote.skaanehensyn)
            .where(HealthNote.citizen_id == citizen_id)
            .order_by(HealthNote.note_date.desc(), HealthNote.id.desc())
        )
        for text in session.scalars(stmt):
            items = _from_column(text)
            if items:
                return list(dict.fromkeys(items))
        return []


# --- partner contacts --------------------------------------------------------------

_CONTACT_MISSING = "Kontakten findes ikke (længere)."
_KIND_ORDER = {kind: n for n, kind in enumerate(ContactKind)}


def _contact_problems(data: ContactInput) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if not isinstance(data.kind, ContactKind):
        problems.append(FieldProblem("type", "Vælg en type kontakt."))
    name = data.name.strip()
    if not name:
        problems.append(FieldProblem("navn", "Skriv kontaktens navn."))
    _too_long(problems, "navn", name, _SHORT_TEXT)
    _too_long(problems, "enhed", data.unit.strip(), _SHORT_TEXT)
    phone = data.phone.strip()
    _too_long(problems, "telefon", phone, _PHONE_MAX)
    if phone and not _PHONE.match(phone):
        problems.append(FieldProblem("telefon", f"«{phone}» er ikke et telefonnummer."))
    mail = data.secure_mail.strip()
    _too_long(problems, "sikker mail", mail, _SHORT_TEXT)
    if mail and not _EMAIL.match(mail):
        problems.append(FieldProblem("sikker mail", f"«{mail}» er ikke en e-mailadresse."))
    return problems


def _apply_contact(contact: PartnerContact, data: ContactInput) -> None:
    contact.kind = data.kind
    contact.name = data.name.strip()
    contact.unit = data.unit.strip()
    contact.phone = data.phone.strip()
    contact.secure_mail = data.secure_mail.strip()


def _contact_view(c: PartnerContact) -> ContactView:
    return ContactView(c.id, c.kind, c.name, c.unit, c.phone, c.secure_mail)


def _contact_key(c: PartnerContact) -> tuple[int, str, int]:
    return (_KIND_ORDER[c.kind], danish_sort_key(c.name), c.id)


def list_contacts(database: Database, citizen_id: int) -> list[ContactView]:
    """In the order of `ContactKind` (egen læge first), then by name as a Dane sorts."""
    with database.reading() as session:
        _citizen(session, citizen_id)
        rows = session.scalars(select(PartnerContact).where(PartnerContact.citizen_id == citizen_id)).all()
        return [_contact_view(c) for c in sorted(rows, key=_contact_key)]


def contact_for(database: Database, citizen_id: int, kind: ContactKind) -> ContactView | None:
    """The contact of `kind` that `list_contacts` shows first, or None."""
    with database.reading() as session:
        _citizen(session, citizen_id)
        stmt = select(PartnerContact).where(PartnerContact.citizen_id == citizen_id, PartnerContact.kind == kind)
        rows = sorted(session.scalars(stmt), key=_contact_key)
        return _contact_view(rows[0]) if rows else None


def add_contact(database: Database, citizen_id: int, data: ContactInput) -> int:
    problems = _contact_problems(data)
    with database.transaction() as session:
        citizen = _citizen(session, citizen_id)
        if problems:
            raise ValidationFailed(problems, "Kontakten er ikke gemt:")
        contact = PartnerContact()
        _apply_contact(contact, data)
        citizen.contacts.append(contact)
        session.flush()
        audit.record(session, audit.Action.CHANGE, citizen_id, "kontakt")
        return contact.id


def update_contact(database: Database, contact_id: int, data: ContactInput) -> None:
    problems = _contact_problems(data)
    with database.transaction() as session:
        contact = _get(session, PartnerContact, contact_id, _CONTACT_MISSING)
        if problems:
            raise ValidationFailed(problems, "Ændringerne er ikke gemt:")
        _apply_contact(contact, data)
        audit.record(session, audit.Action.CHANGE, contact.citizen_id, "kontakt")


def delete_contact(database: Database, contact_id: int) -> None:
    with database.transaction() as session:
        contact = _get(session, PartnerContact, contact_id, _CONTACT_MISSING)
        citizen_id = contact.citizen_id
        session.delete(contact)
        audit.record(session, audit.Action.CHANGE, citizen_id, "kontakt slettet")
