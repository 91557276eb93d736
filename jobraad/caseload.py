"""The caseload: one row per citizen with what the list and the Overblik need.

Built with a handful of set-based queries (never one query per citizen), so the
list stays instant at 1,000 citizens and more.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from itertools import groupby

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db.enums import Aim, MeetingKind, Outcome, VisitationGroup
from db.models import CaseOutcome, Citizen, Deadline, GoalProgress, Meeting
from db.session import Database
from jobraad import bulk, cpr
from jobraad import formatting as fmt
from jobraad.documentation import (
    Readiness,
    overdue_requests,
    readiness_by_citizen,
)
from jobraad.meeting_workflow import add_team_goals, meeting_due_items
from jobraad.rulepacks import default_pack_for, packs_without_team
from jobraad.samtaler import samtale_due_items
from jobraad.support_years import SupportYears, period_years_by_citizen, resolved
from jobraad.text import danish_sort_key, fold_for_search
from jobraad.visitation import (
    DueItem,
    DueKind,
    DueTarget,
    Urgency,
    group_deadlines,
    in_target_group_2024,
    pension_without_team_counts,
    urgency,
    weeks_in_forloeb,
    without_team_aims,
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
    # Years on public support among the last ten, and where they come from (jobraad.support_years).
    support: SupportYears | None = None
    rule_pack: str = ""  # the pack id the case recorded, "" before its assessment started
    due: tuple[DueItem, ...] = ()
    readiness: Readiness | None = None
    search_text: str = field(default="", repr=False)  # folded (jobraad.text.fold_for_search): name, CPR, phone, notes
    sort_name: str = field(default="", repr=False)  # jobraad.text.danish_sort_key of "last first"
    # Read without its readiness yet (`caseload_rows(readiness=False)`, the first rows at start):
    # `readiness` is not known, rather than "no checklist".
    readiness_pending: bool = False

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

    def is_overdue(self, today: dt.date) -> bool:
        """Has a deadline before `today` (`overdue_count` > 0, known from the first: `due` is
        soonest first; the window counts these rows at every reload)."""
        return self.next_urgency(today) is Urgency.OVERDUE


def due_items(
    session: Session, today: dt.date, citizen_ids: Iterable[int] | None = None
) -> dict[int, tuple[DueItem, ...]]:
    """Every open deadline per active citizen, soonest first: group deadlines (seed
    001), coming meetings, the caseworker's own reminders and overdue documentation
    requests. Citizens with none are left out."""
    ids = list(citizen_ids) if citizen_ids is not None else None
    current = bulk.current_forloeb(session, ids)
    overdue = overdue_requests(session, today, ids)
    return _due_items(session, today, ids, _closed(session, ids), current, overdue)


_CITIZEN = operator.attrgetter("citizen_id")
_CITIZEN_AND_DATE = operator.attrgetter("citizen_id", "due_on")


def _due_items(
    session: Session,
    today: dt.date,
    ids: list[int] | None,
    closed: Mapping[int, Outcome],
    current: bulk.CurrentForloeb,
    overdue: Iterable[DueItem],
) -> dict[int, tuple[DueItem, ...]]:
    """`due_items`, given what the caseload has read already: the closed cases, the
    current forløb and the overdue requests (`documentation.overdue_requests`)."""
    goals: dict[int, dict[str, dt.date]] = defaultdict(dict)
    goal_stmt = select(GoalProgress.forloeb_id, GoalProgress.goal_key, GoalProgress.reached_on)
    if ids is not None:
        goal_stmt = goal_stmt.where(GoalProgress.forloeb_id.in_(list(current.forloeb_id.values())))
    # else every goal: only those of the current forløb are looked up, and reading them all
    # is quicker than naming the current forløb (9,000 at 10,000 citizens) in the query.
    for forloeb_id, key, reached in bulk.rows(session, goal_stmt):
        goals[forloeb_id][key] = reached
    add_team_goals(session, goals, current, ids)  # gruppe 3's forelagt/afgjort from the meeting records

    # All in one list, sorted by citizen and date at the end: not a list per citizen, which
    # would live through the whole read and have Python's cyclic garbage collector walk the
    # heap once more.
    items: list[DueItem] = []
    # The open deadlines depend only on the group, the start and which goals are reached,
    # and many citizens share those: work each combination out once.
    no_goals: dict[str, dt.date] = {}
    past_team = _without_team(session, ids, today)
    deadlines: dict[tuple[VisitationGroup, dt.date, frozenset[str], bool], list[DueItem]] = {}
    for citizen_id, forloeb_id in current.forloeb_id.items():
        if citizen_id in closed:
            continue
        group, start = current.group[citizen_id], current.start[citizen_id]
        reached = goals.get(forloeb_id, no_goals)
        without_team = citizen_id in past_team
        key = (group, start, frozenset(reached), without_team)
        open_deadlines = deadlines.get(key)
        if open_deadlines is None:
            open_deadlines = deadlines[key] = group_deadlines(group, start, reached, without_team=without_team)
        items.extend(DueItem(d.due_on, d.title, d.kind, d.target, citizen_id, d.ref) for d in open_deadlines)

    meeting_stmt = select(Meeting.citizen_id, Meeting.starts_at, Meeting.kind, Meeting.id).where(
        Meeting.starts_at >= dt.datetime.combine(today, dt.time.min)
    )
    deadline_stmt = select(Deadline.citizen_id, Deadline.due_on, Deadline.title, Deadline.id).where(
        Deadline.done_on.is_(None)
    )
    if ids is not None:
        meeting_stmt = meeting_stmt.where(Meeting.citizen_id.in_(ids))
        deadline_stmt = deadline_stmt.where(Deadline.citizen_id.in_(ids))
    for citizen_id, starts_at, kind, meeting_id in bulk.rows(session, meeting_stmt):
        if citizen_id not in closed:
            title = f"{MEETING_LABELS[MeetingKind(kind)]} kl. {fmt.time(starts_at)}"
            items.append(
                DueItem(starts_at.date(), title, DueKind.MOEDE, DueTarget.MEETINGS, citizen_id, str(meeting_id))
            )
    for citizen_id, due_on, title, deadline_id in bulk.rows(session, deadline_stmt):
        if citizen_id not in closed:
            items.append(DueItem(due_on, title, DueKind.PAAMINDELSE, DueTarget.DEADLINES, citizen_id, str(deadline_id)))
    items.extend(meeting_due_items(session, today, ids, closed))  # "Bestil tolk", "Send sagen senest …"
    items.extend(item for item in overdue if item.citizen_id is not None and item.citizen_id not in closed)
    items.extend(samtale_due_items(session, today, ids, closed, current))
    items.sort(key=_CITIZEN_AND_DATE)  # stable: items due on the same day keep the order above
    return {citizen_id: tuple(same) for citizen_id, same in groupby(items, key=_CITIZEN)}


def _without_team(session: Session, ids: list[int] | None, today: dt.date) -> set[int]:
    """The citizens whose case is decided without the rehabiliteringsteam (`goes_without_team`):
    by aim, as an oplagt case, or under a pack with no team (recorded, or today's for a case
    that has recorded none)."""
    no_team = packs_without_team()
    if not default_pack_for(today).terms.team:
        no_team |= {""}
    conditions = [Citizen.rule_pack.in_(sorted(no_team))] if no_team else []
    if aims := without_team_aims():
        conditions.append(Citizen.aim.in_(sorted(aims)))
    if pension_without_team_counts():
        conditions.append(Citizen.pension_without_team.is_(True))
    if not conditions:
        return set()
    stmt = select(Citizen.id).where(or_(*conditions))
    if ids is not None:
        stmt = stmt.where(Citizen.id.in_(ids))
    return set(session.scalars(stmt))


def _closed(session: Session, ids: list[int] | None) -> dict[int, Outcome]:
    stmt = select(CaseOutcome.citizen_id, CaseOutcome.outcome).where(CaseOutcome.reopened_on.is_(None))
    if ids is not None:
        stmt = stmt.where(CaseOutcome.citizen_id.in_(ids))
    return {citizen_id: outcome for citizen_id, outcome in bulk.rows(session, stmt)}


def load_caseload(database: Database, today: dt.date | None = None, *, readiness: bool = True) -> list[CaseloadRow]:
    """All citizens, active and closed, sorted by last name (`readiness`: see `caseload_rows`)."""
    today = today or dt.date.today()
    with database.reading() as session:
        return caseload_rows(session, today, readiness=readiness)


def load_readiness(database: Database, today: dt.date, rows: list[CaseloadRow]) -> list[CaseloadRow]:
    """The rows of `load_caseload(readiness=False)` with their readiness (`with_readiness`)."""
    with database.reading() as session:
        return with_readiness(session, today, rows)


def caseload_rows(
    session: Session, today: dt.date, citizen_ids: Iterable[int] | None = None, *, readiness: bool = True
) -> list[CaseloadRow]:
    """The rows of all citizens (or of `citizen_ids`), sorted by last name. Without
    `readiness`, each row's documentation readiness is left out (`readiness_pending`): the
    rows come in a third of the time (the window shows them first at start, then
    `with_readiness` completes them)."""
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
        Citizen.rule_pack,
    ).order_by(Citizen.last_name, Citizen.first_name)
    if ids is not None:
        stmt = stmt.where(Citizen.id.in_(ids))
    current = bulk.current_forloeb(session, ids)
    # Both read the documentation table; right one after the other, most of its pages are
    # still in SQLCipher's page cache, decrypted (34 → 19 ms for this read at 10,000 citizens).
    found = readiness_by_citizen(session, today, ids, current) if readiness else None
    overdue = overdue_requests(session, today, ids)
    closed = _closed(session, ids)
    due = _due_items(session, today, ids, closed, current, overdue)
    from_periods = period_years_by_citizen(session, today, ids)
    rows: list[CaseloadRow] = []
    for citizen_id, digits, first, last, phone, notes, aim, typed_years, rule_pack in bulk.rows(session, stmt):
        support = resolved(typed_years, from_periods.get(citizen_id))
        age = cpr.age_on(digits, today)
        active = citizen_id not in closed
        start = current.start.get(citizen_id) if active else None
        search = " ".join((first, last, digits, fmt.cpr(digits), phone, phone.replace(" ", ""), notes))
        rows.append(
            CaseloadRow(
                citizen_id=citizen_id,
                cpr=digits,
                first_name=first,
                last_name=last,
                phone=phone,
                age=age,
                group=current.group.get(citizen_id) if active else None,
                aim=aim,
                forloeb_start=start,
                weeks_in_forloeb=weeks_in_forloeb(start, today) if start is not None else None,
                active=active,
                outcome=closed.get(citizen_id),
                in_target_group=in_target_group_2024(age, support.years),
                support=support,
                rule_pack=rule_pack,
                due=due.get(citizen_id, ()),
                search_text=fold_for_search(search),
                sort_name=danish_sort_key(f"{last} {first}"),
                readiness=_readiness(found, citizen_id, active),
                readiness_pending=found is None,
            )
        )
    return rows


def _readiness(found: Mapping[int, Readiness] | None, citizen_id: int, active: bool) -> Readiness | None:
    """A row's readiness from `readiness_by_citizen`: an open case's; a closed case has none."""
    return found.get(citizen_id) if found is not None and active else None


def with_readiness(session: Session, today: dt.date, rows: list[CaseloadRow]) -> list[CaseloadRow]:
    """The rows of `caseload_rows(readiness=False)` (all citizens) with their readiness
    (`_readiness`, as `caseload_rows` sets it)."""
    found = readiness_by_citizen(session, today)
    return [
        replace(row, readiness=_readiness(found, row.citizen_id, row.active), readiness_pending=False) for row in rows
    ]
