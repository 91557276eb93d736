"""Reminders on the desktop, without a server: at start and each morning while the program
runs, what is due today or overdue (the Overblik's items, `caseload.due_items`) as one
desktop notification (ui.reminders).

What a notification may say, because the screen may be shared or projected: the kind of
item in the calendar's neutral words (`calendar_export.KINDS`: "Frist: dokumentation",
"Påmindelse", "Møde"), the citizen's initials, and when it was due. Never a name, a CPR
number, a reminder's own text, a document, a doctor, a place or anything about health: the
items' titles, which may hold those, are not used at all.

Each reminder keeps where it opens in the citizen's file (`overview.opens`), so a click on
the notification opens the item in its place, as the Overblik does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from db.models import Citizen
from db.session import Database
from jobraad import formatting as fmt
from jobraad.calendar_export import KINDS, WORKDAY_START, initials
from jobraad.caseload import due_items
from jobraad.overview import opens
from jobraad.settings import get_setting
from jobraad.visitation import DueItem, DueKind

__all__ = [
    "MAX_LINES",
    "MORNING",
    "SETTING",
    "Notification",
    "Reminder",
    "due_reminders",
    "kind_label",
    "next_morning",
    "notification",
    "reminders_on",
]

SETTING = "desktop_reminders"  # jobraad.settings.SPECS: on by default
MORNING = WORKDAY_START  # when the day's reminders come while the program runs
MAX_LINES = 6  # lines of items in one notification; the rest are counted


def kind_label(kind: DueKind) -> str:
    """The neutral word for a kind of due item: the calendar's (`KINDS`) where it has one, a
    meeting just "Møde" (whatever kind of meeting), else the kind's own word ("samtale")."""
    if kind is DueKind.MOEDE:
        return "Møde"
    return KINDS.get(kind.name.lower()) or kind.value.capitalize()


@dataclass(frozen=True, slots=True)
class Reminder:
    citizen_id: int
    who: str  # initials only
    kind: DueKind
    due_on: dt.date
    target: str  # where in the citizen's file it opens (`overview.opens`)

    def text(self, today: dt.date) -> str:
        """One line of the notification: kind, initials and when."""
        if self.due_on >= today:
            when = "i dag"
        else:
            days = (today - self.due_on).days
            when = f"overskredet {'1 dag' if days == 1 else f'{days} dage'} ({fmt.date(self.due_on)})"
        return f"{kind_label(self.kind)} – {self.who}, {when}"


@dataclass(frozen=True)
class Notification:
    title: str
    message: str
    first: Reminder  # what a click on the notification opens: the most overdue item


def due_reminders(database: Database, today: dt.date) -> list[Reminder]:
    """Every item of the active caseload due today or overdue, the most overdue first (two
    reads for the whole caseload: the due items, then the initials of those with any)."""
    with database.reading() as session:
        due: list[DueItem] = [
            item for items in due_items(session, today).values() for item in items if item.due_on <= today
        ]
        ids = sorted({item.citizen_id for item in due if item.citizen_id is not None})
        who: dict[int, str] = {}
        if ids:
            for citizen_id, first, last in session.execute(
                select(Citizen.id, Citizen.first_name, Citizen.last_name).where(Citizen.id.in_(ids))
            ):
                who[citizen_id] = initials(first, last)
    reminders = [
        Reminder(item.citizen_id, who[item.citizen_id], item.kind, item.due_on, opens(item))
        for item in due
        if item.citizen_id is not None
    ]
    reminders.sort(key=lambda r: (r.due_on, r.who, r.citizen_id))
    return reminders


def notification(reminders: list[Reminder], today: dt.date) -> Notification | None:
    """The one notification for `reminders` (None when there are none): a title that counts
    them, a line each for the first `MAX_LINES`."""
    if not reminders:
        return None
    overdue = sum(r.due_on < today for r in reminders)
    today_count = len(reminders) - overdue
    parts = []
    if overdue:
        parts.append(f"{overdue} overskredet" if overdue == 1 else f"{overdue} overskredne")
    if today_count:
        parts.append(f"{today_count} i dag")
    title = f"jobraad: {' og '.join(parts)}"
    lines = [r.text(today) for r in reminders[:MAX_LINES]]
    if len(reminders) > MAX_LINES:
        lines.append(f"… og {len(reminders) - MAX_LINES} mere i Overblikket.")
    return Notification(title, "\n".join(lines), reminders[0])


def next_morning(now: dt.datetime) -> dt.datetime:
    """When the next morning's reminders come: today at `MORNING` if that is still ahead,
    else tomorrow at `MORNING`."""
    morning = dt.datetime.combine(now.date(), MORNING)
    return morning if now < morning else morning + dt.timedelta(days=1)


def reminders_on(database: Database) -> bool:
    """Whether the caseworker wants reminders on the desktop (Indstillinger)."""
    return bool(get_setting(database, SETTING))
