"""The active caseload's dates as an iCalendar (.ics) file for Outlook, safe to sync.

What the file promises: every event's summary is a neutral word for its kind (the
table `KINDS`) and the citizen's name, or only initials on request ("Frist:
dokumentation – A.B."). Nothing else about the case leaves jobraad: no document
name, doctor, LÆ form, diagnosis, contact or partner, no reminder's own text, no
meeting place or note, no CPR number. The detail stays in jobraad. Deadlines and
reminders are all-day events; meetings one-hour events in Danish time.

A reminder (VALARM, on request) comes the chosen time before a meeting starts; for an
all-day item, the chosen time before the working day starts (`WORKDAY_START`) on its day,
not before midnight: "1 time før" a deadline is 07:00 that day, not 23:00 the evening before.

UIDs are `<kind>-<the item's own key>.<the database's calendar id>@jobraad`: the
calendar id is random, made on the first export and kept in the database (Setting
`calendar_id`), so two caseworkers' calendars never share a UID, and the item's key
does not change when its date does. Each export remembers a fingerprint of every
event (Setting `calendar_sequences`); an event that changed since gets a higher
SEQUENCE, so importing a newer export moves the event instead of doubling it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.enums import MeetingKind
from db.errors import UserFacingError
from db.models import Citizen, Deadline, Meeting, Setting
from db.session import Database
from jobraad import audit
from jobraad.caseload import due_items
from jobraad.outputs import check_output, rules_for, write_output
from jobraad.visitation import GROUP_DEADLINES, DeadlineRule, DueKind

__all__ = [
    "CALENDAR_ID_SETTING",
    "KINDS",
    "MAX_REMINDER_MINUTES",
    "MEETING_LENGTH",
    "PRODID",
    "SEQUENCES_SETTING",
    "TZID",
    "WORKDAY_START",
    "alarm_trigger",
    "export_ics",
    "initials",
]

PRODID = "-//jobraad//DA"
TZID = "Europe/Copenhagen"
MEETING_LENGTH = dt.timedelta(hours=1)
CALENDAR_ID_SETTING = "calendar_id"
SEQUENCES_SETTING = "calendar_sequences"
MAX_REMINDER_MINUTES = 4 * 7 * 24 * 60  # four weeks
# An all-day item's reminder counts back from here (and the desktop reminders come at it).
WORKDAY_START = dt.time(8, 0)

_TZ = ZoneInfo(TZID)

#: Every kind of item that becomes an event, and the one summary it gets: what kind of
#: thing is due, never what it is about. Deadlines of the visitation group (seed 001),
#: overdue documentation requests and the caseworker's own reminders by their DueKind;
#: meetings by their MeetingKind (a meeting with the health coordinator is just "Møde").
KINDS: Mapping[str, str] = MappingProxyType(
    {
        DueKind.GRUPPE.name.lower(): "Frist: gruppe",
        DueKind.DOKUMENTATION.name.lower(): "Frist: dokumentation",
        DueKind.PAAMINDELSE.name.lower(): "Påmindelse",
        MeetingKind.SAMTALE.value: "Samtale",
        MeetingKind.TREPARTSSAMTALE.value: "3-partssamtale",
        MeetingKind.REHABILITERINGSTEAM.value: "Møde med teamet",
        MeetingKind.SUNDHEDSKOORDINATOR.value: "Møde",
        MeetingKind.ANDET.value: "Møde",
    }
)


@dataclass(frozen=True)
class _Entry:
    key: str  # the item's own key, stable across exports: "<kind>-<record>"
    kind: str  # a key of KINDS
    who: str
    start: dt.date | dt.datetime

    @property
    def summary(self) -> str:
        return f"{KINDS[self.kind]} – {self.who}"


def initials(first_name: str, last_name: str) -> str:
    """'Søren Ærø' → 'S.Æ.'; every part of a composite name counts: 'Anna-Marie Bo' → 'A.M.B.'."""
    parts = re.split(r"[\s-]+", f"{first_name} {last_name}".strip())
    return "".join(f"{p[0].upper()}." for p in parts if p)


def _rule_for(title: str) -> DeadlineRule | None:
    for rules in GROUP_DEADLINES.values():
        for rule in rules:
            if title == rule.label or title.startswith(f"{rule.label}:"):
                return rule
    return None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _entries(session: Session, today: dt.date, names: bool) -> tuple[list[_Entry], set[int]]:
    due = {cid: items for cid, items in due_items(session, today).items() if items}
    ids = sorted(due)
    if not ids:
        return [], set()
    who: dict[int, str] = {}
    for cid, first, last in session.execute(
        select(Citizen.id, Citizen.first_name, Citizen.last_name).where(Citizen.id.in_(ids))
    ):
        who[cid] = f"{first} {last}".strip() if names else initials(first, last)

    entries: list[_Entry] = []
    for cid in ids:
        for item in due[cid]:
            # Meetings and reminders are read from their own rows below (for their
            # ids and times); due_items is the authority on which citizens are active.
            if item.kind == DueKind.GRUPPE:
                rule = _rule_for(item.title)
                rule_key = rule.key if rule is not None else _digest(item.title.split(":")[0])
                entries.append(_Entry(f"gruppe-c{cid}-{rule_key}", "gruppe", who[cid], item.due_on))
            elif item.kind == DueKind.DOKUMENTATION:
                ref = item.ref or _digest(item.title)
                entries.append(_Entry(f"dokumentation-{ref}", "dokumentation", who[cid], item.due_on))

    meetings = select(Meeting.id, Meeting.citizen_id, Meeting.kind, Meeting.starts_at).where(
        Meeting.citizen_id.in_(ids), Meeting.starts_at >= dt.datetime.combine(today, dt.time.min)
    )
    for meeting_id, cid, kind, starts_at in session.execute(meetings):
        entries.append(_Entry(f"moede-{meeting_id}", MeetingKind(kind).value, who[cid], starts_at.replace(tzinfo=_TZ)))
    reminders = select(Deadline.id, Deadline.citizen_id, Deadline.due_on).where(
        Deadline.citizen_id.in_(ids), Deadline.done_on.is_(None)
    )
    for deadline_id, cid, due_on in session.execute(reminders):
        entries.append(_Entry(f"paamindelse-{deadline_id}", "paamindelse", who[cid], due_on))

    def when(e: _Entry) -> tuple[dt.date, int, str]:
        if isinstance(e.start, dt.datetime):
            return (e.start.date(), 1, e.key)
        return (e.start, 0, e.key)

    entries.sort(key=when)
    return entries, set(ids)


def _calendar_id(session: Session) -> str:
    """This database's random calendar id, made on the first export."""
    row = session.get(Setting, CALENDAR_ID_SETTING)
    if row is not None:
        return str(json.loads(row.value))
    calendar_id = secrets.token_hex(8)
    session.add(Setting(key=CALENDAR_ID_SETTING, value=json.dumps(calendar_id)))
    session.flush()
    return calendar_id


def _fingerprint(entry: _Entry, reminder: int | None) -> str:
    return _digest(f"{entry.summary}|{entry.start.isoformat()}|{reminder}")


def _sequences(session: Session, entries: list[_Entry], reminder: int | None) -> dict[str, int]:
    """The SEQUENCE of each entry: the stored one while the event is unchanged, one higher
    when it changed. Items no longer exported keep their number, so an item that comes
    back never goes below what a calendar has seen."""
    row = session.get(Setting, SEQUENCES_SETTING)
    stored: dict[str, tuple[int, str]] = json.loads(row.value) if row is not None else {}
    result: dict[str, int] = {}
    for entry in entries:
        fingerprint = _fingerprint(entry, reminder)
        sequence, seen = stored.get(entry.key, (0, fingerprint))
        sequence = int(sequence) + (seen != fingerprint)
        stored[entry.key] = (sequence, fingerprint)
        result[entry.key] = sequence
    value = json.dumps(stored, separators=(",", ":"), sort_keys=True)
    if row is None:
        session.add(Setting(key=SEQUENCES_SETTING, value=value))
    else:
        row.value = value
    session.flush()
    return result


def _copenhagen() -> Timezone:
    """Europe/Copenhagen as Outlook writes it: the EU rule, not a list of years."""
    tz = Timezone()
    tz.add("tzid", TZID)
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("dtstart", dt.datetime(1970, 3, 29, 2, 0))
    summer.add("tzoffsetfrom", dt.timedelta(hours=1))
    summer.add("tzoffsetto", dt.timedelta(hours=2))
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1SU"})
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("dtstart", dt.datetime(1970, 10, 25, 3, 0))
    winter.add("tzoffsetfrom", dt.timedelta(hours=2))
    winter.add("tzoffsetto", dt.timedelta(hours=1))
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1SU"})
    tz.add_component(summer)
    tz.add_component(winter)
    return tz


def alarm_trigger(start: dt.date | dt.datetime, minutes: int) -> dt.timedelta:
    """The VALARM trigger (relative to the event's start) of a reminder `minutes` before: a
    meeting's start, or an all-day item's working day start (`WORKDAY_START`)."""
    before = dt.timedelta(minutes=minutes)
    if isinstance(start, dt.datetime):
        return -before
    return dt.timedelta(hours=WORKDAY_START.hour, minutes=WORKDAY_START.minute) - before


def _calendar(
    entries: list[_Entry], stamp: dt.datetime, calendar_id: str, sequences: Mapping[str, int], reminder: int | None
) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "jobraad")
    cal.add("x-wr-timezone", TZID)
    cal.add_component(_copenhagen())
    for entry in entries:
        event = Event()
        event.add("uid", f"{entry.key}.{calendar_id}@jobraad")
        event.add("dtstamp", stamp)
        event.add("sequence", sequences[entry.key])
        event.add("summary", entry.summary)
        event.add("dtstart", entry.start)
        if isinstance(entry.start, dt.datetime):
            event.add("dtend", entry.start + MEETING_LENGTH)
        else:
            # All-day: DTEND is the exclusive next day; a deadline does not make the caseworker busy.
            event.add("dtend", entry.start + dt.timedelta(days=1))
            event.add("transp", "TRANSPARENT")
            event.add("x-microsoft-cdo-alldayevent", "TRUE")
            event.add("x-microsoft-cdo-busystatus", "FREE")
        if reminder is not None:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", KINDS[entry.kind])  # the kind only, not even the initials
            alarm.add("trigger", alarm_trigger(entry.start, reminder))
            event.add_component(alarm)
        cal.add_component(event)
    return bytes(cal.to_ical())


def export_ics(
    database: Database,
    path: Path,
    today: dt.date | None = None,
    *,
    names: bool = True,
    reminder_minutes: int | None = None,
    replace: bool = False,
) -> int:
    """Write the active caseload's deadlines, reminders and coming meetings to `path`
    as an .ics file; with `names=False` only initials; with `reminder_minutes` each event
    carries a reminder that many minutes before it starts. Returns the number of events.
    Through the one writer: an existing file only with `replace`, never the database
    (`OutputRefusedError`).

    The export is logged once for the caseload and once per citizen in the file
    (a citizen may ask who has seen their data), with the detail "kalender".
    """
    today = today or dt.date.today()
    path = Path(path)
    if reminder_minutes is not None and not 0 <= reminder_minutes <= MAX_REMINDER_MINUTES:
        raise UserFacingError(f"Påmindelsen skal være mellem 0 og {MAX_REMINDER_MINUTES} minutter før. Intet er gemt.")
    rules = rules_for(database)
    check_output(path, rules, replace=replace)
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with database.transaction() as session:
        entries, included = _entries(session, today, names)
        calendar_id = _calendar_id(session)
        sequences = _sequences(session, entries, reminder_minutes)
        audit.record(session, audit.Action.EXPORT, None, "kalender")
        for citizen_id in sorted(included):
            audit.record(session, audit.Action.EXPORT, citizen_id, "kalender")
        # Written last inside the transaction: if writing fails, the log entries roll back.
        write_output(
            path,
            _calendar(entries, stamp, calendar_id, sequences, reminder_minutes),
            rules,
            replace=replace,
            what="Kalenderen kunne ikke gemmes",
        )
    return len(entries)
