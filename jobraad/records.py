"""The records of a citizen's file: activities, journal notes, meetings, the
caseworker's own deadlines, and the goals reached in the current forløb.

Every function is one transaction: it either saves all it was given or raises
`ValidationFailed` (Danish message per field) and saves nothing. Every change is
logged with `audit.record`, naming the kind of record, never its content.
Views returned to the UI are plain frozen dataclasses, never ORM objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.enums import ActivityKind, JournalKind, MeetingKind
from db.models import Activity, Base, Citizen, Deadline, GoalProgress, JournalNote, Meeting
from db.session import Database
from jobraad import audit, meeting_workflow
from jobraad import formatting as fmt
from jobraad.citizen_file import JournalView
from jobraad.citizens import CitizenNotFound, current_forloeb, open_outcome
from jobraad.errors import FieldProblem, UserFacingError, ValidationFailed
from jobraad.text import fold_for_search
from jobraad.visitation import GROUP_GOALS
from jobraad.vocab import GROUP_LABELS, JOURNAL_LABELS

__all__ = [
    "JOURNAL_MAX_CHARS",
    "ActivityInput",
    "ActivityView",
    "DeadlineInput",
    "DeadlineView",
    "JournalInput",
    "JournalView",
    "MeetingInput",
    "MeetingView",
    "RecordNotFound",
    "add_activity",
    "add_deadline",
    "add_journal_note",
    "add_meeting",
    "delete_activity",
    "delete_deadline",
    "delete_journal_note",
    "delete_meeting",
    "interpreter_language_for",
    "journal_note_as_text",
    "list_activities",
    "list_deadlines",
    "list_journal",
    "list_meetings",
    "set_deadline_done",
    "set_goal_reached",
    "update_activity",
    "update_deadline",
    "update_journal_note",
    "update_meeting",
]

JOURNAL_MAX_CHARS = 20_000
_SHORT_TEXT = 200  # String(200) columns: titles, providers, locations
_LANGUAGE = 60  # String(60): a meeting's interpreter language, as the citizen's language

M = TypeVar("M", bound=Base)


class RecordNotFound(UserFacingError):
    """A record the UI still shows was deleted meanwhile (another window, retention)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


# --- views and inputs ------------------------------------------------------------


@dataclass(frozen=True)
class ActivityView:
    activity_id: int
    kind: ActivityKind
    title: str
    provider: str
    start_date: dt.date | None
    end_date: dt.date | None
    result: str


@dataclass(frozen=True)
class MeetingView:
    meeting_id: int
    kind: MeetingKind
    starts_at: dt.datetime
    location: str
    note: str
    decided_on: dt.date | None  # a team meeting's afgørelse (`meeting_workflow`), None otherwise
    interpreter_language: str = ""  # "" when no interpreter is needed
    interpreter_booked: bool = False
    workflow: str = ""  # where a team meeting's workflow stands (`meeting_workflow.status_text`)

    @property
    def interpreter_text(self) -> str:
        """ "arabisk – bestilt", "arabisk – ikke bestilt", or "" when none is needed."""
        if not self.interpreter_language:
            return ""
        return f"{self.interpreter_language} – {'bestilt' if self.interpreter_booked else 'ikke bestilt'}"


@dataclass(frozen=True)
class DeadlineView:
    deadline_id: int
    due_on: dt.date
    title: str
    done_on: dt.date | None


@dataclass
class ActivityInput:
    kind: ActivityKind
    title: str = ""
    provider: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    result: str = ""


@dataclass
class JournalInput:
    kind: JournalKind
    text: str
    written_at: dt.datetime


@dataclass
class MeetingInput:
    kind: MeetingKind
    starts_at: dt.datetime
    location: str = ""
    note: str = ""
    # The language an interpreter is needed for ("" none); None: the citizen's, if they need one.
    interpreter_language: str | None = None
    interpreter_booked: bool = False


@dataclass
class DeadlineInput:
    due_on: dt.date
    title: str


# --- shared helpers ----------------------------------------------------------------


def _citizen(session: Session, citizen_id: int) -> Citizen:
    citizen = session.get(Citizen, citizen_id)
    if citizen is None:
        raise CitizenNotFound()
    return citizen


def _get(session: Session, model: type[M], record_id: int, missing: str) -> M:
    record = session.get(model, record_id)
    if record is None:
        raise RecordNotFound(missing)
    return record


def _too_long(problems: list[FieldProblem], field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        problems.append(FieldProblem(field, f"Højst {fmt.number(limit, 0)} tegn (nu {fmt.number(len(value), 0)})."))


def _local_minute(value: dt.datetime) -> dt.datetime:
    """Naive local time to the minute, as the DateTime columns and the forms use it."""
    if value.tzinfo is not None:
        value = value.astimezone().replace(tzinfo=None)
    return value.replace(second=0, microsecond=0)


# --- activities --------------------------------------------------------------------

_ACTIVITY_MISSING = "Aktiviteten findes ikke (længere)."


def _activity_problems(data: ActivityInput) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if not isinstance(data.kind, ActivityKind):
        problems.append(FieldProblem("type", "Vælg en type aktivitet."))
    _too_long(problems, "titel", data.title.strip(), _SHORT_TEXT)
    _too_long(problems, "udbyder", data.provider.strip(), _SHORT_TEXT)
    if data.start_date is not None and data.end_date is not None and data.end_date < data.start_date:
        problems.append(FieldProblem("slutdato", f"Slutdatoen ligger før startdatoen ({fmt.date(data.start_date)})."))
    return problems


def _apply_activity(activity: Activity, data: ActivityInput) -> None:
    activity.kind = data.kind
    activity.title = data.title.strip()
    activity.provider = data.provider.strip()
    activity.start_date = data.start_date
    activity.end_date = data.end_date
    activity.result = data.result.strip()


def _activity_view(a: Activity) -> ActivityView:
    return ActivityView(a.id, a.kind, a.title, a.provider, a.start_date, a.end_date, a.result)


def list_activities(database: Database, citizen_id: int) -> list[ActivityView]:
    """Newest start first; activities without a start date last."""
    with database.reading() as session:
        _citizen(session, citizen_id)
        rows = session.scalars(select(Activity).where(Activity.citizen_id == citizen_id)).all()
        dated = sorted((a for a in rows if a.start_date is not None), key=lambda a: (a.start_date, a.id), reverse=True)
        undated = sorted((a for a in rows if a.start_date is None), key=lambda a: a.id, reverse=True)
        return [_activity_view(a) for a in (*dated, *undated)]


def add_activity(database: Database, citizen_id: int, data: ActivityInput) -> int:
    problems = _activity_problems(data)
    with database.transaction() as session:
        citizen = _citizen(session, citizen_id)
        if problems:
            raise ValidationFailed(problems, "Aktiviteten er ikke gemt:")
        activity = Activity()
        _apply_activity(activity, data)
        citizen.activities.append(activity)
        session.flush()
        audit.record(session, audit.Action.CHANGE, citizen_id, "aktivitet")
        return activity.id


def update_activity(database: Database, activity_id: int, data: ActivityInput) -> None:
    problems = _activity_problems(data)
    with database.transaction() as session:
        activity = _get(session, Activity, activity_id, _ACTIVITY_MISSING)
        if problems:
            raise ValidationFailed(problems, "Ændringerne er ikke gemt:")
        _apply_activity(activity, data)
        audit.record(session, audit.Action.CHANGE, activity.citizen_id, "aktivitet")


def delete_activity(database: Database, activity_id: int) -> None:
    with database.transaction() as session:
        activity = _get(session, Activity, activity_id, _ACTIVITY_MISSING)
        citizen_id = activity.citizen_id
        session.delete(activity)
        audit.record(session, audit.Action.CHANGE, citizen_id, "aktivitet slettet")


# --- journal -----------------------------------------------------------------------

_NOTE_MISSING = "Notatet findes ikke (længere)."


def _journal_problems(data: JournalInput) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if not isinstance(data.kind, JournalKind):
        problems.append(FieldProblem("type", "Vælg en type notat."))
    if not data.text.strip():
        problems.append(FieldProblem("tekst", "Skriv notatets tekst."))
    _too_long(problems, "tekst", data.text.strip(), JOURNAL_MAX_CHARS)
    if not isinstance(data.written_at, dt.datetime):
        problems.append(FieldProblem("tidspunkt", "Notatet skal have et tidspunkt."))
    return problems


def _apply_note(note: JournalNote, data: JournalInput) -> None:
    note.kind = data.kind
    note.text = data.text.strip()
    note.written_at = _local_minute(data.written_at)


def _note_view(n: JournalNote) -> JournalView:
    return JournalView(n.id, n.written_at, n.kind, n.text)


def _matches(note: JournalNote, words: list[str]) -> bool:
    haystack = fold_for_search(f"{JOURNAL_LABELS[note.kind]}\n{note.text}")
    return all(word in haystack for word in words)


def list_journal(database: Database, citizen_id: int, search: str = "") -> list[JournalView]:
    """Newest first. `search` keeps the notes that hold every word of it, in the text
    or the type label, ignoring case and the accents a Danish keyboard lacks."""
    words = fold_for_search(search).split()
    with database.reading() as session:
        _citizen(session, citizen_id)
        notes = session.scalars(select(JournalNote).where(JournalNote.citizen_id == citizen_id)).all()
        found = [n for n in notes if _matches(n, words)]
        found.sort(key=lambda n: (n.written_at, n.id), reverse=True)
        return [_note_view(n) for n in found]


def add_journal_note(database: Database, citizen_id: int, data: JournalInput) -> int:
    problems = _journal_problems(data)
    with database.transaction() as session:
        citizen = _citizen(session, citizen_id)
        if problems:
            raise ValidationFailed(problems, "Notatet er ikke gemt:")
        note = JournalNote()
        _apply_note(note, data)
        citizen.journal.append(note)
        session.flush()
        audit.record(session, audit.Action.CHANGE, citizen_id, "journal")
        return note.id


def update_journal_note(database: Database, note_id: int, data: JournalInput) -> None:
    problems = _journal_problems(data)
    with database.transaction() as session:
        note = _get(session, JournalNote, note_id, _NOTE_MISSING)
        if problems:
            raise ValidationFailed(problems, "Ændringerne er ikke gemt:")
        _apply_note(note, data)
        audit.record(session, audit.Action.CHANGE, note.citizen_id, "journal")


def delete_journal_note(database: Database, note_id: int) -> None:
    with database.transaction() as session:
        note = _get(session, JournalNote, note_id, _NOTE_MISSING)
        citizen_id = note.citizen_id
        session.delete(note)
        audit.record(session, audit.Action.CHANGE, citizen_id, "journal slettet")


def journal_note_as_text(note: JournalView) -> str:
    """The note as text to paste into the municipality's case system: date, time and
    type on the first line, then the text. No CPR: the case system knows whose it is."""
    return f"{fmt.date(note.written_at)} kl. {fmt.time(note.written_at)} – {JOURNAL_LABELS[note.kind]}\n\n{note.text}"


# --- meetings ----------------------------------------------------------------------

_MEETING_MISSING = "Mødet findes ikke (længere)."


def _meeting_problems(data: MeetingInput) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if not isinstance(data.kind, MeetingKind):
        problems.append(FieldProblem("type", "Vælg en type møde."))
    if not isinstance(data.starts_at, dt.datetime):
        problems.append(FieldProblem("tidspunkt", "Mødet skal have et tidspunkt."))
    _too_long(problems, "sted", data.location.strip(), _SHORT_TEXT)
    if data.interpreter_language is not None:
        language = data.interpreter_language.strip()
        _too_long(problems, "tolk", language, _LANGUAGE)
        if data.interpreter_booked and not language:
            problems.append(FieldProblem("tolk", "Skriv sproget for den bestilte tolk."))
    return problems


def _apply_meeting(meeting: Meeting, data: MeetingInput, citizen: Citizen) -> None:
    meeting.kind = data.kind
    meeting.starts_at = _local_minute(data.starts_at)
    meeting.location = data.location.strip()
    meeting.note = data.note.strip()
    if data.interpreter_language is None:  # from the citizen: their language, if they need an interpreter
        meeting.interpreter_language = citizen.language.strip() if citizen.interpreter_needed else ""
    else:
        meeting.interpreter_language = data.interpreter_language.strip()
    meeting.interpreter_booked = bool(meeting.interpreter_language) and data.interpreter_booked


def _meeting_view(m: Meeting, rule_pack: str, today: dt.date) -> MeetingView:
    w = m.workflow
    status = (
        meeting_workflow.status_text(meeting_workflow.view_of(m, rule_pack, today))
        if m.kind is meeting_workflow.TEAM_KIND
        else ""
    )
    return MeetingView(
        m.id,
        m.kind,
        m.starts_at,
        m.location,
        m.note,
        w.decided_on if w is not None else None,
        m.interpreter_language,
        m.interpreter_booked,
        status,
    )


def interpreter_language_for(database: Database, citizen_id: int) -> str:
    """The interpreter language a new meeting with the citizen starts with: their language when
    they need an interpreter, else ""."""
    with database.reading() as session:
        citizen = _citizen(session, citizen_id)
        return citizen.language.strip() if citizen.interpreter_needed else ""


def list_meetings(database: Database, citizen_id: int, today: dt.date | None = None) -> list[MeetingView]:
    """Soonest first."""
    today = today or dt.date.today()
    with database.reading() as session:
        citizen = _citizen(session, citizen_id)
        stmt = (
            select(Meeting)
            .where(Meeting.citizen_id == citizen_id)
            .options(selectinload(Meeting.workflow))
            .order_by(Meeting.starts_at, Meeting.id)
        )
        return [_meeting_view(m, citizen.rule_pack, today) for m in session.scalars(stmt)]


def add_meeting(database: Database, citizen_id: int, data: MeetingInput) -> int:
    """A new meeting. Without an interpreter language given, the citizen's (if they need one)."""
    problems = _meeting_problems(data)
    with database.transaction() as session:
        citizen = _citizen(session, citizen_id)
        if problems:
            raise ValidationFailed(problems, "Mødet er ikke gemt:")
        meeting = Meeting()
        _apply_meeting(meeting, data, citizen)
        citizen.meetings.append(meeting)
        session.flush()
        audit.record(session, audit.Action.CHANGE, citizen_id, "møde")
        return meeting.id


def update_meeting(database: Database, meeting_id: int, data: MeetingInput) -> None:
    """A meeting with a recorded indstilling or afgørelse keeps its kind, and moves only where the
    dates stay in order (`meeting_workflow.existing_workflow_problems`)."""
    problems = _meeting_problems(data)
    with database.transaction() as session:
        meeting = _get(session, Meeting, meeting_id, _MEETING_MISSING)
        if not problems:
            problems = meeting_workflow.existing_workflow_problems(meeting, data.kind, data.starts_at, dt.date.today())
        if problems:
            raise ValidationFailed(problems, "Ændringerne er ikke gemt:")
        _apply_meeting(meeting, data, meeting.citizen)
        audit.record(session, audit.Action.CHANGE, meeting.citizen_id, "møde")


def delete_meeting(database: Database, meeting_id: int) -> None:
    with database.transaction() as session:
        meeting = _get(session, Meeting, meeting_id, _MEETING_MISSING)
        citizen_id = meeting.citizen_id
        session.delete(meeting)
        audit.record(session, audit.Action.CHANGE, citizen_id, "møde slettet")


# --- the caseworker's own deadlines (påmindelser) ------------------------------------

_DEADLINE_MISSING = "Fristen findes ikke (længere)."


def _deadline_problems(data: DeadlineInput) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if not isinstance(data.due_on, dt.date):
        problems.append(FieldProblem("dato", "Fristen skal have en dato."))
    if not data.title.strip():
        problems.append(FieldProblem("titel", "Skriv hvad fristen gælder."))
    _too_long(problems, "titel", data.title.strip(), _SHORT_TEXT)
    return problems


def _deadline_view(d: Deadline) -> DeadlineView:
    return DeadlineView(d.id, d.due_on, d.title, d.done_on)


def list_deadlines(database: Database, citizen_id: int) -> list[DeadlineView]:
    """Open deadlines first, soonest first; then the done ones, also by due date."""
    with database.reading() as session:
        _citizen(session, citizen_id)
        rows = session.scalars(select(Deadline).where(Deadline.citizen_id == citizen_id)).all()
        ordered = sorted(rows, key=lambda d: (d.done_on is not None, d.due_on, d.id))
        return [_deadline_view(d) for d in ordered]


def add_deadline(database: Database, citizen_id: int, data: DeadlineInput) -> int:
    problems = _deadline_problems(data)
    with database.transaction() as session:
        citizen = _citizen(session, citizen_id)
        if problems:
            raise ValidationFailed(problems, "Fristen er ikke gemt:")
        deadline = Deadline(due_on=data.due_on, title=data.title.strip())
        citizen.deadlines.append(deadline)
        session.flush()
        audit.record(session, audit.Action.CHANGE, citizen_id, "frist")
        return deadline.id


def update_deadline(database: Database, deadline_id: int, data: DeadlineInput) -> None:
    """Change date and title; whether it is done stays as it was."""
    problems = _deadline_problems(data)
    with database.transaction() as session:
        deadline = _get(session, Deadline, deadline_id, _DEADLINE_MISSING)
        if problems:
            raise ValidationFailed(problems, "Ændringerne er ikke gemt:")
        deadline.due_on = data.due_on
        deadline.title = data.title.strip()
        audit.record(session, audit.Action.CHANGE, deadline.citizen_id, "frist")


def set_deadline_done(database: Database, deadline_id: int, done_on: dt.date | None) -> None:
    """Mark the deadline done on `done_on`, or open again with None."""
    with database.transaction() as session:
        deadline = _get(session, Deadline, deadline_id, _DEADLINE_MISSING)
        if done_on is not None and done_on > dt.date.today():
            raise ValidationFailed([FieldProblem("dato", "Datoen ligger i fremtiden.")], "Fristen er ikke ændret:")
        deadline.done_on = done_on
        audit.record(session, audit.Action.CHANGE, deadline.citizen_id, "frist")


def delete_deadline(database: Database, deadline_id: int) -> None:
    with database.transaction() as session:
        deadline = _get(session, Deadline, deadline_id, _DEADLINE_MISSING)
        citizen_id = deadline.citizen_id
        session.delete(deadline)
        audit.record(session, audit.Action.CHANGE, citizen_id, "frist slettet")


# --- goals of the current forløb (seed 001) ----------------------------------------


def set_goal_reached(
    database: Database, citizen_id: int, goal_key: str, reached_on: dt.date | None, note: str = ""
) -> None:
    """Record that a goal of the citizen's current group was reached on `reached_on`
    (which may close a group deadline), or remove it with None."""
    summary = "Målet er ikke gemt:" if reached_on is not None else "Målet er ikke fjernet:"
    with database.transaction() as session:
        citizen = _citizen(session, citizen_id)
        current = current_forloeb(citizen)
        if open_outcome(citizen) is not None:
            raise ValidationFailed([FieldProblem("status", "Sagen er lukket.")], summary)
        if current is None:
            raise ValidationFailed([FieldProblem("forløb", "Borgeren har intet aktuelt forløb.")], summary)
        problems: list[FieldProblem] = []
        if goal_key not in {g.key for g in GROUP_GOALS[current.group]}:
            problems.append(FieldProblem("mål", f"«{goal_key}» er ikke et mål i {GROUP_LABELS[current.group]}."))
        if reached_on is not None:
            if reached_on < current.start_date:
                problems.append(
                    FieldProblem("dato", f"Datoen ligger før forløbets start ({fmt.date(current.start_date)}).")
                )
            elif reached_on > dt.date.today():
                problems.append(FieldProblem("dato", "Datoen ligger i fremtiden."))
        if problems:
            raise ValidationFailed(problems, summary)

        existing = next((g for g in current.goals if g.goal_key == goal_key), None)
        if reached_on is None:
            if existing is None:
                return  # nothing to remove, nothing changed
            current.goals.remove(existing)
            audit.record(session, audit.Action.CHANGE, citizen_id, "mål fjernet")
            return
        if existing is None:
            current.goals.append(GoalProgress(goal_key=goal_key, reached_on=reached_on, note=note.strip()))
        else:
            existing.reached_on = reached_on
            existing.note = note.strip()
        audit.record(session, audit.Action.CHANGE, citizen_id, "mål")
