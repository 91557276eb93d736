"""Samtaler: the conversation schedule of each case, and the record of each samtale.

The interval between samtaler is data (`resources/rules/samtaler.toml`), per rule pack and
visitation group, with its paragraph and source; this module is the mechanism:

- The next samtale is due `weeks` after the last one held, or after the current forløb started
  when none has been held. A samtale (a `Meeting` of kind samtale) counts as held when it is
  recorded as held, or when its day has passed and nothing was recorded (the caseworker records
  an udeblivelse to say otherwise). An udeblivelse is no samtale: the due date stays.
- A samtale planned (attendance not recorded, from today on) on or before the due date closes
  the item; one planned later does not, and the item names it.
- The case's interval is that of the pack the case recorded (`Citizen.rule_pack`), or of the
  pack for today when it has recorded none, and of its current group. A closed case, and one
  with no current forløb, has no schedule.

`samtale_due_items` makes the "Samtale senest …" items of the whole caseload with one query
(the caseload calls it once); `samtale_schedule` gives one citizen's from the same rule and the
same query. `add_samtale` / `update_samtale` record a samtale held, planned or missed
(udeblevet, with what followed), in one transaction each; bad input changes nothing and says in
Danish what was wrong, where.

The file's schema (every other key is refused):

    format = 1
    [[intervals]]   pack (a rule pack id), groups (list of VisitationGroup), weeks (int 1-52),
                    paragraph, source, status

Every pack shipped in `resources/rulepacks/` must have every group exactly once.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from db.enums import MeetingKind, NoShowFollowUp, SamtaleAttendance, VisitationGroup
from db.models import CaseOutcome, Citizen, Meeting
from db.session import Database
from jobraad import audit, bulk
from jobraad import formatting as fmt
from jobraad.errors import FieldProblem, UserFacingError, ValidationFailed
from jobraad.rule_files import Table, parse_rule_file, read_rule_file
from jobraad.rulepacks import RulePackError, builtin_packs, default_pack_for, get_pack
from jobraad.visitation import DueItem, DueKind, DueTarget

__all__ = [
    "ATTENDANCE_LABELS",
    "FILE_NAME",
    "FOLLOW_UP_LABELS",
    "SamtaleInput",
    "SamtaleInterval",
    "SamtaleRules",
    "SamtaleSchedule",
    "SamtaleView",
    "add_samtale",
    "attendance_label",
    "due_item",
    "load_rules",
    "parse_rules",
    "samtale_due_items",
    "samtale_schedule",
    "update_samtale",
]

FILE_NAME = "samtaler.toml"
_MAX_WEEKS = 52
_SHORT_TEXT = 200  # Meeting.location is String(200)
_NOTE_MAX = 5_000

ATTENDANCE_LABELS: dict[SamtaleAttendance, str] = {
    SamtaleAttendance.AFHOLDT: "Afholdt",
    SamtaleAttendance.UDEBLEVET: "Udeblevet",
}

FOLLOW_UP_LABELS: dict[NoShowFollowUp, str] = {
    NoShowFollowUp.NY_INDKALDELSE: "Ny samtale indkaldt",
    NoShowFollowUp.GYLDIG_GRUND: "Gyldig grund – ingen sanktion",
    NoShowFollowUp.PARTSHOERING: "Partshøring om sanktion",
    NoShowFollowUp.SANKTION: "Sanktion (fradrag i ydelsen)",
    NoShowFollowUp.ANDET: "Andet (skriv hvad)",
}


# --- the rule data ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SamtaleInterval:
    """How long after the last held samtale the next is due, for a pack and a group."""

    pack: str
    group: VisitationGroup
    weeks: int
    paragraph: str
    source: str
    provisional: bool


@dataclass(frozen=True)
class SamtaleRules:
    intervals: Mapping[tuple[str, VisitationGroup], SamtaleInterval]

    def interval(self, pack_id: str, group: VisitationGroup) -> SamtaleInterval | None:
        """The interval of `pack_id` (or of the pack that replaces an old id) and `group`; None
        for a pack this release does not know."""
        found = self.intervals.get((pack_id, group))
        if found is not None:
            return found
        try:
            pack = get_pack(pack_id)
        except RulePackError:
            return None
        return self.intervals.get((pack.id, group))


def parse_rules(text: str, file: str = FILE_NAME, *, packs: Iterable[str] | None = None) -> SamtaleRules:
    """The rules in `text`, checked; `packs` (default: the shipped ones) must each have every group."""
    return _rules(parse_rule_file(text, file, required=("intervals",)), packs)


@functools.cache
def load_rules() -> SamtaleRules:
    """The shipped `resources/rules/samtaler.toml`, read once."""
    return _rules(read_rule_file(FILE_NAME, required=("intervals",)), None)


def _rules(top: Table, packs: Iterable[str] | None) -> SamtaleRules:
    found: dict[tuple[str, VisitationGroup], SamtaleInterval] = {}
    known = sorted(set(packs) if packs is not None else {p.id for p in builtin_packs()})
    group_names = [g.value for g in VisitationGroup]
    for entry in top.entries("intervals", required=("pack", "groups", "weeks", "paragraph")):
        pack = entry.one_of("pack", known)
        entry.named(f"{entry.where} ({pack})")
        groups = entry.texts("groups")
        weeks = entry.integer("weeks", 1, _MAX_WEEKS)
        paragraph = entry.text("paragraph")
        for name in groups:
            if name not in group_names:
                entry.fail(f"ukendt gruppe «{name}»; tilladt: {', '.join(group_names)}.")
            group = VisitationGroup(name)
            if (pack, group) in found:
                entry.fail(f"gruppen «{name}» står to gange for regelpakken «{pack}».")
            found[(pack, group)] = SamtaleInterval(pack, group, weeks, paragraph, entry.source, entry.provisional)
    for pack in known:
        missing = [g.value for g in VisitationGroup if (pack, g) not in found]
        if missing:
            top.fail(f"regelpakken «{pack}» mangler et interval for {', '.join(missing)}.")
    return SamtaleRules(found)


# --- the schedule -------------------------------------------------------------------------------------------


def _day_start(today: dt.date) -> dt.datetime:
    return dt.datetime.combine(today, dt.time.min)


def _counts_as_held(today: dt.date) -> ColumnElement[bool]:
    """The SQL condition of a held samtale (see the module docstring)."""
    return or_(
        Meeting.attendance == SamtaleAttendance.AFHOLDT,
        and_(Meeting.attendance.is_(None), Meeting.starts_at < _day_start(today)),
    )


@dataclass(frozen=True)
class _Facts:
    rule_pack: str
    last_held: dt.date | None
    next_planned: dt.datetime | None


def _facts(session: Session, today: dt.date, ids: list[int] | None) -> dict[int, _Facts]:
    """Per citizen (all, or `ids`): the pack it recorded, the day of its last held samtale and
    the time of its next planned one. One query for the whole caseload."""
    held = _counts_as_held(today)
    planned = and_(Meeting.attendance.is_(None), Meeting.starts_at >= _day_start(today))
    per_citizen = (
        select(
            Meeting.citizen_id.label("citizen_id"),
            func.max(case((held, Meeting.starts_at))).label("last_held"),
            func.min(case((planned, Meeting.starts_at))).label("next_planned"),
        )
        .where(Meeting.kind == MeetingKind.SAMTALE)
        .group_by(Meeting.citizen_id)
    )
    if ids is not None:
        per_citizen = per_citizen.where(Meeting.citizen_id.in_(ids))
    sub = per_citizen.subquery()
    stmt = select(Citizen.id, Citizen.rule_pack, sub.c.last_held, sub.c.next_planned).outerjoin(
        sub, sub.c.citizen_id == Citizen.id
    )
    if ids is not None:
        stmt = stmt.where(Citizen.id.in_(ids))
    return {
        citizen_id: _Facts(rule_pack, _day(last_held), _as_datetime(next_planned))
        for citizen_id, rule_pack, last_held, next_planned in bulk.rows(session, stmt)
    }


def _as_datetime(value: object) -> dt.datetime | None:
    """A MAX/MIN over a CASE may come back as text on SQLite: read it as the column would."""
    if value is None or isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    raise TypeError(f"unexpected value for a meeting time: {type(value).__name__}")


def _day(value: object) -> dt.date | None:
    found = _as_datetime(value)
    return found.date() if found is not None else None


def _interval_for(rule_pack: str, group: VisitationGroup, today: dt.date) -> SamtaleInterval | None:
    rules = load_rules()
    pack_id = rule_pack or default_pack_for(today).id
    return rules.interval(pack_id, group) or rules.interval(default_pack_for(today).id, group)


def due_item(
    interval: SamtaleInterval,
    last_held: dt.date | None,
    next_planned: dt.datetime | None,
    forloeb_start: dt.date,
    citizen_id: int | None = None,
) -> DueItem | None:
    """The "Samtale senest …" item: `interval.weeks` after the last held samtale (or after the
    current forløb started, when none was ever held); None when a samtale is planned on or before it."""
    base = last_held if last_held is not None else forloeb_start
    due_on = base + dt.timedelta(weeks=interval.weeks)
    if next_planned is not None and next_planned.date() <= due_on:
        return None
    title = f"Samtale senest {fmt.date(due_on)}"
    if next_planned is not None:
        title += f" (planlagt {fmt.date(next_planned.date())})"
    if interval.provisional:
        title += " – foreløbig"
    return DueItem(due_on, title, DueKind.SAMTALE, DueTarget.SAMTALER, citizen_id)


def samtale_due_items(
    session: Session,
    today: dt.date,
    ids: list[int] | None,
    closed: Mapping[int, object],
    current: bulk.CurrentForloeb,
) -> list[DueItem]:
    """The "Samtale senest …" items of every open case with a current forløb (or of `ids`),
    given what the caseload has read already: the closed cases and the current forløb."""
    items: list[DueItem] = []
    # Many citizens share a pack and a group: look each combination up once.
    intervals: dict[tuple[str, VisitationGroup], SamtaleInterval | None] = {}
    for citizen_id, facts in _facts(session, today, ids).items():
        group = current.group.get(citizen_id)
        if group is None or citizen_id in closed:
            continue
        key = (facts.rule_pack, group)
        if key not in intervals:
            intervals[key] = _interval_for(facts.rule_pack, group, today)
        interval = intervals[key]
        if interval is None:
            continue
        item = due_item(interval, facts.last_held, facts.next_planned, current.start[citizen_id], citizen_id)
        if item is not None:
            items.append(item)
    return items


# --- one citizen's samtaler ---------------------------------------------------------------------------------


def attendance_label(attendance: SamtaleAttendance | None, starts_at: dt.datetime, today: dt.date) -> str:
    """What the window says about a samtale's fremmøde."""
    if attendance is not None:
        return ATTENDANCE_LABELS[attendance]
    return "Planlagt" if starts_at >= _day_start(today) else "Ikke registreret (regnes som afholdt)"


@dataclass(frozen=True)
class SamtaleView:
    meeting_id: int
    starts_at: dt.datetime
    attendance: SamtaleAttendance | None
    follow_up: NoShowFollowUp | None
    follow_up_note: str
    location: str
    note: str
    state: str  # attendance_label

    @property
    def followed(self) -> str:
        """What followed an udeblivelse, in words ("" for any other samtale)."""
        if self.follow_up is None:
            return self.follow_up_note
        label = FOLLOW_UP_LABELS[self.follow_up].split(" (")[0]
        return f"{label}: {self.follow_up_note}" if self.follow_up_note else label


@dataclass(frozen=True)
class SamtaleSchedule:
    """One citizen's samtaler (newest first) and when the next is due."""

    samtaler: tuple[SamtaleView, ...]
    interval: SamtaleInterval | None  # None: the case is closed or has no current forløb
    pack_name: str
    group: VisitationGroup | None
    last_held: dt.date | None
    next_planned: dt.datetime | None
    due_on: dt.date | None  # the "Samtale senest" date, planned or not; None without an interval
    item: DueItem | None  # the due item the Overblik shows (None when a samtale is planned in time)
    no_shows: int


def samtale_schedule(database: Database, citizen_id: int, today: dt.date) -> SamtaleSchedule:
    """One citizen's samtaler and schedule, by the rule and the query the caseload uses."""
    with database.reading() as session:
        if session.get(Citizen, citizen_id) is None:
            raise UserFacingError("Borgeren findes ikke (længere).")
        facts = _facts(session, today, [citizen_id])[citizen_id]
        current = bulk.current_forloeb(session, [citizen_id])
        closed = session.scalar(
            select(func.count())
            .select_from(CaseOutcome)
            .where(CaseOutcome.citizen_id == citizen_id, CaseOutcome.reopened_on.is_(None))
        )
        stmt = (
            select(Meeting)
            .where(Meeting.citizen_id == citizen_id, Meeting.kind == MeetingKind.SAMTALE)
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        )
        views = tuple(
            SamtaleView(
                m.id,
                m.starts_at,
                m.attendance,
                m.follow_up,
                m.follow_up_note,
                m.location,
                m.note,
                attendance_label(m.attendance, m.starts_at, today),
            )
            for m in session.scalars(stmt)
        )
    group = current.group.get(citizen_id)
    interval = _interval_for(facts.rule_pack, group, today) if group is not None and not closed else None
    due_on = item = None
    pack_name = ""
    if interval is not None:
        start = current.start[citizen_id]
        unplanned = due_item(interval, facts.last_held, None, start, citizen_id)
        assert unplanned is not None
        due_on = unplanned.due_on
        item = due_item(interval, facts.last_held, facts.next_planned, start, citizen_id)
        pack_name = get_pack(interval.pack).name
    no_shows = sum(1 for v in views if v.attendance is SamtaleAttendance.UDEBLEVET)
    return SamtaleSchedule(
        views, interval, pack_name, group, facts.last_held, facts.next_planned, due_on, item, no_shows
    )


# --- recording ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SamtaleInput:
    """A samtale as the caseworker records it. `attendance` None: planned (not yet held)."""

    starts_at: dt.datetime | None
    attendance: SamtaleAttendance | None
    follow_up: NoShowFollowUp | None = None
    follow_up_note: str = ""
    location: str = ""
    note: str = ""


def _problems(data: SamtaleInput, today: dt.date) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if not isinstance(data.starts_at, dt.datetime):
        problems.append(FieldProblem("dato", "Samtalen skal have en dato og et klokkeslæt."))
    elif data.attendance is not None and data.starts_at.date() > today:
        word = "afholdt" if data.attendance is SamtaleAttendance.AFHOLDT else "udeblevet"
        problems.append(
            FieldProblem("fremmøde", f"En samtale {fmt.date(data.starts_at.date())} kan ikke være {word} endnu.")
        )
    note = data.follow_up_note.strip()
    if data.attendance is SamtaleAttendance.UDEBLEVET:
        if data.follow_up is None:
            problems.append(FieldProblem("fulgte", "Vælg, hvad der fulgte af udeblivelsen."))
        elif data.follow_up is NoShowFollowUp.ANDET and not note:
            problems.append(FieldProblem("fulgte", "Skriv, hvad der fulgte af udeblivelsen."))
    elif data.follow_up is not None or note:
        problems.append(
            FieldProblem("fulgte", "Kun en udeblivelse har noget, der fulgte. Vælg «Udeblevet» eller ryd feltet.")
        )
    if len(data.location.strip()) > _SHORT_TEXT:
        problems.append(FieldProblem("sted", f"Højst {_SHORT_TEXT} tegn."))
    for name, text in (("fulgte", note), ("note", data.note.strip())):
        if len(text) > _NOTE_MAX:
            problems.append(FieldProblem(name, f"Højst {fmt.number(_NOTE_MAX, 0)} tegn."))
    return problems


def _apply(meeting: Meeting, data: SamtaleInput) -> None:
    assert data.starts_at is not None
    starts_at = data.starts_at
    if starts_at.tzinfo is not None:
        starts_at = starts_at.astimezone().replace(tzinfo=None)
    meeting.kind = MeetingKind.SAMTALE
    meeting.starts_at = starts_at.replace(second=0, microsecond=0)
    meeting.attendance = data.attendance
    meeting.follow_up = data.follow_up if data.attendance is SamtaleAttendance.UDEBLEVET else None
    meeting.follow_up_note = data.follow_up_note.strip() if data.attendance is SamtaleAttendance.UDEBLEVET else ""
    meeting.location = data.location.strip()
    meeting.note = data.note.strip()


def _detail(data: SamtaleInput) -> str:
    return "udeblivelse" if data.attendance is SamtaleAttendance.UDEBLEVET else "samtale"


def add_samtale(database: Database, citizen_id: int, data: SamtaleInput, today: dt.date | None = None) -> int:
    """Record a samtale (held, udeblevet or planned); its meeting id. Nothing is saved on a problem."""
    problems = _problems(data, today or dt.date.today())
    with database.transaction() as session:
        citizen = session.get(Citizen, citizen_id)
        if citizen is None:
            raise UserFacingError("Borgeren findes ikke (længere).")
        if problems:
            raise ValidationFailed(problems, "Samtalen er ikke gemt:")
        meeting = Meeting()
        _apply(meeting, data)
        citizen.meetings.append(meeting)
        session.flush()
        audit.record(session, audit.Action.CHANGE, citizen_id, _detail(data))
        return meeting.id


def update_samtale(database: Database, meeting_id: int, data: SamtaleInput, today: dt.date | None = None) -> None:
    """Change a samtale: record that it was held, or that the citizen did not come and what followed."""
    problems = _problems(data, today or dt.date.today())
    with database.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None:
            raise UserFacingError("Samtalen findes ikke (længere).")
        if meeting.kind is not MeetingKind.SAMTALE:
            raise UserFacingError("Mødet er ikke en samtale; ret det under Møder.")
        if problems:
            raise ValidationFailed(problems, "Ændringerne er ikke gemt:")
        _apply(meeting, data)
        audit.record(session, audit.Action.CHANGE, meeting.citizen_id, _detail(data))
