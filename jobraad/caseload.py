"""The caseload: one row per citizen with what the list and the Overblik need.

Built with a handful of set-based queries (never one query per citizen), so the
list stays instant at 1,000 citizens and more.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import operator
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.enums import Aim, MeetingKind, Outcome, VisitationGroup
from db.models import CaseOutcome, Citizen, Deadline, Forloeb, GoalProgress, Meeting
from db.session import Database
from jobraad import cpr
from jobraad import formatting as fmt
from jobraad.documentation import Readiness, overdue_requests, plain_rows, readiness_by_citizen
from jobraad.text import danish_sort_key, fold_for_search
from jobraad.visitation import (
    DueItem,
    Urgency,
    group_deadlines,
    in_target_group_2024,
    known_due_item,
    urgency,
    weeks_in_forloeb,
)
from jobraad.vocab import MEETING_LABELS


@dataclass(frozen=True)
class CaseloadRow:
    citizen_id: int
    cpr: str  # ten digits
    first_name: str
    last_name: str
    phone: str
    age: int
    group: VisitationGroup | None
    aim: Aim
    forloeb_start: dt.date | None
    weeks_in_forloeb: int | None
    active: bool
    outcome: Outcome | None
    in_target_group: bool
    due: tuple[DueItem, ...] = ()
    readiness: Readiness | None = None
    search_text: str = field(default="", repr=False)
    sort_name: str = field(
        default="", repr=False
    )  # jobraad.text.danish_sort_key of "last first"  # folded (jobraad.text.fold_for_search): name, CPR, phone, notes

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def next_due(self) -> DueItem | None:
        return self.due[0] if self.due else None

    def next_urgency(self, today: dt.date) -> Urgency | None:
        return urgency(self.due[0].due_on, today) if self.due else None

    def overdue_count(self, today: dt.date) -> int:
        return sum(1 for d in self.due if d.due_on < today)


@dataclass(frozen=True)
class _Current:
    forloeb_id: int
    group: VisitationGroup
    start: dt.date


def _current_forloeb(session: Session, ids: Iterable[int] | None) -> dict[int, _Current]:
    stmt = select(Forloeb.citizen_id, Forloeb.id, Forloeb.group, Forloeb.start_date).where(Forloeb.end_date.is_(None))
    if ids is not None:
        stmt = stmt.where(Forloeb.citizen_id.in_(list(ids)))
    current: dict[int, _Current] = {}
    for citizen_id, forloeb_id, group, start in plain_rows(session, stmt.order_by(Forloeb.start_date, Forloeb.id)):
        current[citizen_id] = _Current(forloeb_id, group, start)  # the latest wins
    return current


def due_items(session: Session, today: dt.date, citizen_ids: Iterable[int] | None = None) -> dict[int, list[DueItem]]:
    """Every open deadline per active citizen, soonest first: group deadlines (seed
    001), coming meetings and the caseworker's own reminders."""
    ids = list(citizen_ids) if citizen_ids is not None else None
    overdue = overdue_requests(session, today, ids)
    return _due_items(session, today, ids, _closed(session, ids), _current_forloeb(session, ids), overdue)


_DUE_ON = operator.attrgetter("due_on")


def _due_items(
    session: Session,
    today: dt.date,
    ids: list[int] | None,
    closed: Mapping[int, Outcome],
    current: Mapping[int, _Current],
    overdue: Iterable[DueItem],
) -> dict[int, list[DueItem]]:
    """`due_items`, given what the caseload has read already: the closed cases, the
    current forløb and the overdue requests (`documentation.overdue_requests`)."""
    goals: dict[int, dict[str, dt.date]] = defaultdict(dict)
    goal_stmt = select(GoalProgress.forloeb_id, GoalProgress.goal_key, GoalProgress.reached_on)
    if ids is not None:
        goal_stmt = goal_stmt.where(GoalProgress.forloeb_id.in_([c.forloeb_id for c in current.values()]))
    # else every goal: only those of the current forløb are looked up, and reading them all
    # is quicker than naming the current forløb (9,000 at 10,000 citizens) in the query.
    for forloeb_id, key, reached in plain_rows(session, goal_stmt):
        goals[forloeb_id][key] = reached

    result: dict[int, list[DueItem]] = defaultdict(list)
    # The open deadlines depend only on the group, the start and which goals are reached,
    # and many citizens share those: work each combination out once.
    no_goals: dict[str, dt.date] = {}
    deadlines: dict[tuple[VisitationGroup, dt.date, frozenset[str]], list[DueItem]] = {}
    for citizen_id, cur in current.items():
        if citizen_id in closed:
            continue
        reached = goals.get(cur.forloeb_id, no_goals)
        key = (cur.group, cur.start, frozenset(reached))
        open_deadlines = deadlines.get(key)
        if open_deadlines is None:
            open_deadlines = deadlines[key] = group_deadlines(cur.group, cur.start, reached)
        if open_deadlines:
            result[citizen_id].extend(
                known_due_item(item.due_on, item.title, item.kind, item.target, citizen_id) for item in open_deadlines
            )

    meeting_stmt = select(Meeting.citizen_id, Meeting.starts_at, Meeting.kind).where(
        Meeting.starts_at >= dt.datetime.combine(today, dt.time.min)
    )
    deadline_stmt = select(Deadline.citizen_id, Deadline.due_on, Deadline.title).where(Deadline.done_on.is_(None))
    if ids is not None:
        meeting_stmt = meeting_stmt.where(Meeting.citizen_id.in_(ids))
        deadline_stmt = deadline_stmt.where(Deadline.citizen_id.in_(ids))
    for citizen_id, starts_at, kind in plain_rows(session, meeting_stmt):
        if citizen_id not in closed:
            title = f"{MEETING_LABELS[MeetingKind(kind)]} kl. {fmt.time(starts_at)}"
            result[citizen_id].append(known_due_item(starts_at.date(), title, "møde", "meetings", citizen_id))
    for citizen_id, due_on, title in plain_rows(session, deadline_stmt):
        if citizen_id not in closed:
            result[citizen_id].append(known_due_item(due_on, title, "påmindelse", "deadlines", citizen_id))
    for item in overdue:
        if item.citizen_id is not None and item.citizen_id not in closed:
            result[item.citizen_id].append(item)
    for items in result.values():
        items.sort(key=_DUE_ON)
    return result


def _closed(session: Session, ids: list[int] | None) -> dict[int, Outcome]:
    stmt = select(CaseOutcome.citizen_id, CaseOutcome.outcome).where(CaseOutcome.reopened_on.is_(None))
    if ids is not None:
        stmt = stmt.where(CaseOutcome.citizen_id.in_(ids))
    return {citizen_id: outcome for citizen_id, outcome in plain_rows(session, stmt)}


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Hold back Python's cyclic garbage collector while the whole caseload is read.

    The read makes several hundred thousand small objects that live on until it ends
    (rows, due items, weeks of hours), and each collection walks all of them again: at
    10,000 citizens the collections made `load_caseload` take 590 ms instead of 500, and
    `load_overview` 690 ms instead of 500. What they read is not cyclic garbage (reference
    counting still frees memory as usual); what little there is is collected once the
    collector is back on.

    It is switched back on afterwards if it was on before: nested or overlapping reads
    (the window reads in a worker thread) never leave it switched off."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_caseload(database: Database, today: dt.date | None = None) -> list[CaseloadRow]:
    """All citizens, active and closed, sorted by last name."""
    today = today or dt.date.today()
    with gc_paused(), database.reading() as session:
        return caseload_rows(session, today)


def caseload_rows(session: Session, today: dt.date, citizen_ids: Iterable[int] | None = None) -> list[CaseloadRow]:
    ids = list(citizen_ids) if citizen_ids is not None else None
    stmt = select(
        Citizen.id,
        Citizen.cpr,
        Citizen.first_name,
        Citizen.last_name,
        Citizen.phone,
        Citizen.notes,
        Citizen.aim,
        Citizen.support_years_last10,
    ).order_by(Citizen.last_name, Citizen.first_name)
    if ids is not None:
        stmt = stmt.where(Citizen.id.in_(ids))
    readiness = readiness_by_citizen(session, today, ids)
    # Both read the documentation table; right one after the other, most of its pages are
    # still in SQLCipher's page cache, decrypted (34 → 19 ms for this read at 10,000 citizens).
    overdue = overdue_requests(session, today, ids)
    closed = _closed(session, ids)
    current = _current_forloeb(session, ids)
    due = _due_items(session, today, ids, closed, current, overdue)
    rows: list[CaseloadRow] = []
    for citizen_id, digits, first, last, phone, notes, aim, support_years in plain_rows(session, stmt):
        age = cpr.age_on(digits, today)
        cur = current.get(citizen_id)
        active = citizen_id not in closed
        search = " ".join((first, last, digits, fmt.cpr(digits), phone, phone.replace(" ", ""), notes))
        rows.append(
            CaseloadRow(
                citizen_id=citizen_id,
                cpr=digits,
                first_name=first,
                last_name=last,
                phone=phone,
                age=age,
                group=cur.group if cur and active else None,
                aim=aim,
                forloeb_start=cur.start if cur and active else None,
                weeks_in_forloeb=weeks_in_forloeb(cur.start, today) if cur and active else None,
                active=active,
                outcome=closed.get(citizen_id),
                in_target_group=in_target_group_2024(age, support_years),
                due=tuple(due.get(citizen_id, ())),
                readiness=readiness.get(citizen_id) if active else None,
                search_text=fold_for_search(search),
                sort_name=danish_sort_key(f"{last} {first}"),
            )
        )
    return rows
