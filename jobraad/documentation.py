"""The documentation checklist of a case: what the rule pack asks for, how far
each item has come, what to do next, and whether the case is ready for the
rehabiliteringsteam (or what replaces it under the case's pack).

The rule pack (resources/rulepacks) says what is needed; the database holds only
the state of each item (`DocumentationItem`) and its history (`DocumentEvent`).

A case records its pack (`Citizen.rule_pack`, `rule_pack_since`) when its assessment
starts: at the first documentation step recorded, whether an item is requested,
received, set aside, given an attachment or a consent is recorded. That is the day the
caseworker begins gathering the case under a set of rules, and the packs' transition
rules keep a case under the rules it began with. The pack in force on that day is
recorded; later days, law changes and new forløb do not move it. Until then the
checklist shows the pack a step taken today would record. Changing a recorded pack is
an explicit act with a reason (`set_rule_pack`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.enums import Aim, DocumentSource, DocumentState, JournalKind, MeetingKind, PlacementKind
from db.models import (
    Attachment,
    CaseText,
    Citizen,
    Consent,
    DocumentationItem,
    DocumentEvent,
    Forloeb,
    GoalProgress,
    JournalNote,
    Meeting,
    Placement,
    TeamWorkflow,
)
from db.session import Database
from jobraad import audit, bulk
from jobraad import formatting as fmt
from jobraad.case_pack import record_pack
from jobraad.citizens import CitizenNotFound
from jobraad.consents import (
    ConsentInput,
    ConsentView,
    consent_covers,
    consent_problems,
    read_consents,
    record_consent,
)
from jobraad.dates import deadline_after
from jobraad.errors import FieldProblem, ValidationFailed
from jobraad.praktik_rules import statement_placement_kinds
from jobraad.rulepacks import (
    RuleItem,
    RulePack,
    Status,
    builtin_packs,
    default_pack_for,
    documented_aims,
    get_pack,
)
from jobraad.visitation import DueItem, DueKind, DueTarget, decision_goals
from jobraad.vocab import AIM_LABELS, DOCUMENT_STATE_LABELS, SOURCE_LABELS

# Placements after which an employer statement is expected: data (resources/rules/praktik.toml).
STATEMENT_PLACEMENTS: tuple[PlacementKind, ...] = statement_placement_kinds()
DONE_STATES = (DocumentState.MODTAGET, DocumentState.IKKE_RELEVANT)


@dataclass(frozen=True)
class EventView:
    at: dt.datetime
    from_state: DocumentState | None
    to_state: DocumentState
    note: str


@dataclass(frozen=True)
class AttachmentRef:
    attachment_id: int
    filename: str
    mime_type: str
    size: int


@dataclass(frozen=True)
class ChecklistEntry:
    item: RuleItem
    instance: str  # "" or "placement-<id>" for items that repeat per placement
    instance_label: str
    state: DocumentState
    requested_on: dt.date | None = None
    requested_from: str = ""
    expected_by: dt.date | None = None
    received_on: dt.date | None = None
    not_relevant_reason: str = ""
    note: str = ""
    record_id: int | None = None
    attachments: tuple[AttachmentRef, ...] = ()
    events: tuple[EventView, ...] = ()
    # Set for a stored row that is no line of the case's checklist (recorded under another
    # pack or aim): shown so nothing recorded is hidden, never counted in readiness.
    outside: str = ""
    # Received and kept on paper rather than attached: why (`set_on_paper`).
    on_paper_reason: str = ""
    # Under the case's pack, the document counts only when attached or kept on paper
    # (`RulePack.needs_file`).
    needs_file: bool = False

    @property
    def from_text(self) -> bool:
        """Written, not gathered: in place when its case texts have text (`RuleItem.texts`)."""
        return bool(self.item.texts)

    @property
    def unfiled(self) -> bool:
        """Received, but neither attached nor marked as kept on paper, where the pack needs that."""
        return (
            self.needs_file
            and self.state == DocumentState.MODTAGET
            and not self.attachments
            and not self.on_paper_reason.strip()
        )

    @property
    def title(self) -> str:
        title = _line_title(self.item.title, self.instance_label)
        return f"{title} ({self.outside})" if self.outside else title

    @property
    def done(self) -> bool:
        return self.state in DONE_STATES and not self.unfiled

    def overdue(self, today: dt.date) -> bool:
        return _overdue(self.state, self.expected_by, today)

    def days_overdue(self, today: dt.date) -> int:
        return (today - self.expected_by).days if self.overdue(today) and self.expected_by else 0


def _line_title(item_title: str, instance_label: str) -> str:
    """The title of a checklist line: the item's, and for an item repeated per placement, the placement's."""
    return f"{item_title} – {instance_label}" if instance_label else item_title


def _overdue(state: DocumentState, expected_by: dt.date | None, today: dt.date) -> bool:
    """Requested, and the answer was expected before today."""
    return state == DocumentState.ANMODET and expected_by is not None and expected_by < today


@dataclass(frozen=True)
class Readiness:
    """How far a case's documentation has come: every required line of its checklist,
    those received or set aside (`done`), the requests overdue (required or not)."""

    required: int
    done: int
    overdue: int
    missing: tuple[str, ...]  # titles of required items not yet received or set aside
    # What else keeps the case from being ready, in Danish ("LÆ 265 er for gammel …").
    problems: tuple[str, ...] = ()

    @property
    def ready(self) -> bool:
        return self.required > 0 and not self.missing and not self.problems

    @property
    def label(self) -> str:
        """For the caseload column: '7/11, 2 forsinket', 'klar', or '' when nothing applies."""
        if self.required == 0:
            return ""
        text = "klar" if self.ready else f"{self.done}/{self.required}"
        if self.overdue:
            text += f", {self.overdue} forsinket"
        if self.problems:
            text += ", " + ", ".join(_SHORT_PROBLEMS.get(p.split(":")[0], p) for p in self.problems)
        return text


LAE265_TOO_OLD = "LÆ 265 er for gammel"
CONSENT_MISSING = "Samtykke mangler"
_SHORT_PROBLEMS = {LAE265_TOO_OLD: "LÆ 265 for gammel", CONSENT_MISSING: "samtykke mangler"}


@dataclass(frozen=True)
class NextStep:
    priority: int  # 1 consent, 2 overdue, 3 can be asked now, 4 waiting, 5 ready
    text: str
    entry: ChecklistEntry | None = None


@dataclass(frozen=True)
class Checklist:
    citizen_id: int
    aim: Aim
    pack: RulePack
    pack_chosen: bool  # True: the case has recorded its pack; False: the pack a step today would record
    pack_since: dt.date | None  # the day the case recorded its pack
    entries: tuple[ChecklistEntry, ...]
    consents: tuple[ConsentView, ...]
    readiness: Readiness  # on the day the checklist was read for, by `readiness_by_citizen`
    # An oplagt førtidspension case, decided without the team (the pack's `without_team`).
    without_team: bool = False

    @property
    def ready_text(self) -> str:
        """What "ready" means for this case: "Klar til rehabiliteringsteamet", "Klar til afgørelse …"."""
        return self.pack.without_team.ready if self.without_team else self.pack.terms.ready

    def entry(self, item_id: str, instance: str = "") -> ChecklistEntry:
        for e in self.entries:
            if e.item.id == item_id and e.instance == instance:
                return e
        raise KeyError((item_id, instance))


# --- which pack, which items ------------------------------------------------------------------


def pack_for(citizen_rule_pack: str, today: dt.date) -> tuple[RulePack, bool]:
    """The pack the case recorded (and True), or, before its assessment has started, the
    pack a step taken `today` would record (and False)."""
    if citizen_rule_pack:
        return get_pack(citizen_rule_pack), True
    return default_pack_for(today), False


def _statement_place(p: Any) -> tuple[str, str]:
    """The checklist instance and its label for a placement (object or row) after which an
    employer statement is expected."""
    return f"placement-{p.id}", f"{p.employer_name} (fra {fmt.date(p.start_date)})"


class _Line(NamedTuple):
    """A line of a checklist."""

    item: RuleItem
    key: tuple[str, str]  # (item id, instance) as stored; instance "" or "placement-<id>"
    label: str  # the instance's label: "" or the placement's
    # Worked out once per line rather than each time a readiness is counted:
    required: bool  # `item.required`
    title: str  # `_line_title`


def _line(item: RuleItem, instance: str, label: str, required: bool) -> _Line:
    return _Line(item, (item.id, instance), label, required, _line_title(item.title, label))


def _plan(items: Iterable[RuleItem]) -> list[_Line]:
    """The lines of a checklist of `items` (a pack's items for an aim) for a case without
    placements after which a statement is expected."""
    return [_line(item, "", "", item.required) for item in items]


def _lines(plan: list[_Line], places: Sequence[tuple[str, str]]) -> list[_Line]:
    """The lines of a checklist, in order: each line of the `plan`, or, for an item the pack
    asks for per placement, one for each placement after which a statement is expected
    (`places`, from `_statement_place`), when there are any."""
    if not places:
        return plan
    lines: list[_Line] = []
    for line in plan:
        if line.item.per_placement:
            lines.extend(_line(line.item, instance, label, line.required) for instance, label in places)
        else:
            lines.append(line)
    return lines


def _outside_entries(
    pack: RulePack,
    aim: Aim,
    stored: Mapping[tuple[str, str], DocumentationItem],
    places: Mapping[str, str],
    attachments: dict[int, list[AttachmentRef]],
    events: dict[int, list[EventView]],
    written: Mapping[str, dt.date],
) -> list[ChecklistEntry]:
    """The stored rows of items the case's pack does not ask for under its aim: recorded
    under another pack (before the case recorded its pack, or before it was changed) or
    another aim. Listed after the checklist with what they were recorded under, with their
    attachments, so that changing a pack or an aim hides nothing."""
    own = {item.id for item in pack.items_for(aim)}
    found: list[tuple[_Line, str]] = []
    for (key, instance), _row in stored.items():
        if key in own:
            continue
        where = _item_elsewhere(key, pack)
        if where is None:
            continue  # an item no pack knows (a pack renamed it): its row stays in the database
        item, other = where
        outside = f"andet sigte end {AIM_LABELS[aim].lower()}" if other is pack else f"registreret under {other.name}"
        found.append((_line(item, instance, places.get(instance, ""), False), outside))
    entries = _entries([line for line, _ in found], stored, attachments, events, pack, written)
    return [dataclasses.replace(e, outside=outside) for e, (_, outside) in zip(entries, found, strict=True)]


def _item_elsewhere(key: str, pack: RulePack) -> tuple[RuleItem, RulePack] | None:
    """The item `key` in the case's own pack, else in the newest shipped pack that has it."""
    for candidate in (pack, *reversed(builtin_packs())):
        try:
            return candidate.item(key), candidate
        except KeyError:
            continue
    return None


def _entries(
    lines: Iterable[_Line],
    stored: Mapping[tuple[str, str], DocumentationItem],
    attachments: dict[int, list[AttachmentRef]],
    events: dict[int, list[EventView]],
    pack: RulePack,
    written: Mapping[str, dt.date],
) -> list[ChecklistEntry]:
    """The entries of `lines`. An item written as text (`RuleItem.texts`) takes its state from
    the texts (`written`: section -> the day it was last saved), whatever was once ticked."""
    out: list[ChecklistEntry] = []
    for item, (_, instance), label, _required, _title in lines:
        row = stored.get((item.id, instance))
        needs_file = pack.needs_file(item)
        if item.texts:
            days = [written[t] for t in item.texts if t in written]
            complete = len(days) == len(item.texts)
            out.append(
                ChecklistEntry(
                    item,
                    instance,
                    label,
                    DocumentState.MODTAGET if complete else DocumentState.MANGLER,
                    received_on=max(days) if complete else None,
                    record_id=row.id if row is not None else None,
                    attachments=tuple(attachments.get(row.id, ())) if row is not None else (),
                )
            )
            continue
        if row is None:
            out.append(ChecklistEntry(item, instance, label, DocumentState.MANGLER, needs_file=needs_file))
            continue
        out.append(
            ChecklistEntry(
                item=item,
                instance=instance,
                instance_label=label,
                state=row.state,
                requested_on=row.requested_on,
                requested_from=row.requested_from,
                expected_by=row.expected_by,
                received_on=row.received_on,
                not_relevant_reason=row.not_relevant_reason,
                note=row.note,
                record_id=row.id,
                attachments=tuple(attachments.get(row.id, ())),
                events=tuple(events.get(row.id, ())),
                on_paper_reason=row.on_paper_reason,
                needs_file=needs_file,
            )
        )
    return out


def _written_sections(session: Session, citizen_ids: Sequence[int] | None) -> dict[int, dict[str, dt.date]]:
    """The case texts that have text, per citizen: section -> the day it was last saved."""
    stmt = select(CaseText.citizen_id, CaseText.section, CaseText.updated_at).where(
        func.length(func.trim(CaseText.text)) > 0
    )
    if citizen_ids is not None:
        stmt = stmt.where(CaseText.citizen_id.in_(citizen_ids))
    out: dict[int, dict[str, dt.date]] = defaultdict(dict)
    for citizen_id, section, updated_at in bulk.rows(session, stmt):
        out[citizen_id][section] = updated_at.date()
    return out


def read_checklist(session: Session, citizen_id: int, today: dt.date) -> Checklist:
    citizen = session.get(Citizen, citizen_id)
    if citizen is None:
        raise CitizenNotFound()
    pack, chosen = pack_for(citizen.rule_pack, today)
    placements = session.scalars(
        select(Placement).where(Placement.citizen_id == citizen_id).order_by(Placement.start_date, Placement.id)
    )
    places = [_statement_place(p) for p in placements if p.kind in STATEMENT_PLACEMENTS]
    rows = session.scalars(select(DocumentationItem).where(DocumentationItem.citizen_id == citizen_id)).all()
    stored = {(r.item_key, r.instance): r for r in rows}
    ids = [r.id for r in rows]
    attachments: dict[int, list[AttachmentRef]] = defaultdict(list)
    for a_id, item_id, name, mime, size in session.execute(
        select(Attachment.id, Attachment.item_id, Attachment.filename, Attachment.mime_type, Attachment.size)
        .where(Attachment.item_id.in_(ids))
        .order_by(Attachment.added_at)
    ):
        if item_id is not None:  # always, by the filter; the column itself may be empty
            attachments[item_id].append(AttachmentRef(a_id, name, mime, size))
    events: dict[int, list[EventView]] = defaultdict(list)
    for ev in session.scalars(
        select(DocumentEvent).where(DocumentEvent.item_id.in_(ids)).order_by(DocumentEvent.at, DocumentEvent.id)
    ):
        events[ev.item_id].append(EventView(ev.at, ev.from_state, ev.to_state, ev.note))
    written = _written_sections(session, [citizen_id]).get(citizen_id, {})
    return Checklist(
        citizen_id=citizen_id,
        aim=citizen.aim,
        pack=pack,
        pack_chosen=chosen,
        pack_since=citizen.rule_pack_since if chosen else None,
        entries=tuple(
            _entries(
                _lines(_plan(pack.items_for(citizen.aim)), places),
                stored,
                attachments,
                events,
                pack,
                written,
            )
            + _outside_entries(pack, citizen.aim, stored, dict(places), attachments, events, written)
        ),
        consents=tuple(read_consents(session, citizen_id)),
        readiness=readiness_by_citizen(session, today, [citizen_id])[citizen_id],
        without_team=citizen.pension_without_team and citizen.aim is Aim.FOERTIDSPENSION and pack.without_team.allowed,
    )


def load_checklist(database: Database, citizen_id: int, today: dt.date | None = None) -> Checklist:
    with database.reading() as session:
        return read_checklist(session, citizen_id, today or dt.date.today())


# --- changing state ---------------------------------------------------------------------------


def set_state(
    database: Database,
    citizen_id: int,
    item_id: str,
    instance: str,
    state: DocumentState,
    *,
    on: dt.date | None = None,
    requested_from: str = "",
    expected_by: dt.date | None = None,
    reason: str = "",
    note: str = "",
    consent: ConsentInput | None = None,
    today: dt.date | None = None,
) -> StateUndo:
    """Move one checklist item to `state`. Refuses, changing nothing, when a date or
    a reason is missing, when a health request (or the receipt of health information not
    requested) has no consent covering its source on that day, or when a consent item is
    marked received without the consent's scope (`consent`, see `jobraad.consents`).
    Returns what undoes the change (`undo_state`)."""
    today = today or dt.date.today()
    with database.transaction() as session:
        return change_state(
            session,
            citizen_id,
            item_id,
            instance,
            state,
            on=on,
            requested_from=requested_from,
            expected_by=expected_by,
            reason=reason,
            note=note,
            consent=consent,
            today=today,
        )


def _entry_or_refuse(checklist: Checklist, item_id: str, instance: str) -> ChecklistEntry:
    """The checklist line of `item_id`, or a Danish refusal: it is no line of the case's checklist."""
    try:
        return checklist.entry(item_id, instance)
    except KeyError:
        raise ValidationFailed(
            [FieldProblem("punkt", "Punktet hører ikke til sagens regelpakke eller sigte.")],
            "Dokumentationen er ikke ændret:",
        ) from None


def change_state(
    session: Session,
    citizen_id: int,
    item_id: str,
    instance: str,
    state: DocumentState,
    *,
    on: dt.date | None = None,
    requested_from: str = "",
    expected_by: dt.date | None = None,
    reason: str = "",
    note: str = "",
    consent: ConsentInput | None = None,
    today: dt.date,
) -> StateUndo:
    """`set_state` inside the caller's transaction, so a state change and what goes with it
    (a request letter written to disk) are kept or rolled back together."""
    citizen = session.get(Citizen, citizen_id)
    if citizen is None:
        raise CitizenNotFound()
    pack_was_recorded = bool(citizen.rule_pack)
    # The case's first step records its pack: the pack in force on the day the step was
    # taken (a back-dated receipt counts from its date), so the item is looked up in it.
    record_pack(session, citizen, min(on or today, today))
    checklist = read_checklist(session, citizen_id, today)
    entry = _entry_or_refuse(checklist, item_id, instance)
    item = entry.item
    if entry.from_text:
        raise ValidationFailed(
            [FieldProblem("punkt", f"«{entry.title}» er på plads, når teksten er skrevet under Tekster.")],
            "Dokumentationen er ikke ændret:",
        )
    problems: list[FieldProblem] = []
    if state in (DocumentState.ANMODET, DocumentState.MODTAGET) and on is None:
        problems.append(FieldProblem("dato", "Dato skal udfyldes."))
    if on is not None and on > today:
        problems.append(FieldProblem("dato", "Datoen ligger i fremtiden."))
    if state == DocumentState.ANMODET:
        if not requested_from.strip():
            problems.append(FieldProblem("hvem", "Skriv hvem der er anmodet (fx lægens navn)."))
        if expected_by is not None and on is not None and expected_by < on:
            problems.append(FieldProblem("forventet", "Svarfristen ligger før anmodningen."))
        if item.health and on is not None and not consent_covers(checklist.consents, item.source, on):
            problems.append(_no_consent(item.source, on))
    if state == DocumentState.MODTAGET and on is not None and on <= today:
        # Health information obtained on a request is covered by the consent of the request's day
        # (a later withdrawal or expiry has no effect back in time); obtained without one, by the
        # consent of the day it was received.
        asked_on = entry.requested_on if entry.state == DocumentState.ANMODET and entry.requested_on else on
        if item.health and not consent_covers(checklist.consents, item.source, asked_on):
            problems.append(_no_consent(item.source, asked_on))
        if item.consent_for is not None:
            if consent is None:
                problems.append(
                    FieldProblem(
                        "samtykke",
                        "Skriv samtykkets omfang: hvilke oplysninger, fra hvem og til hvilken sag.",
                    )
                )
            else:
                problems.extend(consent_problems(consent, today))
    if state == DocumentState.IKKE_RELEVANT and not reason.strip():
        problems.append(FieldProblem("begrundelse", "Skriv hvorfor punktet ikke er relevant."))
    if (
        item.consent_for is not None
        and entry.state == DocumentState.MODTAGET
        and state != DocumentState.MODTAGET
        and consent_covers(checklist.consents, item.consent_for, today)
    ):
        # Else the checklist would say the consent is missing while requests still go out on it.
        problems.append(
            FieldProblem(
                "samtykke",
                f"Der er et gyldigt samtykke til at indhente oplysninger fra {SOURCE_LABELS[item.consent_for]}. "
                "Tilbagekald det under Samtykker, før punktet ændres.",
            )
        )
    if problems:
        raise ValidationFailed(problems, "Dokumentationen er ikke ændret:")

    row = session.get(DocumentationItem, entry.record_id) if entry.record_id else None
    before = None if row is None else _ItemFields.of(row)
    consent_id: int | None = None
    if row is None:
        row = DocumentationItem(citizen_id=citizen_id, item_key=item.id, instance=instance, source=item.source)
        session.add(row)
    previous = row.state if entry.record_id else None
    row.state = state
    if state != DocumentState.MODTAGET:
        row.on_paper_reason = ""
    if state == DocumentState.MANGLER:
        row.requested_on = row.expected_by = row.received_on = None
        row.requested_from = row.not_relevant_reason = ""
    elif state == DocumentState.ANMODET:
        assert on is not None
        row.requested_on = on
        row.requested_from = requested_from.strip()
        row.expected_by = expected_by or answer_due(item, on)
        row.received_on = None
        row.not_relevant_reason = ""
    elif state == DocumentState.MODTAGET:
        row.received_on = on
        row.not_relevant_reason = ""
        if item.consent_for is not None and consent is not None:
            consent_id = record_consent(session, citizen_id, item.consent_for, consent, today)
    else:
        row.not_relevant_reason = reason.strip()
    if note.strip():
        row.note = note.strip()
    session.flush()
    label = DOCUMENT_STATE_LABELS[state]
    event = DocumentEvent(
        item_id=row.id,
        from_state=previous,
        to_state=state,
        note=note.strip() or reason.strip() or label,
    )
    session.add(event)
    session.flush()
    audit.record(session, audit.Action.CHANGE, citizen_id, "dokumentation")
    return StateUndo(
        citizen_id=citizen_id,
        record_id=row.id,
        title=entry.title,
        to_state=state,
        before=before,
        event_id=event.id,
        consent_id=consent_id,
        pack_recorded=not pack_was_recorded,
    )


@dataclass(frozen=True)
class _ItemFields:
    """What a state change writes on a checklist item's row, as it was before the change."""

    state: DocumentState
    requested_on: dt.date | None
    requested_from: str
    expected_by: dt.date | None
    received_on: dt.date | None
    not_relevant_reason: str
    on_paper_reason: str
    note: str

    @classmethod
    def of(cls, row: DocumentationItem) -> _ItemFields:
        return cls(**{f.name: getattr(row, f.name) for f in dataclasses.fields(cls)})

    def put_on(self, row: DocumentationItem) -> None:
        for f in dataclasses.fields(self):
            setattr(row, f.name, getattr(self, f.name))


_NOTHING_STORED = _ItemFields(DocumentState.MANGLER, None, "", None, None, "", "", "")


@dataclass(frozen=True)
class StateUndo:
    """What undoes one state change of a checklist item (`set_state`): the row as it was
    before (None: there was none), the history line and the consent the change added, and
    whether the change was the case's first step (it recorded the case's pack)."""

    citizen_id: int
    record_id: int
    title: str
    to_state: DocumentState
    before: _ItemFields | None
    event_id: int
    consent_id: int | None
    pack_recorded: bool

    @property
    def description(self) -> str:
        """What the change did, in Danish: "«Lægeattest LÆ 265» markeret som «modtaget»"."""
        return f"«{self.title}» markeret som «{DOCUMENT_STATE_LABELS[self.to_state].lower()}»"

    @property
    def state_before(self) -> DocumentState:
        return (self.before or _NOTHING_STORED).state


_UNDO_REFUSED = "Kan ikke fortrydes:"


def undo_state(database: Database, undo: StateUndo) -> None:
    """Put a checklist item back as it was before one state change, in one transaction: its
    row's dates, names and reasons, its history without the change's line, without the consent
    the change recorded, and (when the change was the case's first step) without the pack it
    recorded. Refused, changing nothing, when the item was changed again since."""
    with database.transaction() as session:
        row = session.get(DocumentationItem, undo.record_id)
        last = session.scalar(select(func.max(DocumentEvent.id)).where(DocumentEvent.item_id == undo.record_id))
        if row is None or last != undo.event_id:
            raise ValidationFailed(
                [FieldProblem("punkt", f"«{undo.title}» er ændret igen efter den ændring.")], _UNDO_REFUSED
            )
        event = session.get(DocumentEvent, undo.event_id)
        assert event is not None  # the item's last line, found above
        session.delete(event)
        if undo.consent_id is not None:
            consent = session.get(Consent, undo.consent_id)
            if consent is not None:
                session.delete(consent)
        (undo.before or _NOTHING_STORED).put_on(row)
        session.flush()
        if undo.before is None and not row.attachments:
            session.delete(row)  # the change made the row: without it, there is none
        citizen = session.get(Citizen, undo.citizen_id)
        if undo.pack_recorded and citizen is not None and not _documentation_steps(session, undo.citizen_id):
            citizen.rule_pack = ""
            citizen.rule_pack_since = None
        session.flush()
        audit.record(session, audit.Action.CHANGE, undo.citizen_id, "dokumentation fortrudt")


def _documentation_steps(session: Session, citizen_id: int) -> int:
    """How many documentation steps the case has taken: state changes and consents."""
    events = session.scalar(
        select(func.count(DocumentEvent.id))
        .join(DocumentationItem, DocumentEvent.item_id == DocumentationItem.id)
        .where(DocumentationItem.citizen_id == citizen_id)
    )
    consents = session.scalar(select(func.count(Consent.id)).where(Consent.citizen_id == citizen_id))
    return (events or 0) + (consents or 0)


def _no_consent(source: DocumentSource, day: dt.date) -> FieldProblem:
    return FieldProblem(
        "samtykke",
        f"Der er ikke et gyldigt samtykke fra borgeren den {fmt.date(day)} til at indhente oplysninger "
        f"fra {SOURCE_LABELS[source]} (udløbet, tilbagekaldt eller ikke registreret). Registrér samtykket først.",
    )


def record_missing_packs(database: Database) -> int:
    """Record the pack of every case whose assessment started before cases recorded their
    pack (before schema 0002): the pack in force on the day its first documentation step
    was taken (the earliest request, receipt, state change or consent), each with an audit
    entry. A case that recorded a pack since renamed (a pack's `replaces`) gets the new id.
    Run when a caseload is opened; reads only, unless there is something to record.
    Returns the number of cases changed."""
    renamed = {old: pack.id for pack in builtin_packs() for old in pack.replaces}
    with database.reading() as session:
        waiting = set(
            session.scalars(
                select(Citizen.id).where(
                    Citizen.rule_pack.in_(["", *renamed]),
                    Citizen.id.in_(select(DocumentationItem.citizen_id)) | Citizen.id.in_(select(Consent.citizen_id)),
                )
            )
        )
    if not waiting:
        return 0
    with database.transaction() as session:
        first: dict[int, dt.date] = {}

        def seen(citizen_id: int, day: dt.date | None) -> None:
            if day is not None and (citizen_id not in first or day < first[citizen_id]):
                first[citizen_id] = day

        for citizen_id, requested, received in session.execute(
            select(DocumentationItem.citizen_id, DocumentationItem.requested_on, DocumentationItem.received_on).where(
                DocumentationItem.citizen_id.in_(waiting)
            )
        ):
            seen(citizen_id, requested)
            seen(citizen_id, received)
        for citizen_id, at in session.execute(
            select(DocumentationItem.citizen_id, func.min(DocumentEvent.at))
            .join(DocumentEvent, DocumentEvent.item_id == DocumentationItem.id)
            .where(DocumentationItem.citizen_id.in_(waiting))
            .group_by(DocumentationItem.citizen_id)
        ):
            seen(citizen_id, at.date() if at is not None else None)
        for citizen_id, given in session.execute(
            select(Consent.citizen_id, func.min(Consent.given_on))
            .where(Consent.citizen_id.in_(waiting))
            .group_by(Consent.citizen_id)
        ):
            seen(citizen_id, given)
        keys: dict[int, set[str]] = defaultdict(set)
        for citizen_id, key in session.execute(
            select(DocumentationItem.citizen_id, DocumentationItem.item_key).where(
                DocumentationItem.citizen_id.in_(waiting)
            )
        ):
            keys[citizen_id].add(key)
        changed = 0
        for citizen in session.scalars(select(Citizen).where(Citizen.id.in_(waiting))):
            if citizen.rule_pack in renamed:
                old, citizen.rule_pack = citizen.rule_pack, renamed[citizen.rule_pack]
                audit.record(
                    session, audit.Action.CHANGE, citizen.id, f"regelpakke omdøbt: {old} -> {citizen.rule_pack}"
                )
            elif citizen.rule_pack == "":
                day = first.get(citizen.id, dt.date.today())
                pack = _pack_covering(keys[citizen.id], citizen.aim, day)
                citizen.rule_pack, citizen.rule_pack_since = pack.id, day
                audit.record(session, audit.Action.CHANGE, citizen.id, f"regelpakke fastlagt ved opdatering: {pack.id}")
            changed += 1
        return changed


def _pack_covering(keys: set[str], aim: Aim, day: dt.date) -> RulePack:
    """The pack for a case documented before packs were recorded: the one in force on `day`
    when it has every item the case stored, else the default pack that has the most of them
    (the rows were recorded under the pack the program showed then), the nearest to `day` on
    a tie. Rows it lacks are still shown (`_outside_entries`)."""
    in_force = default_pack_for(day)
    if keys <= {item.id for item in in_force.items_for(aim)}:
        return in_force

    def fit(pack: RulePack) -> tuple[int, int]:
        return len(keys & {item.id for item in pack.items_for(aim)}), -abs((pack.valid_from - day).days)

    return max((p for p in builtin_packs() if not p.opt_in), key=fit)


def set_pension_without_team(
    database: Database, citizen_id: int, without_team: bool, reason: str, *, today: dt.date | None = None
) -> None:
    """Mark a førtidspension case as oplagt, decided without the rehabiliteringsteam (or undo
    it), with a reason kept as a journal note. Refused, changing nothing, when the case is no
    førtidspension case, when its pack sends no case to a team, or without a reason."""
    today = today or dt.date.today()
    with database.transaction() as session:
        citizen = session.get(Citizen, citizen_id)
        if citizen is None:
            raise CitizenNotFound()
        pack, _ = pack_for(citizen.rule_pack, today)
        problems: list[FieldProblem] = []
        if without_team and citizen.aim is not Aim.FOERTIDSPENSION:
            problems.append(
                FieldProblem("sigte", "Kun en sag om førtidspension kan behandles uden rehabiliteringsteamet.")
            )
        if without_team and not pack.without_team.allowed:
            problems.append(
                FieldProblem("regelpakke", f"Efter {pack.label} forelægges ingen sager for et rehabiliteringsteam.")
            )
        if not reason.strip():
            problems.append(
                FieldProblem(
                    "begrundelse",
                    "Skriv hvorfor sagen er oplagt (fx alvorlig, fremadskridende sygdom)."
                    if without_team
                    else "Skriv hvorfor sagen alligevel skal forelægges rehabiliteringsteamet.",
                )
            )
        if problems:
            raise ValidationFailed(problems, "Sagen er ikke ændret:")
        if citizen.pension_without_team == without_team:
            return
        citizen.pension_without_team = without_team
        what = (
            f"Sagen behandles som oplagt sag om førtidspension uden forelæggelse for rehabiliteringsteamet "
            f"({pack.without_team.source})."
            if without_team
            else "Sagen forelægges rehabiliteringsteamet (ikke længere behandlet som oplagt sag)."
        )
        session.add(
            JournalNote(citizen_id=citizen_id, kind=JournalKind.NOTAT, text=f"{what} Begrundelse: {reason.strip()}")
        )
        # Neutral words: an oplagt case means grave illness, which the log must not tell.
        audit.record(session, audit.Action.CHANGE, citizen_id, "behandlingsvej ændret")


def set_rule_pack(
    database: Database, citizen_id: int, pack_id: str, reason: str, *, today: dt.date | None = None
) -> None:
    """Change the pack the case follows: an explicit act with a reason, kept as a journal
    note (the reason may name the citizen, so it stays out of the audit log, which records
    the change itself). Refused, changing nothing, without a reason or when the pack has
    no items for the case's aim."""
    today = today or dt.date.today()
    pack = get_pack(pack_id)  # refuses unknown ids
    with database.transaction() as session:
        citizen = session.get(Citizen, citizen_id)
        if citizen is None:
            raise CitizenNotFound()
        problems: list[FieldProblem] = []
        if not reason.strip():
            problems.append(FieldProblem("begrundelse", "Skriv hvorfor sagen skal følge en anden regelpakke."))
        if citizen.aim not in pack.aims and citizen.aim in documented_aims():
            problems.append(
                FieldProblem(
                    "regelpakke",
                    f"{pack.label} har ingen punkter for sigtet «{AIM_LABELS[citizen.aim]}». "
                    "Vælg en regelpakke fra den periode, sagen er begyndt i.",
                )
            )
        if problems:
            raise ValidationFailed(problems, "Regelpakken er ikke ændret:")
        old = citizen.rule_pack or "ingen"
        if citizen.rule_pack == pack.id:
            return
        citizen.rule_pack = pack.id
        citizen.rule_pack_since = today
        session.add(
            JournalNote(
                citizen_id=citizen_id,
                kind=JournalKind.NOTAT,
                text=f"Regelpakke ændret fra {old} til {pack.id} ({pack.label}). Begrundelse: {reason.strip()}",
            )
        )
        audit.record(session, audit.Action.CHANGE, citizen_id, f"regelpakke ændret: {old} -> {pack.id}")


# --- guidance ---------------------------------------------------------------------------------


def next_steps(checklist: Checklist, today: dt.date) -> list[NextStep]:
    """What to do now, most urgent first: consents that block health requests, overdue
    requests, what can be asked for now (in parallel), then what is awaited."""
    steps: list[NextStep] = []
    # A row outside the checklist is shown, not planned: only a request overdue on it is chased.
    open_entries = [e for e in checklist.entries if not e.done and not (e.outside and not e.overdue(today))]
    blocked: dict[DocumentSource, list[ChecklistEntry]] = defaultdict(list)
    for e in open_entries:
        if (
            e.state == DocumentState.MANGLER
            and e.item.health
            and not consent_covers(checklist.consents, e.item.source, today)
        ):
            blocked[e.item.source].append(e)
    for source, entries in blocked.items():
        titles = ", ".join(e.item.title for e in entries)
        steps.append(
            NextStep(1, f"Indhent samtykke til oplysninger fra {SOURCE_LABELS[source]} – før anmodning om: {titles}")
        )
    for e in sorted((e for e in open_entries if e.overdue(today)), key=lambda e: e.expected_by or today):
        who = e.requested_from or SOURCE_LABELS[e.item.source]
        steps.append(
            NextStep(
                2,
                f"Ryk {who} for «{e.title}» – ventet {fmt.date(e.expected_by)}, {e.days_overdue(today)} dage over",
                e,
            )
        )
    for e in open_entries:
        if e.unfiled:
            steps.append(
                NextStep(2, f"Vedhæft «{e.title}» – modtaget, men ikke vedhæftet (eller markér det som på papir)", e)
            )
    for e in open_entries:
        if e.from_text and e.item.required:
            steps.append(NextStep(3, f"Skriv under Tekster: {e.title}", e))
    ready_now = [
        e
        for e in open_entries
        if e.state == DocumentState.MANGLER
        and not e.from_text
        and not e.item.consent_for
        and (not e.item.health or consent_covers(checklist.consents, e.item.source, today))
    ]
    ready_now.sort(key=lambda e: (not e.item.required, -e.item.answer_days, e.item.order))
    for e in ready_now:
        wait = f" (svartid ca. {e.item.answer_days} dage)" if e.item.answer_days else ""
        kind = "" if e.item.required else " – anbefalet"
        steps.append(NextStep(3, f"Kan gøres nu: {e.title}{wait}{kind}", e))
    consent_items = [e for e in open_entries if e.item.consent_for and e.state == DocumentState.MANGLER]
    for e in consent_items:
        if e.item.consent_for not in blocked and e.item.required:
            steps.append(NextStep(3, f"Kan gøres nu: {e.title}", e))
    for e in open_entries:
        if e.state == DocumentState.ANMODET and not e.overdue(today):
            steps.append(
                NextStep(4, f"Afvent «{e.title}» fra {e.requested_from} – senest {fmt.date(e.expected_by)}", e)
            )
    if checklist.readiness.ready:
        steps.append(
            NextStep(
                5,
                "Alle krævede punkter er skrevet, modtaget og vedhæftet eller vurderet ikke relevante: "
                f"{checklist.ready_text[0].lower()}{checklist.ready_text[1:]}.",
            )
        )
    return steps


# --- bulk, for the caseload and the Overblik --------------------------------------------------


# What readiness needs of a checklist line: done, overdue, neither (as if missing), or
# received with no file attached and not kept on paper (done only where the pack needs no file).
_OPEN, _DONE, _OVERDUE, _UNFILED = 0, 1, 2, 3


def _state_code(state: DocumentState, expected_by: dt.date | None, today: dt.date, filed: bool = True) -> int:
    """`ChecklistEntry.done` and `.overdue(today)` of a stored item, in one small int.
    `filed`: a file is attached to it, or it is marked as kept on paper."""
    if state == DocumentState.MODTAGET and not filed:
        return _UNFILED
    if state in DONE_STATES:
        return _DONE
    if _overdue(state, expected_by, today):
        return _OVERDUE
    return _OPEN


def _meeting_days(
    rows: Iterable[Any], today: dt.date, starts: Mapping[int, dt.date]
) -> dict[int, tuple[dt.date, bool]]:
    """The meeting each case's LÆ 265 is judged at, and whether it is a past decision: its
    next team meeting, or, when none is booked, the last one in the current forløb (`starts`)
    at which the case was decided (the certificate it was decided on). A case with neither is
    judged today. `rows`: (citizen id, starts at, decided on)."""
    coming: dict[int, tuple[dt.date, bool]] = {}
    decided: dict[int, tuple[dt.date, bool]] = {}
    for citizen_id, starts_at, decided_on in rows:
        day = starts_at.date()
        if day >= today:
            if citizen_id not in coming or day < coming[citizen_id][0]:
                coming[citizen_id] = (day, False)
        elif (
            decided_on is not None
            and day >= starts.get(citizen_id, day)
            and (citizen_id not in decided or day > decided[citizen_id][0])
        ):
            decided[citizen_id] = (day, True)
    return decided | coming


def lae265_problem(
    pack: RulePack,
    received_on: dt.date | None,
    meeting: dt.date | None,
    today: dt.date,
    *,
    decided: bool = False,
) -> str:
    """Why the case's LÆ 265 is too old ("LÆ 265 er for gammel: …"), or "": received
    longer before the next team meeting (or today, when none is booked) than the pack allows.
    A past decision (`decided`) is judged by the certificate it was made on; one received
    after it belongs to what comes next, and is judged today."""
    limit = pack.lae265_max_age
    if decided and received_on is not None and meeting is not None and received_on > meeting:
        meeting = None
    day = meeting or today
    if received_on is None or (day - received_on).days <= limit.value:
        return ""
    basis = f"ved mødet {fmt.date(day)}" if meeting else "i dag"
    status = " (foreløbig grænse)" if limit.status is Status.PROVISIONAL else ""
    return (
        f"{LAE265_TOO_OLD}: {fmt.number((day - received_on).days, 0)} dage gammel {basis}, "
        f"højst {fmt.number(limit.value, 0)} dage{status} – indhent en ny"
    )


NOT_WRITTEN = "ikke skrevet"
NOT_ATTACHED = "modtaget, men ikke vedhæftet"


def _readiness(
    lines: Iterable[_Line],
    stored: Mapping[tuple[str, str], int],
    pack: RulePack,
    written: Mapping[str, dt.date] | None = None,
    problems: tuple[str, ...] = (),
) -> Readiness:
    """The readiness of a checklist of `lines` whose items are stored as `stored`
    ((item id, instance) -> `_state_code`; an item not stored is missing) and whose case
    texts `written` have text. An item written as text is in place when its texts are
    written; a received document the pack needs filed, when it is attached or on paper."""
    required = done = overdue = 0
    missing: list[str] = []
    for item, key, _label, is_required, title in lines:
        why = ""
        if item.texts:
            complete = written is not None and all(t in written for t in item.texts)
            code = _DONE if complete else _OPEN
            why = NOT_WRITTEN
        else:
            code = stored.get(key, _OPEN)
            if code == _UNFILED:
                code = _UNFILED if pack.needs_file(item) else _DONE
                why = NOT_ATTACHED
        if code == _OVERDUE:
            overdue += 1
        if is_required:
            required += 1
            if code == _DONE:
                done += 1
            else:
                missing.append(f"{title} – {why}" if why else title)
    return Readiness(required=required, done=done, overdue=overdue, missing=tuple(missing), problems=problems)


class _Asked(NamedTuple):
    """A stored request or receipt, for checking that a consent covered it."""

    key: tuple[str, str]
    state: DocumentState
    requested_on: dt.date | None
    received_on: dt.date | None


def _consent_problems(
    lines: Iterable[_Line], asked: Iterable[_Asked], consents: Sequence[ConsentView], today: dt.date
) -> tuple[str, ...]:
    """Health information asked for or obtained without a consent covering it: on the day it
    was asked (or received, when it was not asked), and, for a request still open, today."""
    health = {line.key: line for line in lines if line.item.health}
    problems: list[str] = []
    for a in asked:
        line = health.get(a.key)
        if line is None:
            continue
        source = line.item.source
        day = a.requested_on or a.received_on
        if day is not None and not consent_covers(consents, source, day):
            problems.append(
                f"{CONSENT_MISSING}: «{line.title}» er indhentet {fmt.date(day)} uden et gyldigt samtykke "
                f"til oplysninger fra {SOURCE_LABELS[source]}"
            )
        elif a.state == DocumentState.ANMODET and not consent_covers(consents, source, today):
            problems.append(
                f"{CONSENT_MISSING}: samtykket til oplysninger fra {SOURCE_LABELS[source]} gælder ikke længere – "
                f"stop anmodningen om «{line.title}»"
            )
    return tuple(problems)


def readiness_by_citizen(
    session: Session,
    today: dt.date,
    citizen_ids: Iterable[int] | None = None,
    current: bulk.CurrentForloeb | None = None,
) -> dict[int, Readiness]:
    """The documentation readiness of each citizen (all, or `citizen_ids`), with a few
    queries whatever their number: the one place readiness is worked out, for the caseload,
    the team export and a single checklist alike. A citizen who is not there is left out.
    `current`: their current forløb (`bulk.current_forloeb`), when the caller has read it."""
    ids = list(citizen_ids) if citizen_ids is not None else None
    cstmt = select(Citizen.id, Citizen.aim, Citizen.rule_pack)
    # Plain rows, not ORM objects: this runs for the whole caseload on every reload.
    pstmt = select(Placement.id, Placement.citizen_id, Placement.kind, Placement.employer_name, Placement.start_date)
    dstmt = select(
        DocumentationItem.id,
        DocumentationItem.citizen_id,
        DocumentationItem.item_key,
        DocumentationItem.instance,
        DocumentationItem.state,
        DocumentationItem.requested_on,
        DocumentationItem.expected_by,
        DocumentationItem.received_on,
        DocumentationItem.on_paper_reason,
    )
    # The stored items with a file attached, and the consents, to tell what was received from
    # what the team gets, and what was asked with a consent from what was not.
    fstmt = select(Attachment.item_id).where(Attachment.item_id.is_not(None)).distinct()
    kstmt = select(
        Consent.citizen_id, Consent.id, Consent.source, Consent.given_on, Consent.expires_on, Consent.withdrawn_on
    ).order_by(Consent.given_on, Consent.id)
    # The day each case's LÆ 265 is judged on (`_meeting_days`).
    mstmt = (
        select(Meeting.citizen_id, Meeting.starts_at, TeamWorkflow.decided_on)
        .outerjoin(TeamWorkflow, TeamWorkflow.meeting_id == Meeting.id)
        .where(Meeting.kind == MeetingKind.REHABILITERINGSTEAM)
    )
    if ids is not None:
        cstmt = cstmt.where(Citizen.id.in_(ids))
        pstmt = pstmt.where(Placement.citizen_id.in_(ids))
        dstmt = dstmt.where(DocumentationItem.citizen_id.in_(ids))
        mstmt = mstmt.where(Meeting.citizen_id.in_(ids))
        fstmt = fstmt.where(Attachment.citizen_id.in_(ids))
        kstmt = kstmt.where(Consent.citizen_id.in_(ids))
    # Into a few dicts and lists rather than an object per citizen: objects alive through
    # the whole read make Python's cyclic garbage collector walk the heap again.
    cases: dict[tuple[str, Aim], list[int]] = defaultdict(list)
    for citizen_id, aim, rule_pack in bulk.rows(session, cstmt):
        cases[(rule_pack, aim)].append(citizen_id)
    places: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for p in bulk.rows(session, pstmt.order_by(Placement.start_date, Placement.id)):
        if p.kind in STATEMENT_PLACEMENTS:
            places[p.citizen_id].append(_statement_place(p))
    stored: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
    lae265_keys = {pack.lae265_item for pack in builtin_packs()}
    lae265: dict[int, dt.date] = {}
    filed = {item_id for (item_id,) in bulk.rows(session, fstmt)}
    asked: dict[int, list[_Asked]] = defaultdict(list)
    for row_id, citizen_id, item_key, instance, state, requested_on, expected_by, received_on, paper in bulk.rows(
        session, dstmt
    ):
        has_file = row_id in filed or bool(paper.strip())
        stored[citizen_id][(item_key, instance)] = _state_code(state, expected_by, today, has_file)
        if item_key in lae265_keys and state == DocumentState.MODTAGET and received_on is not None:
            lae265[citizen_id] = received_on
        if state in (DocumentState.ANMODET, DocumentState.MODTAGET):
            asked[citizen_id].append(_Asked((item_key, instance), state, requested_on, received_on))
    consents: dict[int, list[ConsentView]] = defaultdict(list)
    for citizen_id, consent_id, source, given_on, expires_on, withdrawn_on in bulk.rows(session, kstmt):
        consents[citizen_id].append(ConsentView(consent_id, source, "", "", "", given_on, expires_on, withdrawn_on))
    written = _written_sections(session, ids)
    # A decision recorded as a goal of the forløb (seed 001: the goal that closes gruppe 3's
    # deadline on its own) counts as a decided meeting on the day it was reached.
    gstmt = (
        select(Forloeb.citizen_id, GoalProgress.reached_on, GoalProgress.reached_on)
        .join(GoalProgress, GoalProgress.forloeb_id == Forloeb.id)
        .where(GoalProgress.goal_key.in_(sorted(decision_goals())))
    )
    if ids is not None:
        gstmt = gstmt.where(Forloeb.citizen_id.in_(ids))
    decided = [(cid, dt.datetime.combine(day, dt.time()), on) for cid, day, on in bulk.rows(session, gstmt)]
    starts = (current or bulk.current_forloeb(session, ids)).start
    meetings = _meeting_days([*bulk.rows(session, mstmt), *decided], today, starts)
    # Each pack, its items for an aim, and the readiness of a case with nothing stored, once
    # rather than once per citizen; equal readiness (many cases are alike) as one object.
    packs: dict[str, RulePack] = {}
    plans: dict[tuple[str, Aim], list[_Line]] = {}
    nothing_stored: dict[tuple[str, Aim], Readiness] = {}
    alike: dict[Readiness, Readiness] = {}
    out: dict[int, Readiness] = {}
    for (rule_pack, aim), citizens in cases.items():
        for citizen_id in citizens:
            pack = packs.get(rule_pack)
            if pack is None:
                pack = packs[rule_pack] = pack_for(rule_pack, today)[0]
            plan = plans.get((pack.id, aim))
            if plan is None:
                plan = plans[(pack.id, aim)] = _plan(pack.items_for(aim))
                nothing_stored[(pack.id, aim)] = _readiness(plan, {}, pack)
            citizen_places = places.get(citizen_id)
            citizen_stored = stored.get(citizen_id)
            citizen_written = written.get(citizen_id)
            if citizen_places is None and citizen_stored is None and citizen_written is None:
                out[citizen_id] = nothing_stored[(pack.id, aim)]
                continue
            meeting, was_decided = meetings.get(citizen_id, (None, False))
            lines = _lines(plan, citizen_places or ())
            problem = lae265_problem(pack, lae265.get(citizen_id), meeting, today, decided=was_decided)
            problems = ((problem,) if problem else ()) + _consent_problems(
                lines, asked.get(citizen_id, ()), consents.get(citizen_id, ()), today
            )
            readiness = _readiness(lines, citizen_stored or {}, pack, citizen_written, problems)
            out[citizen_id] = alike.setdefault(readiness, readiness)
    return out


def overdue_requests(
    session: Session,
    today: dt.date,
    citizen_ids: Iterable[int] | None = None,
) -> list[DueItem]:
    """Requests whose answer is overdue, as deadlines for the Overblik and the caseload."""
    # The same statement as selecting the entity (so the same rows in the same order),
    # read as plain rows.
    stmt = select(*DocumentationItem.__table__.c).where(
        DocumentationItem.state == DocumentState.ANMODET, DocumentationItem.expected_by < today
    )
    if citizen_ids is not None:
        stmt = stmt.where(DocumentationItem.citizen_id.in_(list(citizen_ids)))
    rows = list(bulk.rows(session, stmt))
    if not rows:
        return []
    pack_of: dict[int, str] = dict(
        bulk.rows(session, select(Citizen.id, Citizen.rule_pack).where(Citizen.id.in_({r.citizen_id for r in rows})))
    )
    items: list[DueItem] = []
    for r in rows:
        pack, _ = pack_for(pack_of.get(r.citizen_id, ""), today)
        where = _item_elsewhere(r.item_key, pack)  # a request recorded under another pack is chased too
        if where is None:
            continue  # an item no shipped pack knows
        title = where[0].title
        who = f" fra {r.requested_from}" if r.requested_from else ""
        assert r.expected_by is not None
        items.append(
            DueItem(
                r.expected_by,
                f"Svar mangler: {title}{who}",
                DueKind.DOKUMENTATION,
                DueTarget.DOCUMENTATION,
                r.citizen_id,
                ref=str(r.id),
            )
        )
    return items


def set_on_paper(
    database: Database, citizen_id: int, item_id: str, instance: str, reason: str, *, today: dt.date | None = None
) -> None:
    """Mark a received document as kept on paper, with why it is not attached (`reason`), so
    readiness counts it; an empty `reason` takes the mark away. Refuses, changing nothing, an
    item that is not received."""
    today = today or dt.date.today()
    with database.transaction() as session:
        checklist = read_checklist(session, citizen_id, today)
        entry = _entry_or_refuse(checklist, item_id, instance)
        if entry.state != DocumentState.MODTAGET or entry.record_id is None or entry.from_text:
            raise ValidationFailed(
                [
                    FieldProblem(
                        "punkt", f"«{entry.title}» er ikke modtaget; kun et modtaget dokument kan ligge på papir."
                    )
                ],
                "Dokumentationen er ikke ændret:",
            )
        text = reason.strip()
        if len(text) > 500:
            raise ValidationFailed([FieldProblem("begrundelse", "Højst 500 tegn.")], "Dokumentationen er ikke ændret:")
        row = session.get(DocumentationItem, entry.record_id)
        assert row is not None
        if row.on_paper_reason == text:
            return
        row.on_paper_reason = text
        session.add(
            DocumentEvent(
                item_id=row.id,
                from_state=row.state,
                to_state=row.state,
                note=f"På papir: {text}" if text else "Ikke længere markeret som på papir",
            )
        )
        audit.record(session, audit.Action.CHANGE, citizen_id, "dokumentation")


def ensure_item(database: Database, citizen_id: int, item_id: str, instance: str = "") -> int:
    """The stored row for a checklist item, created as 'mangler' if the item was untouched
    (attachments hang on a stored row)."""
    with database.transaction() as session:
        row = session.scalars(
            select(DocumentationItem).where(
                DocumentationItem.citizen_id == citizen_id,
                DocumentationItem.item_key == item_id,
                DocumentationItem.instance == instance,
            )
        ).first()
        if row is not None:
            return row.id
        today = dt.date.today()
        checklist = read_checklist(session, citizen_id, today)
        entry = checklist.entry(item_id, instance)
        citizen = session.get(Citizen, citizen_id)
        assert citizen is not None  # read_checklist found it
        record_pack(session, citizen, today)
        row = DocumentationItem(citizen_id=citizen_id, item_key=item_id, instance=instance, source=entry.item.source)
        session.add(row)
        session.flush()
        return row.id


def answer_due(item: RuleItem, requested_on: dt.date) -> dt.date:
    """When the answer to a request made on `requested_on` is expected: the item's answer time
    later, moved to the next working day when that falls on a weekend or a helligdag."""
    return deadline_after(requested_on, item.answer_days)
