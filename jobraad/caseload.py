"""The caseload: one row per citizen with what the list and the Overblik need.

Built with a handful of set-based queries (never one query per citizen), so the
list stays instant at 1,000 citizens and more.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.enums import Aim, MeetingKind, Outcome, VisitationGroup
from db.models import CaseOutcome, Citizen, Deadline, Forloeb, GoalProgress, Meeting
from db.session import Database
from jobraad import cpr
from jobraad.documentation import Readiness, overdue_requests, readiness_by_citizen
from jobraad.text import danish_sort_key, fold_for_search
from jobraad.visitation import DueItem, Urgency, group_deadlines, in_target_group_2024, urgency, weeks_in_forloeb
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
    for citizen_id, forloeb_id, group, start in session.execute(stmt.order_by(Forloeb.start_date, Forloeb.id)):
        current[citizen_id] = _Current(forloeb_id, group, start)  # the latest wins
    return current


def due_items(session: Session, today: dt.date, citizen_ids: Iterable[int] | None = None) -> dict[int, list[DueItem]]:
    """Every open deadline per active citizen, soonest first: group deadlines (seed
    001), coming meetings and the caseworker's own reminders."""
    ids = list(citizen_ids) if citizen_ids is not None else None
    closed = _closed(session, ids)
    current = _current_forloeb(session, ids)
    goals: dict[int, dict[str, dt.date]] = defaultdict(dict)
    goal_stmt = select(GoalProgress.forloeb_id, GoalProgress.goal_key, GoalProgress.reached_on).where(
        GoalProgress.forloeb_id.in_([c.forloeb_id for c in current.values()])
    )
    for forloeb_id, key, reached in session.execute(goal_stmt):
        goals[forloeb_id][key] = reached

    result: dict[int, list[DueItem]] = defaultdict(list)
    for citizen_id, cur in current.items():
        if citizen_id in closed:
            continue
        for item in group_deadlines(cur.group, cur.start, goals.get(cur.forloeb_id, {})):
            result[citizen_id].append(DueItem(item.due_on, item.title, item.kind, item.target, citizen_id))

    meeting_stmt = select(Meeting.citizen_id, Meeting.starts_at, Meeting.kind).where(
        Meeting.starts_at >= dt.datetime.combine(today, dt.time.min)
    )
    deadline_stmt = select(Deadline.citizen_id, Deadline.due_on, Deadline.title).where(Deadline.done_on.is_(None))
    if ids is not None:
        meeting_stmt = meeting_stmt.where(Meeting.citizen_id.in_(ids))
        deadline_stmt = deadline_stmt.where(Deadline.citizen_id.in_(ids))
    for citizen_id, starts_at, kind in session.execute(meeting_stmt):
        if citizen_id not in closed:
            title = f"{MEETING_LABELS[MeetingKind(kind)]} kl. {starts_at:%H:%M}"
            result[citizen_id].append(DueItem(starts_at.date(), title, "møde", "meetings", citizen_id))
    for citizen_id, due_on, title in session.execute(deadline_stmt):
        if citizen_id not in closed:
            result[citizen_id].append(DueItem(due_on, title, "påmindelse", "deadlines", citizen_id))
    for item in overdue_requests(session, today, ids):
        if item.citizen_id is not None and item.citizen_id not in closed:
            result[item.citizen_id].append(item)
    for items in result.values():
        items.sort(key=lambda d: d.due_on)
    return result


def _closed(session: Session, ids: list[int] | None) -> dict[int, Outcome]:
    stmt = select(CaseOutcome.citizen_id, CaseOutcome.outcome).where(CaseOutcome.reopened_on.is_(None))
    if ids is not None:
        stmt = stmt.where(CaseOutcome.citizen_id.in_(ids))
    return {citizen_id: outcome for citizen_id, outcome in session.execute(stmt)}


def load_caseload(database: Database, today: dt.date | None = None) -> list[CaseloadRow]:
    """All citizens, active and closed, sorted by last name."""
    today = today or dt.date.today()
    with database.reading() as session:
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
    closed = _closed(session, ids)
    current = _current_forloeb(session, ids)
    due = due_items(session, today, ids)
    readiness = readiness_by_citizen(session, today, ids)
    rows: list[CaseloadRow] = []
    for citizen_id, digits, first, last, phone, notes, aim, support_years in session.execute(stmt):
        age = cpr.age_on(digits, today)
        cur = current.get(citizen_id)
        active = citizen_id not in closed
        search = " ".join((first, last, digits, cpr.format_cpr(digits), phone, phone.replace(" ", ""), notes))
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
