"""The active caseload's dates as an iCalendar (.ics) file for Outlook.

Group deadlines (seed 001) and the caseworker's own reminders become all-day
events; meetings become one-hour events in Danish time. The file holds names (or
only initials) and dates: never a CPR number, a journal note, a meeting note or
any health information. UIDs are stable, so importing a newer export again
updates the events instead of doubling them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Citizen, Deadline, Meeting
from db.session import Database
from jobraad import audit
from jobraad.caseload import due_items
from jobraad.outputs import check_output, rules_for, write_output
from jobraad.visitation import GROUP_DEADLINES, DeadlineRule, DueItem, DueKind
from jobraad.vocab import MEETING_LABELS

__all__ = ["MEETING_LENGTH", "PRODID", "TZID", "export_ics", "initials"]

PRODID = "-//jobraad//DA"
TZID = "Europe/Copenhagen"
MEETING_LENGTH = dt.timedelta(hours=1)

_TZ = ZoneInfo(TZID)
# A CPR number typed into a free-text field (a reminder title, a meeting place).
_CPR_LIKE = re.compile(r"(?<!\d)\d{6}[-\s]?\d{4}(?!\d)")

_PREFIX = {DueKind.GRUPPE: "Frist", DueKind.PAAMINDELSE: "Påmindelse", DueKind.DOKUMENTATION: "Dokumentation"}
_UID_KIND = {DueKind.GRUPPE: "gruppe", DueKind.PAAMINDELSE: "paamindelse", DueKind.DOKUMENTATION: "dokumentation"}


@dataclass(frozen=True)
class _Entry:
    uid: str
    summary: str
    start: dt.date | dt.datetime
    description: str = ""
    location: str = ""


def initials(first_name: str, last_name: str) -> str:
    """'Søren Ærø' → 'S.Æ.'; every part of a composite name counts: 'Anna-Marie Bo' → 'A.M.B.'."""
    parts = re.split(r"[\s-]+", f"{first_name} {last_name}".strip())
    return "".join(f"{p[0].upper()}." for p in parts if p)


def _scrub(text: str) -> str:
    return _CPR_LIKE.sub("xxxxxx-xxxx", text.strip())


def _rule_for(title: str) -> DeadlineRule | None:
    for rules in GROUP_DEADLINES.values():
        for rule in rules:
            if title == rule.label or title.startswith(f"{rule.label}:"):
                return rule
    return None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def _computed_entry(item: DueItem, citizen_id: int, who: str) -> _Entry:
    """An all-day entry for a deadline that follows from the rules (not stored)."""
    prefix = _PREFIX.get(item.kind, "Frist")
    kind = _UID_KIND.get(item.kind, "frist")
    rule = _rule_for(item.title) if item.kind == DueKind.GRUPPE else None
    if rule is not None:
        rest = item.title[len(rule.label) :].lstrip(": ")
        return _Entry(
            uid=f"{kind}-{citizen_id}-{rule.key}-{item.due_on:%Y%m%d}@jobraad",
            summary=f"{prefix}: {rule.label} – {who}",
            start=item.due_on,
            description=rest[:1].upper() + rest[1:],
        )
    title = _scrub(item.title)
    return _Entry(
        uid=f"{kind}-{citizen_id}-{_digest(item.title)}-{item.due_on:%Y%m%d}@jobraad",
        summary=f"{prefix}: {title} – {who}",
        start=item.due_on,
    )


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
            if item.kind not in (DueKind.MOEDE, DueKind.PAAMINDELSE):
                entries.append(_computed_entry(item, cid, who[cid]))

    meetings = select(Meeting).where(
        Meeting.citizen_id.in_(ids), Meeting.starts_at >= dt.datetime.combine(today, dt.time.min)
    )
    for m in session.scalars(meetings.order_by(Meeting.starts_at, Meeting.id)):
        entries.append(
            _Entry(
                uid=f"moede-{m.id}@jobraad",
                summary=f"{MEETING_LABELS[m.kind]} – {who[m.citizen_id]}",
                start=m.starts_at.replace(tzinfo=_TZ),
                location=_scrub(m.location),
            )
        )
    reminders = select(Deadline).where(Deadline.citizen_id.in_(ids), Deadline.done_on.is_(None))
    for d in session.scalars(reminders.order_by(Deadline.due_on, Deadline.id)):
        entries.append(
            _Entry(
                uid=f"paamindelse-{d.id}@jobraad",
                summary=f"Påmindelse: {_scrub(d.title)} – {who[d.citizen_id]}",
                start=d.due_on,
            )
        )

    def when(e: _Entry) -> tuple[dt.date, int, str]:
        if isinstance(e.start, dt.datetime):
            return (e.start.date(), 1, e.uid)
        return (e.start, 0, e.uid)

    entries.sort(key=when)
    return entries, set(ids)


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


def _calendar(entries: list[_Entry], stamp: dt.datetime) -> bytes:
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
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
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
        if entry.location:
            event.add("location", entry.location)
        if entry.description:
            event.add("description", entry.description)
        cal.add_component(event)
    return bytes(cal.to_ical())


def export_ics(
    database: Database, path: Path, today: dt.date | None = None, *, names: bool = True, replace: bool = False
) -> int:
    """Write the active caseload's deadlines, reminders and coming meetings to `path`
    as an .ics file; with `names=False` only initials. Returns the number of events.
    Through the one writer: an existing file only with `replace`, never the database
    (`OutputRefusedError`).

    The export is logged once for the caseload and once per citizen in the file
    (a citizen may ask who has seen their data), with the detail "kalender".
    """
    today = today or dt.date.today()
    path = Path(path)
    rules = rules_for(database)
    check_output(path, rules, replace=replace)
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    with database.transaction() as session:
        entries, included = _entries(session, today, names)
        audit.record(session, audit.Action.EXPORT, None, "kalender")
        for citizen_id in sorted(included):
            audit.record(session, audit.Action.EXPORT, citizen_id, "kalender")
        # Written last inside the transaction: if writing fails, the log entries roll back.
        write_output(path, _calendar(entries, stamp), rules, replace=replace, what="Kalenderen kunne ikke gemmes")
    return len(entries)
